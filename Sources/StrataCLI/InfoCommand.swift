import ArgumentParser
import Strata

/// `strata info`: what a store holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "List the tables of a store with their schemas, rows, partitions, size and compression.",
        discussion: """
            With a table name, also list the table's versions (time, operation, engine, files, rows), which \
            `SELECT … FROM t AT (VERSION => n)` reads. Sizes count every file in the table folder: the current \
            version's files, older versions' files (reclaimable once no version within the retention needs them) \
            and the Delta log.

            Examples:
              strata info taxi.store
              strata info taxi.store trips
            """
    )

    @Argument(help: "The store directory.")
    var store: String

    @Argument(help: "A table: show only it, with its versions.")
    var table: String?

    func run() throws {
        try runReportingErrors {
            let db = try Database(path: store)
            let names = try table.map { [$0] } ?? db.tableNames()
            if table == nil { print("store \(db.path): \(names.count) table\(names.count == 1 ? "" : "s")") }
            for (index, name) in names.enumerated() {
                let info = try db.info(name)
                if table == nil || index > 0 { print("") }
                print("table \(info.name) (version \(info.version))")
                print("  rows:        \(Formatting.count(info.rowCount))")
                print("  partitions:  \(info.partitionCount) files, \(info.rowGroupCount) row groups")
                print("  on disk:     \(Formatting.bytes(info.bytesOnDisk)) "
                    + "(\(info.codecs.isEmpty ? "-" : info.codecs.joined(separator: ", ")))")
                print("  folder:      \(Formatting.bytes(info.folderBytes)) in all, "
                    + "\(Formatting.bytes(info.reclaimableBytes)) reclaimable (older versions' files)")
                print("  uncompressed: \(Formatting.bytes(info.uncompressedBytes)), ratio "
                    + Formatting.ratio(info.compressionRatio))
                print("  columns:")
                let width = info.schema.fields.map(\.name.count).max() ?? 0
                for field in info.schema.fields {
                    let pad = String(repeating: " ", count: width - field.name.count)
                    print("    \(field.name)\(pad)  \(field.type)\(field.nullable ? "" : " not null")")
                }
                if table != nil { try printVersions(db.versions(of: name)) }
            }
        }
    }

    /// The version table: number, time, operation, engine, files and rows.
    private func printVersions(_ versions: [TableVersion]) {
        print("  versions:")
        let rows = versions.map { v in
            [String(v.version), v.committedAt ?? "-", v.operation, v.engine ?? "-", String(v.fileCount),
             v.rowCount.map(Formatting.count) ?? "?"]
        }
        let header = ["version", "committed", "operation", "engine", "files", "rows"]
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                return c == 0 || c >= 4 ? pad + row[c] : row[c] + pad
            }
            print("    " + cells.joined(separator: "  "))
        }
    }
}
