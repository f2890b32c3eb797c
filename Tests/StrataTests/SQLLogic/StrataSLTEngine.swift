import Foundation
import Strata

/// The engine the SQL logic tests run against: Strata's SQL API with `threads` worker threads and an operator pool
/// of `pool` bytes (nil: the default), each configuration in its own temporary store and spill directory.
func makeStrataSLTEngine(threads: Int, pool: Int?) throws -> any SLTEngine {
    try StrataSLTEngine(threads: threads, pool: pool)
}

/// A temporary store queried through ``Database/query(_:_:)``.
final class StrataSLTEngine: SLTEngine {
    private let directory: TempDirectory
    private let spill: TempDirectory
    private let database: Database

    init(threads: Int, pool: Int?) throws {
        directory = try TempDirectory("strata-slt")
        spill = try TempDirectory("strata-slt-spill")
        var configuration = Configuration(memoryLimit: 256 << 20, threads: threads, spillDirectory: spill.path)
        configuration.poolLimitOverride = pool
        database = try Database(path: directory.path("store"), createIfMissing: true, configuration: configuration)
    }

    func load(table: String, parquetPath: String) throws {
        try database.importParquet(from: parquetPath, into: table)
    }

    func query(_ sql: String) throws -> (schema: Schema, batches: [Batch]) {
        let cursor = try database.query(sql)
        return (cursor.schema, try cursor.collect())
    }

    func leftoverSpillFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: spill.path)) ?? []
    }
}
