import ArgumentParser
import Strata

/// `strata info`: what a store holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "List the tables of a store with their schemas, rows, partitions, size and compression.",
        discussion: """
            Example:
              strata info taxi.store
            """
    )

    @Argument(help: "The store directory.")
    var store: String

    func run() throws {
        try runReportingErrors {
            let db = try Database(path: store)
            let names = try db.tableNames()
            print("store \(db.path): \(names.count) table\(names.count == 1 ? "" : "s")")
            for name in names {
                let info = try db.info(name)
                print("")
                print("table \(info.name) (version \(info.version))")
                print("  rows:        \(info.rowCount)")
                print("  partitions:  \(info.partitionCount) files, \(info.rowGroupCount) row groups")
                print("  on disk:     \(Formatting.bytes(info.bytesOnDisk)) "
                    + "(\(info.codecs.isEmpty ? "-" : info.codecs.joined(separator: ", ")))")
                print("  uncompressed: \(Formatting.bytes(info.uncompressedBytes)), ratio "
                    + Formatting.ratio(info.compressionRatio))
                print("  columns:")
                let width = info.schema.fields.map(\.name.count).max() ?? 0
                for field in info.schema.fields {
                    let pad = String(repeating: " ", count: width - field.name.count)
                    print("    \(field.name)\(pad)  \(field.type)\(field.nullable ? "" : " not null")")
                }
            }
        }
    }
}
