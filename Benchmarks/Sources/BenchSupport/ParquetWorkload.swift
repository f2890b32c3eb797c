import Foundation
import Strata

/// The two measured operations, shared by `parquet-throughput` and the `Parquet.*` benchmarks.
public enum ParquetWorkload {
    /// The table name used in every benchmark store.
    public static let table = "t"

    /// Creates an empty store at `path` (removing whatever is there) holding an empty ``SyntheticTable`` table.
    public static func freshStore(at path: String) throws -> Database {
        let files = FileManager.default
        if files.fileExists(atPath: path) { try files.removeItem(atPath: path) }
        let db = try Database(path: path, createIfMissing: true)
        try db.createTable(table, schema: SyntheticTable.schema)
        return db
    }

    /// Appends `batches` to the benchmark table as one version (the timed write).
    @discardableResult
    public static func write(_ batches: [Batch], to db: Database, codec: Codec) throws -> TableInfo {
        try db.append(to: table, batches: batches, codec: codec)
    }

    /// Reads every column of every row of the benchmark table (the timed scan). Returns the rows and column values
    /// seen, so that each batch is really produced and looked at.
    public static func scanAll(_ db: Database) throws -> (rows: Int, values: Int) {
        var cursor = try db.scan(table, columns: nil)
        var rows = 0
        var values = 0
        while let batch = try cursor.next() {
            rows += batch.count
            for column in batch.columns { values += column.count }
        }
        return (rows, values)
    }

    /// The partition files of the benchmark table in `store`, in the order they were written.
    public static func partitionFiles(store: String) throws -> [String] {
        let directory = store + "/tables/" + table
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("part-") && $0.hasSuffix(".parquet") }
        // part-<version>-<n>-<random>.parquet
        func key(_ name: String) -> (Int, Int) {
            let pieces = name.split(separator: "-")
            return (pieces.count > 2 ? Int(pieces[1]) ?? 0 : 0, pieces.count > 2 ? Int(pieces[2]) ?? 0 : 0)
        }
        return names.sorted { key($0) < key($1) }.map { directory + "/" + $0 }
    }

    /// Parses a codec name as the benchmark tools spell it: `zstd` (level 1), `lz4` or `none`.
    public static func codec(named name: String) throws -> Codec {
        try Codec(parsing: name == "zstd" ? "zstd:1" : name)
    }
}
