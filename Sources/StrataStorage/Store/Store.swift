import Foundation
import StrataCore

/// A Strata store: a directory of tables, each a Delta Lake table of Parquet partition files.
///
/// Layout (see `docs/format.md`):
/// ```
/// STORE/strata-store.json                       marker with the store format version
/// STORE/tables/<table>/part-*.parquet           partition files
/// STORE/tables/<table>/_delta_log/N.json        the Delta log: one commit per version, from 0
/// STORE/tables/<table>/_strata/staging/         partition files of appends not yet committed
/// STORE/tables/<table>/_strata/lock             held by the one Strata writer of the table
/// ```
/// A `Store` value is cheap and immutable; every read works on a ``TableSnapshot`` taken when it starts.
package struct Store: Sendable {
    /// Name of the marker file at the store root.
    package static let markerFile = "strata-store.json"
    /// The store format version new stores record: 2 since tables are Delta tables (1: `_strata/versions`).
    package static let formatVersion = 2

    /// The store directory.
    package let path: String

    private init(path: String) {
        self.path = path
    }

    /// Opens the store at `path`, creating it when `create` is true and nothing is there.
    package static func open(at path: String, create: Bool = false) throws -> Store {
        let root = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let marker = root + "/" + markerFile
        let (exists, isDirectory) = FileSystem.kind(of: root)
        if exists && !isDirectory {
            throw StrataError(.invalidArgument, "is a file, not a store directory", path: root)
        }
        if FileSystem.kind(of: marker).exists {
            let bytes = try FileIO(path: marker, mode: .read)
            let data = try bytes.read(count: Int(try bytes.size()), at: 0)
            guard let text = String(validating: data, as: UTF8.self), text.contains("\"strata-store\"") else {
                throw StrataError(.corrupt, "store marker is not valid", path: marker)
            }
            return Store(path: root)
        }
        guard create else {
            if exists {
                throw StrataError(.notFound, "is not a Strata store (no \(markerFile))", path: root)
            }
            throw StrataError(.notFound, "store does not exist", path: root)
        }
        if exists {
            // What an interrupted create leaves (an empty tables/ and a temp marker) may be reused; anything else
            // is someone's data.
            for name in try FileSystem.list(root) {
                let leftover = try (name == "tables" && FileSystem.list(root + "/tables").isEmpty)
                    || name.hasPrefix(markerFile + ".tmp-")
                guard leftover else {
                    throw StrataError(.alreadyExists, "directory is not empty and not a Strata store", path: root)
                }
                if name != "tables" { try FileSystem.remove(root + "/" + name) }
            }
        }
        try FileSystem.createDirectory(root + "/tables")
        let markerText = "{\"format\": \"strata-store\", \"formatVersion\": \(Store.formatVersion)}\n"
        try FileSystem.writeAtomically(Array(markerText.utf8), to: marker)
        return Store(path: root)
    }

    /// Directory of table `name`.
    package func tableDirectory(_ name: String) -> String { path + "/tables/" + name }

    /// Refuses a table whose folders inside the store are symbolic links: `tables/`, the table folder, `_strata/` and
    /// what is in it. Strata creates, reads and cleans up only inside the store, so a link planted there (which
    /// cleanup would otherwise follow into someone else's folder) is an error naming it.
    package func checkNoLinks(table name: String) throws {
        let directory = tableDirectory(name)
        for path in [path + "/tables", directory, directory + "/" + DeltaLog.folderName, directory + "/_strata",
                     directory + "/_strata/versions", directory + "/_strata/staging", directory + "/_strata/lock",
                     directory + "/_strata/" + TableSnapshot.readersLock, directory + "/_strata/states"]
        where FileSystem.isSymbolicLink(path) {
            throw StrataError(.invalidArgument, "is a symbolic link; Strata does not follow links inside a store "
                + "(remove the link, or copy the folder it points to into the store)", path: path)
        }
    }

    /// Names of the tables that have at least one committed version, sorted.
    package func tableNames() throws -> [String] {
        let names = try FileSystem.list(path + "/tables").filter { (try? Store.validateTableName($0)) != nil }
        for name in names { try checkNoLinks(table: name) }
        return names.filter { (try? latestVersion(of: $0)) != nil }
    }

    /// Creates an empty table (version 0); throws `.alreadyExists` if it has a committed version.
    @discardableResult
    package func createTable(_ name: String, schema: Schema) throws -> TableSnapshot {
        let writer = try TableAppender(store: self, table: name, mode: .create(schema), options: ParquetWriteOptions())
        return try writer.commit()
    }

    /// The current version of table `name`.
    package func snapshot(of name: String) throws -> TableSnapshot {
        try Store.validateTableName(name)
        let lease = try readerLease(table: name)
        return TableSnapshot(store: self, manifest: try manifest(of: name, version: nil), lease: lease)
    }

    /// A specific committed version of table `name`.
    package func snapshot(of name: String, version: Int) throws -> TableSnapshot {
        try Store.validateTableName(name)
        let lease = try readerLease(table: name)
        return TableSnapshot(store: self, manifest: try manifest(of: name, version: version), lease: lease)
    }

    /// A shared lock on the table's `_strata/readers`, taken before its log is read, so that `VACUUM` (which takes
    /// it exclusively) never deletes what a running reader uses. Nil when the table or its `_strata/` folder does
    /// not exist or cannot be written (a read-only copy: nothing vacuums it either).
    private func readerLease(table name: String) throws -> FileLock? {
        try checkNoLinks(table: name)
        let folder = tableDirectory(name) + "/_strata"
        if !FileSystem.kind(of: folder).isDirectory {
            guard FileSystem.kind(of: tableDirectory(name) + "/" + DeltaLog.folderName).isDirectory,
                  (try? FileSystem.createDirectory(folder)) != nil else { return nil }
        }
        return try? FileLock(path: folder + "/" + TableSnapshot.readersLock, wait: true, shared: true)
    }

    /// Deletes table `name`, every version and file of it, once no Strata query reads it (waiting `readerWait`
    /// seconds at most): the folder is renamed out of `tables/` in one step (the drop's commit point), then removed.
    /// What a crash leaves (`tables/.dropped-*`) is removed by the next drop.
    package func dropTable(_ name: String, readerWait: Double = TableVacuum.readerWaitSeconds) throws {
        try Store.validateTableName(name)
        try checkNoLinks(table: name)
        _ = try latestVersion(of: name)
        let directory = tableDirectory(name)
        try FileSystem.createDirectory(directory + "/_strata")
        guard let lock = try FileLock(path: directory + "/_strata/lock", wait: true) else {
            throw StrataError(.internal, "lock unavailable", path: directory)
        }
        defer { lock.unlock() }
        let readers = try TableVacuum.excludeReaders(of: directory, table: name, wait: readerWait,
                                                     doing: "DROP TABLE removes")
        defer { readers.unlock() }
        for leftover in try FileSystem.list(path + "/tables") where leftover.hasPrefix(".dropped-") {
            try? FileSystem.removeTree(path + "/tables/" + leftover)
        }
        let trash = path + "/tables/.dropped-" + name + "-" + FileSystem.randomHex(8)
        try FileSystem.rename(directory, to: trash)
        try FileSystem.syncDirectory(path + "/tables")
        try? FileSystem.removeTree(trash)
    }

    /// How a plan names version `version` of table `name`: `name@version` (table names cannot hold `@`).
    package static func reference(_ name: String, version: Int) -> String { name + "@" + String(version) }

    /// The snapshot a plan's table reference names: a table's current version, or `name@version`.
    package func snapshot(ofReference reference: String) throws -> TableSnapshot {
        guard let at = reference.lastIndex(of: "@") else { return try snapshot(of: reference) }
        guard let version = Int(reference[reference.index(after: at)...]) else {
            throw StrataError(.invalidArgument, "\(reference) is not a table reference")
        }
        return try snapshot(of: String(reference[..<at]), version: version)
    }

    /// Starts an append to `name`, waiting for any other writer of the table to finish.
    package func appender(to name: String, options: ParquetWriteOptions = ParquetWriteOptions()) throws
        -> TableAppender
    {
        try TableAppender(store: self, table: name, mode: .append, options: options)
    }

    /// Starts writing table `name` in `mode`: append, create with a schema (version 1 holds the first rows), or
    /// replace (a new version with only the new rows).
    package func writer(for name: String, mode: TableAppender.Mode,
                        options: ParquetWriteOptions = ParquetWriteOptions()) throws -> TableAppender
    {
        try TableAppender(store: self, table: name, mode: mode, options: options)
    }

    // MARK: - Versions

    /// The Delta log of table `name`.
    package func log(of name: String) -> DeltaLog {
        DeltaLog(tableDirectory: tableDirectory(name), table: name)
    }

    /// The pre-Delta manifests of table `name` (stores written before tables became Delta tables).
    package func legacyVersions(of name: String) -> LegacyVersions {
        LegacyVersions(tableDirectory: tableDirectory(name), table: name)
    }

    /// The highest committed version of table `name`.
    package func latestVersion(of name: String) throws -> Int {
        try checkNoLinks(table: name)
        let log = log(of: name)
        if log.exists, let latest = try log.latestVersion() { return latest }
        if let latest = try legacyVersions(of: name).versions().last { return latest }
        // An upgrade may have moved the versions into the log between the two looks.
        if log.exists, let latest = try log.latestVersion() { return latest }
        throw StrataError(.notFound, "table \"\(name)\" does not exist", path: path)
    }

    /// The manifest of `version` of `table` (the latest when nil): replayed from the Delta log, or read from the
    /// pre-Delta manifests of a table not yet upgraded.
    package func manifest(of table: String, version: Int?) throws -> Manifest {
        try checkNoLinks(table: table)
        let log = log(of: table)
        if log.exists, try log.latestVersion() != nil { return try log.manifest(version: version) }
        let legacy = legacyVersions(of: table)
        do {
            let versions = try legacy.versions()
            guard let latest = versions.last else {
                throw StrataError(.notFound, "table \"\(table)\" does not exist", path: path)
            }
            return try legacy.read(version ?? latest)
        } catch {
            // A writer may have upgraded the table to a Delta log meanwhile: read that.
            if log.exists, try log.latestVersion() != nil { return try log.manifest(version: version) }
            throw error
        }
    }

    /// Every committed version of table `name`, oldest first.
    package func history(of name: String) throws -> [TableVersionSummary] {
        try Store.validateTableName(name)
        try checkNoLinks(table: name)
        let log = log(of: name)
        if log.exists, try log.latestVersion() != nil { return try log.history() }
        let legacy = legacyVersions(of: name)
        let versions = try legacy.versions()
        guard !versions.isEmpty else {
            throw StrataError(.notFound, "table \"\(name)\" does not exist", path: path)
        }
        return try versions.map { version in
            let manifest = try legacy.read(version)
            let millis = LegacyVersions.millis(manifest.committedAt)
            return TableVersionSummary(version: version, timestampMillis: millis == 0 ? nil : millis,
                                       operation: manifest.operation, engine: DeltaLog.engineInfo,
                                       files: manifest.partitions.count, rows: manifest.rowCount,
                                       bytes: Manifest.saturatingSum(manifest.partitions.map(\.bytes)))
        }
    }

    /// `00000000000000000007.json` for version 7 (fixed width, so names sort by version): pre-Delta manifests.
    package static func manifestName(_ version: Int) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    /// The version a manifest file name stands for (nil for other names, and for numbers beyond 64 bits).
    package static func versionNumber(fileName: String) -> Int? {
        guard fileName.hasSuffix(".json"), fileName.utf8.count == 25,
              fileName.utf8.prefix(20).allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let version = Int(fileName.prefix(20)), version >= 1
        else { return nil }
        return version
    }

    // MARK: - Helpers

    /// Table names are identifiers: a letter or `_`, then letters, digits or `_`; at most 128 bytes.
    package static func validateTableName(_ name: String) throws {
        let bytes = Array(name.utf8)
        let valid = !bytes.isEmpty && bytes.count <= 128 && bytes.enumerated().allSatisfy { i, c in
            (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || (i > 0 && c >= 48 && c <= 57)
        }
        guard valid else {
            throw StrataError(.invalidArgument, "invalid table name \"\(name)\": use letters, digits and _, "
                + "starting with a letter or _")
        }
    }

    /// The current time as ISO 8601 UTC.
    package static func now() -> String {
        let micros = Int64(Date().timeIntervalSince1970 * 1_000_000)
        return CivilDate.format(micros: micros - micros % 1000)
    }
}
