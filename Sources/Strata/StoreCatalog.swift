import Foundation
import StrataCSV
import StrataSQL
import StrataStorage
import Synchronization

/// The SQL catalog of one statement over a store: table snapshots are taken once and reused, so the binder and
/// the executor see the same version of each table; `read_csv` files are converted into a scratch store that
/// lives as long as the catalog.
final class StoreCatalog: SQLCatalog, Sendable {
    private let database: Database
    private let state = Mutex(State())

    private struct State {
        var snapshots: [String: TableSnapshot] = [:]
        var scratch: [ScratchDirectory] = []
    }

    /// A catalog over `database`.
    init(database: Database) {
        self.database = database
    }

    deinit {
        let directories = state.withLock { $0.scratch }
        for directory in directories { directory.remove() }
    }

    /// The name prefix of `read_csv` scratch folders: `strata-csv-<pid>-<random>`.
    static let csvFolderPrefix = "strata-csv"


    /// The pinned snapshot of table `name` (or of a version, named as ``Store/reference(_:version:)`` names it).
    func snapshot(of name: String) throws -> TableSnapshot {
        if let pinned = state.withLock({ $0.snapshots[name] }) { return pinned }
        let snapshot = try database.store.snapshot(ofReference: name)
        state.withLock { $0.snapshots[name] = snapshot }
        return snapshot
    }

    func tableSchema(_ name: String) throws -> Schema? {
        guard try database.store.tableNames().contains(name) else { return nil }
        return try snapshot(of: name).schema
    }

    func tableNames() throws -> [String] { try database.store.tableNames() }

    func tableVersion(_ name: String, version: Int) throws -> (reference: String, schema: Schema) {
        let reference = Store.reference(name, version: version)
        return (reference, try snapshot(of: reference).schema)
    }

    func parquetFiles(_ pattern: String) throws -> (paths: [String], schema: Schema) {
        let paths = try FileGlob.expand(pattern)
        guard let first = paths.first else {
            throw StrataError(.notFound, "no files match \(pattern)", path: pattern)
        }
        return (paths, try ParquetFileReader(path: first).schema)
    }

    func deltaTable(_ path: String, version: Int?) throws -> (paths: [String], schema: Schema) {
        let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let log = DeltaLog(tableDirectory: folder, table: folder)
        guard log.exists else {
            throw StrataError(.notFound, "is not a Delta table (no \(DeltaLog.folderName) folder)", path: folder)
        }
        let manifest = try log.manifest(version: version)
        return (manifest.partitions.map { folder + "/" + $0.file }, Schema(unchecked: manifest.schema))
    }

    func csvFile(_ path: String, options: [String: Value]) throws -> (paths: [String], schema: Schema) {
        var csv = CSVImportOptions()
        for (key, value) in options {
            switch (key, value) {
            case let ("header", .bool(flag)): csv.header = flag
            case let ("delim", .string(text)), let ("sep", .string(text)), let ("delimiter", .string(text)):
                guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
                    throw StrataError(.invalidArgument, "read_csv: the delimiter must be one character")
                }
                csv.delimiter = scalar
            case let ("quote", .string(text)):
                guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
                    throw StrataError(.invalidArgument, "read_csv: the quote must be one character")
                }
                csv.quote = scalar
            case let ("nullstr", .string(text)): csv.nullTokens = [text]
            default:
                throw StrataError(.invalidArgument, "read_csv: unsupported option \(key) = \(value) (header, delim, "
                    + "quote and nullstr are supported)")
            }
        }
        let configuration = database.configuration
        if let limit = configuration.memoryLimit { csv.memoryLimit = max(64 << 20, limit / 2) }
        csv.threads = configuration.threads
        csv.codec = .lz4
        let parent = configuration.scratchParent
        ScratchDirectory.removeAbandoned(in: parent, prefix: StoreCatalog.csvFolderPrefix)
        let folder = try ScratchDirectory.create(in: parent, prefix: StoreCatalog.csvFolderPrefix)
        state.withLock { $0.scratch.append(folder) }
        let scratch = try Database(path: folder.path + "/store", createIfMissing: true)
        _ = try scratch.importCSV(from: path, into: "csv", options: csv)
        let snapshot = try scratch.store.snapshot(of: "csv")
        return (snapshot.partitions.map { snapshot.path(of: $0) }, snapshot.schema)
    }
}
