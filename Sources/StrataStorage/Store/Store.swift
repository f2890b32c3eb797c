import Foundation
import StrataCore

/// A Strata store: a directory of tables, each a versioned set of Parquet partition files.
///
/// Layout (see `docs/format.md`):
/// ```
/// STORE/strata-store.json                       marker with the store format version
/// STORE/tables/<table>/part-*.parquet           partition files (a plain Parquet dataset)
/// STORE/tables/<table>/_strata/versions/N.json  one manifest per committed version
/// STORE/tables/<table>/_strata/staging/         partition files of appends not yet committed
/// STORE/tables/<table>/_strata/lock             held by the one writer of the table
/// ```
/// A `Store` value is cheap and immutable; every read works on a ``TableSnapshot`` taken when it starts.
package struct Store: Sendable {
    /// Name of the marker file at the store root.
    package static let markerFile = "strata-store.json"

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
        let markerText = "{\"format\": \"strata-store\", \"formatVersion\": \(Manifest.currentFormatVersion)}\n"
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
        for path in [path + "/tables", directory, directory + "/_strata", directory + "/_strata/versions",
                     directory + "/_strata/staging", directory + "/_strata/lock"]
        where FileSystem.isSymbolicLink(path) {
            throw StrataError(.invalidArgument, "is a symbolic link; Strata does not follow links inside a store "
                + "(remove the link, or copy the folder it points to into the store)", path: path)
        }
    }

    /// Names of the tables that have at least one committed version, sorted.
    package func tableNames() throws -> [String] {
        let names = try FileSystem.list(path + "/tables")
        for name in names { try checkNoLinks(table: name) }
        return names.filter { (try? latestVersion(of: $0)) != nil }
    }

    /// Creates an empty table (version 1); throws `.alreadyExists` if it has a committed version.
    @discardableResult
    package func createTable(_ name: String, schema: Schema) throws -> TableSnapshot {
        try Store.validateTableName(name)
        try checkNoLinks(table: name)
        let directory = tableDirectory(name)
        try FileSystem.createDirectory(directory + "/_strata/versions")
        guard let lock = try FileLock(path: directory + "/_strata/lock", wait: true) else {
            throw StrataError(.internal, "lock unavailable", path: directory)
        }
        defer { lock.unlock() }
        if (try? latestVersion(of: name)) != nil {
            throw StrataError(.alreadyExists, "table \"\(name)\" already exists", path: directory)
        }
        let manifest = Manifest(formatVersion: Manifest.currentFormatVersion, table: name, version: 1,
                                operation: "create", committedAt: Store.now(), schema: schema.fields,
                                partitions: [])
        try commit(manifest)
        return TableSnapshot(store: self, manifest: manifest)
    }

    /// The current version of table `name`.
    package func snapshot(of name: String) throws -> TableSnapshot {
        try Store.validateTableName(name)
        let version = try latestVersion(of: name)
        return TableSnapshot(store: self, manifest: try readManifest(table: name, version: version))
    }

    /// A specific committed version of table `name`.
    package func snapshot(of name: String, version: Int) throws -> TableSnapshot {
        TableSnapshot(store: self, manifest: try readManifest(table: name, version: version))
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

    /// The highest committed version of table `name`.
    package func latestVersion(of name: String) throws -> Int {
        try checkNoLinks(table: name)
        let directory = tableDirectory(name) + "/_strata/versions"
        guard FileSystem.kind(of: directory).isDirectory else {
            throw StrataError(.notFound, "table \"\(name)\" does not exist", path: path)
        }
        let versions = try FileSystem.list(directory).compactMap(Store.versionNumber(fileName:))
        guard let latest = versions.max() else {
            throw StrataError(.notFound, "table \"\(name)\" does not exist", path: path)
        }
        return latest
    }

    /// Reads the manifest of `version` of `table`.
    package func readManifest(table: String, version: Int) throws -> Manifest {
        try checkNoLinks(table: table)
        let file = tableDirectory(table) + "/_strata/versions/" + Store.manifestName(version)
        let handle = try FileIO(path: file, mode: .read)
        let bytes = try handle.read(count: Int(try handle.size()), at: 0)
        let manifest = try Manifest.decode(bytes, path: file)
        guard manifest.version == version, manifest.table == table else {
            throw StrataError(.corrupt, "manifest names \(manifest.table) version \(manifest.version)", path: file)
        }
        return manifest
    }

    /// Commits `manifest` as a new version: write a temp file, fsync, hard-link to its final name (fails if that
    /// version exists), fsync the directory. Until the link exists the version is invisible.
    package func commit(_ manifest: Manifest) throws {
        let directory = tableDirectory(manifest.table) + "/_strata/versions"
        let final = directory + "/" + Store.manifestName(manifest.version)
        let temp = directory + "/.pending-\(FileSystem.randomHex(12))"
        let file = try FileIO(path: temp, mode: .createNew)
        defer { try? FileSystem.remove(temp) }
        try file.write(try manifest.encoded())
        try file.sync()
        try file.close()
        try FileSystem.link(temp, to: final)
        try FileSystem.syncDirectory(directory)
    }

    /// `00000000000000000007.json` for version 7 (fixed width, so names sort by version).
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
