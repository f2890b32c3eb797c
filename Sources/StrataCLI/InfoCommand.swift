import ArgumentParser
import Foundation
import Strata

/// `strata info`: what a store holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "List the tables of a store with their schemas, rows, partitions, size and compression.",
        discussion: """
            With a table name, also list the table's versions (time, operation, engine, files, rows, rows added), \
            which `SELECT … FROM t AT (VERSION => n)` reads, its partition files (rows, row groups, size, codec) \
            and each column's min, max and nulls from the files' statistics (no data is read). Sizes count every file in the table folder: the current \
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
                if table != nil {
                    try printVersions(db.versions(of: name))
                    try printPartitions(db.partitions(of: name))
                }
            }
        }
    }

    /// The version table: number, time, operation, engine, files, rows and the rows it added (or removed).
    private func printVersions(_ versions: [TableVersion]) {
        print("  versions:")
        var previous: Int64? = 0
        let rows = versions.map { v in
            var change = "?"
            if let rows = v.rowCount, let before = previous {
                let delta = rows - before
                change = delta > 0 ? "+" + Formatting.count(delta) : delta < 0 ? "-" + Formatting.count(-delta) : "0"
            }
            previous = v.rowCount
            return [String(v.version), v.committedAt ?? "-", v.operation, v.engine ?? "-", String(v.fileCount),
                    v.rowCount.map(Formatting.count) ?? "?", change]
        }
        printTable(["version", "committed", "operation", "engine", "files", "rows", "added"], rows,
                   rightAligned: [0, 4, 5, 6])
    }

    /// The partition files (rows, row groups, size, codec), then each column's statistics over them, from the
    /// files' footers.
    private func printPartitions(_ partitions: [PartitionSummary]) {
        print("  partitions:")
        printTable(["file", "rows", "row groups", "size", "codec"], partitions.map { p in
            [p.file, Formatting.count(p.rows), String(p.rowGroups), Formatting.bytes(p.bytes), p.codec]
        }, rightAligned: [1, 2, 3])
        guard let first = partitions.first else { return }
        print("  column statistics (from the files' footers):")
        let columns = first.columns.indices.compactMap { c in
            ColumnSummary.combined(partitions.compactMap { $0.columns.indices.contains(c) ? $0.columns[c] : nil })
        }
        printTable(["column", "min", "max", "nulls"], columns.map { column in
            [column.name, column.min.map(Self.cell) ?? "-", column.max.map(Self.cell) ?? "-",
             column.nullCount.map(Formatting.count) ?? "?"]
        }, rightAligned: [3])
    }

    /// A value as one short cell.
    private static func cell(_ value: Value) -> String {
        let text = value.description.replacingOccurrences(of: "\n", with: " ")
        return text.count > 40 ? String(text.prefix(39)) + "…" : text
    }

    /// Prints `rows` under `header`, columns padded to their widest cell.
    private func printTable(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>) {
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                return rightAligned.contains(c) ? pad + row[c] : row[c] + pad
            }
            print(("    " + cells.joined(separator: "  ")).replacingOccurrences(of: " +$", with: "", options: .regularExpression))
        }
    }
}
