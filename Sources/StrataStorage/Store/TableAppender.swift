import StrataCore

/// Appends batches to one table and commits them as a single new version, atomically. The same machinery creates a
/// table together with its first rows (version 1) or replaces a table's rows (a version without the old partitions).
///
/// Algorithm:
/// 1. Take the table's writer lock (`_strata/lock`, `flock`), so one writer at a time commits. For a create, check
///    under the lock that no version exists yet.
/// 2. Clean up after crashed writers: empty `_strata/staging/` and delete `part-*.parquet` files that no manifest
///    references (a crash between step 4 and 5 leaves such files).
/// 3. `write(_:)` streams batches into Parquet files under `_strata/staging/`, starting a new file whenever one
///    reaches `partitionBytes` of uncompressed data or `partitionMetadataBytes` of footer metadata. Each file is
///    fsynced when closed.
/// 4. `commit()` renames the staged files into the table directory and fsyncs it.
/// 5. It then writes the manifest of version N+1 (old partitions + new ones) atomically; that link is the commit
///    point. A crash before it leaves version N current and the new files unreferenced (removed by step 2 later).
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
    }

    // Configuration
    private let store: Store
    private let table: String
    /// The current version when the append started (nil for a new table).
    private let base: TableSnapshot?
    private let operation: String
    private let options: ParquetWriteOptions
    private let stagingDirectory: String
    // State
    private var writer: ParquetFileWriter?
    private var writerFile = ""
    private var staged: [PartitionInfo] = []
    /// ``ScratchRegistry`` tokens of the staged files, so an interrupted process deletes them on its way out.
    private var scratchTokens: [Int] = []
    private var finished = false
    // Resources
    private let lock: FileLock

    /// The schema batches must have.
    package let schema: Schema
    /// Rows written so far.
    package private(set) var rowsWritten: Int64 = 0
    /// The version the commit will create.
    package var nextVersion: Int { (base?.version ?? 0) + 1 }

    init(store: Store, table: String, mode: Mode, options: ParquetWriteOptions) throws {
        try Store.validateTableName(table)
        try store.checkNoLinks(table: table)
        let directory = store.tableDirectory(table)
        switch mode {
        case .append: _ = try store.latestVersion(of: table)
        case .create, .replace: try FileSystem.createDirectory(directory + "/_strata/versions")
        }
        guard let lock = try FileLock(path: directory + "/_strata/lock", wait: true) else {
            throw StrataError(.internal, "lock unavailable", path: directory)
        }
        self.lock = lock
        self.store = store
        self.table = table
        self.options = options
        let current = try? store.latestVersion(of: table)
        let exists = current != nil
        if current == Int.max {
            lock.unlock()
            throw StrataError(.unsupported, "table \"\(table)\" is at the last possible version (\(Int.max)); it "
                + "cannot take another", path: directory)
        }
        switch mode {
        case .append:
            let snapshot = try store.snapshot(of: table)
            base = snapshot
            schema = snapshot.schema
            operation = "append"
        case let .create(schema):
            guard !exists else {
                lock.unlock()
                throw StrataError(.alreadyExists, "table \"\(table)\" already exists", path: store.path)
            }
            base = nil
            self.schema = schema
            operation = "create"
        case let .replace(schema):
            base = exists ? try store.snapshot(of: table) : nil
            self.schema = schema
            operation = exists ? "replace" : "create"
        }
        stagingDirectory = directory + "/_strata/staging"
        try TableAppender.removeLeftovers(store: store, table: table, staging: stagingDirectory)
        try FileSystem.createDirectory(stagingDirectory)
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

    /// Commits everything written as the table's next version and returns it.
    @discardableResult
    package func commit() throws -> TableSnapshot {
        guard !finished else { throw StrataError(.internal, "append already finished") }
        try closeWriter()
        let directory = store.tableDirectory(table)
        var moved: [String] = []
        do {
            for partition in staged {
                try FileSystem.rename(stagingDirectory + "/" + partition.file, to: directory + "/" + partition.file)
                moved.append(partition.file)
            }
            if !staged.isEmpty { try FileSystem.syncDirectory(directory) }
            let kept = operation == "append" ? base?.partitions ?? [] : []
            let manifest = Manifest(formatVersion: Manifest.currentFormatVersion, table: table,
                                    version: nextVersion, operation: operation, committedAt: Store.now(),
                                    schema: schema.fields, partitions: kept + staged)
            try store.commit(manifest)
            finished = true
            forgetScratch()
            lock.unlock()
            return TableSnapshot(store: store, manifest: manifest)
        } catch {
            // Not committed (no manifest of the new version exists): the moved files belong to no version, so
            // they go now rather than at the next append. A version that did get linked keeps them.
            if (try? store.latestVersion(of: table)) != nextVersion {
                for file in moved { try? FileSystem.remove(directory + "/" + file) }
            }
            throw error
        }
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
        if base == nil && (try? store.latestVersion(of: table)) == nil {
            try? FileSystem.removeTree(store.tableDirectory(table))
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
        staged.append(PartitionInfo(file: writerFile, rows: summary.rows, bytes: summary.fileBytes,
                                    uncompressedBytes: summary.uncompressedBytes, rowGroups: summary.rowGroups,
                                    crc32: summary.crc32, footerCRC32: summary.footerCRC32,
                                    footerBytes: summary.footerBytes, codec: options.codec.name))
    }

    /// Removes staged files and partition files that no committed manifest references (caller holds the lock).
    private static func removeLeftovers(store: Store, table: String, staging: String) throws {
        try FileSystem.removeTree(staging)
        let directory = store.tableDirectory(table)
        var referenced = Set<String>()
        let versionDirectory = directory + "/_strata/versions"
        for name in try FileSystem.list(versionDirectory) {
            if name.hasPrefix(".pending-") {
                try FileSystem.remove(versionDirectory + "/" + name)
                continue
            }
            guard let version = Store.versionNumber(fileName: name) else { continue }
            // A manifest that does not parse keeps its files: never delete data because of a read error.
            guard let manifest = try? store.readManifest(table: table, version: version) else { return }
            for partition in manifest.partitions { referenced.insert(partition.file) }
        }
        for name in try FileSystem.list(directory)
        where name.hasPrefix("part-") && name.hasSuffix(".parquet") && !referenced.contains(name) {
            try FileSystem.remove(directory + "/" + name)
        }
    }
}
