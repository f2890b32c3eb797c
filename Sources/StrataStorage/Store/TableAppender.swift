import Foundation
import StrataCore

/// Appends batches to one table and commits them as a single new version, atomically. The same machinery creates a
/// table together with its first rows (version 0) or replaces a table's rows (a version without the old partitions).
///
/// Algorithm:
/// 1. Take the table's writer lock (`_strata/lock`, `flock`), so one Strata writer at a time commits. A table still
///    in the pre-Delta layout is upgraded to a Delta log first (``LegacyVersions``). Replay the log: for a create,
///    check that no version exists; refuse tables whose protocol needs a writer Strata is not.
/// 2. Clean up after crashed Strata writers: empty `_strata/staging/`, remove Strata's commit and state temp files,
///    and delete Strata partition files (`part-<version>-<n>-<hex>.parquet`) that no version of the log adds (a
///    crash between step 4 and 5 leaves such files). Other engines' files are never touched.
///    After the commit, every ``DeltaStateCache/interval`` versions, the replayed state is stored for readers.
/// 3. `write(_:)` streams batches into Parquet files under `_strata/staging/`, starting a new file whenever one
///    reaches `partitionBytes` of uncompressed data or `partitionMetadataBytes` of footer metadata. Each file is
///    fsynced when closed, and its Delta statistics are taken from its footer.
/// 4. `commit()` renames the staged files into the table directory and fsyncs it.
/// 5. It then commits version N+1 to the Delta log: `commitInfo`; for a new table `protocol` and `metaData`; for a
///    replace a `remove` of every live file (and `metaData` when the schema changes), for a rewrite (DELETE,
///    UPDATE) a `remove` of each file given to `remove(_:)`; an `add` per new file with its statistics and Strata's
///    checks as tags. The put-if-absent link of the commit file is the commit point. If another Delta writer
///    (delta-rs, Spark) took version N+1 first, an append re-reads the log and retries as N+2 (a blind append)
///    unless that writer changed the schema or protocol; a create, replace or rewrite fails as a conflict.
/// 6. `abort()` (or deinit without commit) deletes the staged files.
package final class TableAppender {
    /// What the commit does to the table.
    package enum Mode: Sendable {
        /// Add rows to an existing table.
        case append
        /// Create the table with this schema; it must not exist.
        case create(Schema)
        /// A new version holding only the written rows, with this schema (creates the table when missing).
        case replace(Schema)
        /// A copy-on-write change of an existing table named `operation` (`DELETE`, `UPDATE`): the files given to
        /// ``remove(_:)`` leave the table, the written rows (their rewritten contents) join it, the rest stays.
        case rewrite(operation: String)
    }

    // Configuration
    private let store: Store
    private let table: String
    private let log: DeltaLog
    /// The current version when the append started (nil for a new table).
    private let base: TableSnapshot?
    /// The table's Delta metadata at `base`.
    private let baseMetadata: DeltaMetadata?
    private let operation: String
    private let mode: Mode
    private let options: ParquetWriteOptions
    private let stagingDirectory: String
    // State
    private var writer: ParquetFileWriter?
    private var writerFile = ""
    private var staged: [PartitionInfo] = []
    /// Files of the base version a rewrite removes.
    private var removed: [PartitionInfo] = []
    /// Delta statistics of each staged file, by name.
    private var stagedStatistics: [String: String] = [:]
    /// ``ScratchRegistry`` tokens of the staged files, so an interrupted process deletes them on its way out.
    private var scratchTokens: [Int] = []
    private var finished = false
    // Resources
    private let lock: FileLock

    /// The schema batches must have.
    package let schema: Schema
    /// Rows written so far.
    package private(set) var rowsWritten: Int64 = 0
    /// Row groups written so far (closed files' and the open one's): a caller can give memory back to the system
    /// each time it grows, as the Parquet result writer does.
    package var rowGroupsWritten: Int { closedRowGroups + (writer?.rowGroupsWritten ?? 0) }
    private var closedRowGroups = 0
    /// The version the commit will create (unless another Delta writer commits first).
    package var nextVersion: Int { base.map { $0.version + 1 } ?? 0 }

    init(store: Store, table: String, mode: Mode, options: ParquetWriteOptions) throws {
        try Store.validateTableName(table)
        try store.checkNoLinks(table: table)
        let directory = store.tableDirectory(table)
        if case .append = mode { _ = try store.latestVersion(of: table) }
        // A table another Delta writer created has no `_strata/` yet.
        try FileSystem.createDirectory(directory + "/_strata")
        guard let lock = try FileLock(path: directory + "/_strata/lock", wait: true) else {
            throw StrataError(.internal, "lock unavailable", path: directory)
        }
        self.lock = lock
        self.store = store
        self.table = table
        self.mode = mode
        self.options = options
        let log = store.log(of: table)
        self.log = log
        stagingDirectory = directory + "/_strata/staging"
        do {
            let legacy = store.legacyVersions(of: table)
            if try !log.exists || log.latestVersion() == nil, try !legacy.versions().isEmpty {
                try legacy.upgrade(to: log)
            }
            let state = try log.exists && log.latestVersion() != nil ? log.replay() : nil
            if let state {
                let removes: Bool = switch mode {
                case .append, .create: false
                case .replace, .rewrite: true
                }
                try state.checkWritable(path: log.directory, removes: removes)
                if state.version == Int.max {
                    throw StrataError(.unsupported, "table \"\(table)\" is at the last possible version "
                        + "(\(Int.max)); it cannot take another", path: directory)
                }
            }
            let current = try state.map {
                TableSnapshot(store: store, manifest: try $0.manifest(table: table, tableDirectory: directory,
                                                                      path: log.directory))
            }
            baseMetadata = state?.metaData
            switch mode {
            case .append:
                guard let current else {
                    throw StrataError(.notFound, "table \"\(table)\" does not exist", path: store.path)
                }
                base = current
                schema = current.schema
                operation = "append"
            case let .create(schema):
                guard current == nil else {
                    throw StrataError(.alreadyExists, "table \"\(table)\" already exists", path: store.path)
                }
                base = nil
                self.schema = schema
                operation = "create"
            case let .replace(schema):
                base = current
                self.schema = schema
                operation = current == nil ? "create" : "replace"
            case let .rewrite(name):
                guard let current else {
                    throw StrataError(.notFound, "table \"\(table)\" does not exist", path: store.path)
                }
                base = current
                schema = current.schema
                operation = name
            }
            try TableAppender.removeLeftovers(store: store, table: table, staging: stagingDirectory)
            try FileSystem.createDirectory(stagingDirectory)
        } catch {
            lock.unlock()
            throw error
        }
    }

    deinit {
        if !finished { abort() }
    }

    /// Appends a batch; its schema must match the table's (names and types).
    package func write(_ batch: Batch) throws {
        guard !finished else { throw StrataError(.internal, "append already finished") }
        guard batch.schema.fields.map(\.type) == schema.fields.map(\.type),
              batch.schema.fields.map(\.name) == schema.fields.map(\.name)
        else {
            throw StrataError(.schemaMismatch, "batch schema (\(batch.schema)) does not match table "
                + "\(table) (\(schema))")
        }
        if batch.count == 0 { return }
        for (field, column) in zip(schema.fields, batch.columns) where !field.nullable && column.nullCount > 0 {
            throw StrataError(.invalidData, "column \"\(field.name)\" of table \(table) is NOT NULL, but "
                + "\(column.nullCount) of the rows written hold NULL there", column: field.name)
        }
        var next = 0
        while next < batch.count {
            if writer == nil {
                writerFile = "part-\(String(nextVersion))-\(staged.count)-\(FileSystem.randomHex(8)).parquet"
                scratchTokens.append(ScratchRegistry.shared.add(stagingDirectory + "/" + writerFile))
                writer = try ParquetFileWriter(path: stagingDirectory + "/" + writerFile, schema: schema,
                                               options: options)
            }
            guard let writer else { return }
            next = try writer.write(batch, from: next, stoppingAtMetadataBytes: options.partitionMetadataBytes)
            if writer.uncompressedBytesWritten >= options.partitionBytes
                || writer.metadataBytes >= options.partitionMetadataBytes {
                try closeWriter()
            }
        }
        rowsWritten += Int64(batch.count)
    }

    /// Marks `file`, a partition of the base version, to leave the table at the commit (a rewrite only).
    package func remove(_ file: String) throws {
        guard case .rewrite = mode, let partition = base?.partitions.first(where: { $0.file == file }) else {
            throw StrataError(.internal, "remove(\(file)) outside a rewrite of a file of the table")
        }
        if !removed.contains(partition) { removed.append(partition) }
    }

    /// Commits everything written as the table's next version and returns it. When it fails, nothing is committed
    /// and the writer is aborted (its files deleted, the table's lock released).
    @discardableResult
    package func commit() throws -> TableSnapshot {
        guard !finished else { throw StrataError(.internal, "append already finished") }
        try closeWriter()
        let directory = store.tableDirectory(table)
        var moved: [String] = []
        var committed = false
        do {
            for partition in staged {
                try FileSystem.rename(stagingDirectory + "/" + partition.file, to: directory + "/" + partition.file)
                moved.append(partition.file)
            }
            if !staged.isEmpty { try FileSystem.syncDirectory(directory) }
            var version = nextVersion
            var raced = false
            while true {
                if try log.commit(try commitActions(), version: version) { break }
                // Another Delta writer (Strata's own writers hold the lock) committed this version first.
                raced = true
                version = try TableAppender.versionAfterConflict(log: log, table: table, operation: operation,
                                                                 from: version, schemaString: schemaString())
            }
            committed = true
            finished = true
            forgetScratch()
            // Every so many versions, the replayed state is kept so readers need not replay the whole log.
            if version % DeltaStateCache.interval == 0, let state = try? log.unchecked(upTo: version) {
                DeltaStateCache(tableDirectory: store.tableDirectory(table)).storeIfDue(state)
            }
            lock.unlock()
            let kept: [PartitionInfo] = switch mode {
            case .append: base?.partitions ?? []
            case .rewrite: (base?.partitions ?? []).filter { !removed.contains($0) }
            case .create, .replace: []
            }
            let manifest = Manifest(formatVersion: Manifest.currentFormatVersion, table: table, version: version,
                                    operation: operation, committedAt: Store.now(), schema: schema.fields,
                                    partitions: kept + staged)
            // After a race the version also holds the other writer's files; an error reading them now must not
            // turn a committed statement into a failed one.
            if raced, let replayed = try? log.manifest(version: version) {
                return TableSnapshot(store: store, manifest: replayed)
            }
            return TableSnapshot(store: store, manifest: manifest)
        } catch {
            // Not committed: the moved files belong to no version, so they go now rather than at the next append.
            if !committed {
                for file in moved { try? FileSystem.remove(directory + "/" + file) }
                staged = []
                abort()
            }
            throw error
        }
    }

    /// The actions of this writer's commit.
    private func commitActions() throws -> [DeltaAction] {
        let now = DeltaLog.nowMillis()
        let isEmptyCreate = operation == "create" && staged.isEmpty
        var actions: [DeltaAction] = [.commitInfo(TableAppender.commitInfo(
            operation: isEmptyCreate ? "create-empty" : operation, time: now, addedFiles: staged.count,
            addedRows: rowsWritten))]
        let schemaString = try schemaString()
        if let baseMetadata {
            if operation == "replace" && baseMetadata.schemaString != schemaString {
                var changed = baseMetadata
                changed.schemaString = schemaString
                actions.append(.metaData(changed))
            }
        } else {
            actions.append(.protocol(.strata))
            actions.append(.metaData(DeltaMetadata(id: UUID().uuidString.lowercased(),
                                                   format: .init(provider: "parquet", options: [:]),
                                                   schemaString: schemaString, partitionColumns: [],
                                                   createdTime: now, configuration: [:])))
        }
        let leaving: [PartitionInfo] = switch mode {
        case .replace: base?.partitions ?? []
        case .rewrite: removed
        case .append, .create: []
        }
        for partition in leaving {
            actions.append(.remove(DeltaRemove(path: partition.logPath ?? partition.file, deletionTimestamp: now,
                                               dataChange: true,
                                               extendedFileMetadata: true, partitionValues: [:],
                                               size: partition.bytes)))
        }
        for partition in staged {
            actions.append(.add(partition.addAction(stats: stagedStatistics[partition.file], time: now)))
        }
        return actions
    }

    private func schemaString() throws -> String {
        try DeltaSchema.schemaString(for: schema)
    }

    /// The version to retry at after another writer committed `version` first: an append goes on after the
    /// latest version unless a commit since changed the schema or protocol; a create or replace is a conflict.
    private static func versionAfterConflict(log: DeltaLog, table: String, operation: String, from version: Int,
                                             schemaString: String) throws -> Int {
        guard let latest = try log.latestVersion() else {
            throw StrataError(.internal, "Delta log lost its commits", path: log.directory)
        }
        guard operation == "append" else {
            throw StrataError(.conflict, "another writer committed version \(version) of table \"\(table)\" "
                + "while this \(operation) ran; nothing was committed (run it again)", path: log.directory)
        }
        for other in version...latest {
            for action in try log.readCommit(other) {
                if action.protocol != nil || (action.metaData.map { $0.schemaString != schemaString } ?? false) {
                    throw StrataError(.conflict, "another writer changed the schema or protocol of table "
                        + "\"\(table)\" (version \(other)) while this append ran; nothing was committed",
                        path: log.directory)
                }
            }
        }
        guard latest < Int.max else {
            throw StrataError(.unsupported, "table \"\(table)\" is at the last possible version", path: log.directory)
        }
        return latest + 1
    }

    /// The `commitInfo` of a Strata operation (`create`, `create-empty`, `append`, `replace`, or a rewrite's own
    /// name such as `DELETE`), in Delta's terms.
    static func commitInfo(operation: String, time: Int64, addedFiles: Int, addedRows: Int64) -> DeltaCommitInfo {
        let (name, mode): (String, String?) = switch operation {
        case "create-empty": ("CREATE TABLE", "ErrorIfExists")
        case "create": ("WRITE", "ErrorIfExists")
        case "append": ("WRITE", "Append")
        case "replace": ("WRITE", "Overwrite")
        default: (operation.uppercased(), nil)
        }
        return DeltaCommitInfo(timestamp: time, operation: name,
                               operationParameters: mode.map { ["mode": .text($0)] },
                               engineInfo: DeltaLog.engineInfo,
                               operationMetrics: ["numFiles": .number(Int64(addedFiles)),
                                                  "numOutputRows": .number(addedRows)])
    }

    /// Discards everything written; the table stays at its previous version. A table this writer was creating
    /// leaves nothing behind (its directory is removed while the lock is held, unless a version exists).
    package func abort() {
        guard !finished else { return }
        writer?.abort()
        writer = nil
        for partition in staged { try? FileSystem.remove(stagingDirectory + "/" + partition.file) }
        staged = []
        forgetScratch()
        finished = true
        if base == nil {
            // A table this writer was creating goes, unless a version of it exists (another writer's) or its state
            // cannot be told (an I/O error is no proof that nothing is there).
            do {
                _ = try store.latestVersion(of: table)
            } catch let error as StrataError where error.code == .notFound {
                try? FileSystem.removeTree(store.tableDirectory(table))
            } catch {}
        }
        lock.unlock()
    }

    private func forgetScratch() {
        for token in scratchTokens { ScratchRegistry.shared.remove(token) }
        scratchTokens = []
    }

    private func closeWriter() throws {
        guard let current = writer else { return }
        writer = nil
        let summary = try current.close()
        closedRowGroups += summary.rowGroups
        staged.append(PartitionInfo(file: writerFile, rows: summary.rows, bytes: summary.fileBytes,
                                    uncompressedBytes: summary.uncompressedBytes, rowGroups: summary.rowGroups,
                                    crc32: summary.crc32, footerCRC32: summary.footerCRC32,
                                    footerBytes: summary.footerBytes, codec: options.codec.name))
        // Statistics are optional in Delta: a file whose footer cannot be read back here fails at commit anyway.
        stagedStatistics[writerFile] = try? DeltaStatistics.json(forFileAt: stagingDirectory + "/" + writerFile,
                                                                 schema: schema)
    }

    /// Whether `name` is a partition file Strata writes (`part-<version>-<n>-<8 hex>.parquet`); other engines'
    /// files never match, so cleanup leaves their uncommitted files alone.
    static func isStrataPartitionName(_ name: String) -> Bool {
        guard name.hasPrefix("part-"), name.hasSuffix(".parquet") else { return false }
        let parts = name.dropFirst(5).dropLast(8).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return false }
        let isDigit = { (c: Character) in c.isASCII && c.isNumber }
        return !parts[0].isEmpty && parts[0].allSatisfy(isDigit) && !parts[1].isEmpty && parts[1].allSatisfy(isDigit)
            && parts[2].count == 8 && parts[2].allSatisfy { $0.isHexDigit && $0.isASCII }
    }

    /// Removes staged files, Strata's commit temp files and upgrade folders, and Strata partition files that no
    /// version references (caller holds the lock). Any log or manifest that does not read keeps every file: data is
    /// never deleted because of a read error.
    private static func removeLeftovers(store: Store, table: String, staging: String) throws {
        try FileSystem.removeTree(staging)
        let directory = store.tableDirectory(table)
        let log = store.log(of: table)
        try log.removeLeftovers()
        for name in try FileSystem.list(directory + "/_strata") where name.hasPrefix("upgrade-") {
            try FileSystem.removeTree(directory + "/_strata/" + name)
        }
        let states = DeltaStateCache(tableDirectory: directory).directory
        if FileSystem.kind(of: states).isDirectory {
            for name in try FileSystem.list(states) where name.contains(".tmp-") {
                try FileSystem.remove(states + "/" + name)
            }
        }
        var referenced = Set<String>()
        if log.exists {
            guard let added = try? log.everyAddedFile() else { return }
            referenced = added
        }
        let legacy = store.legacyVersions(of: table)
        guard let versions = try? legacy.versions() else { return }
        for version in versions {
            guard let manifest = try? legacy.read(version) else { return }
            for partition in manifest.partitions { referenced.insert(partition.file) }
        }
        for name in try FileSystem.list(directory) where isStrataPartitionName(name) && !referenced.contains(name) {
            try FileSystem.remove(directory + "/" + name)
        }
    }
}
