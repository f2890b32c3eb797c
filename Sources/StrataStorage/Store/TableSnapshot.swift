import StrataCore

/// One committed version of a table, as seen by a reader: it never changes, whatever later appends do.
package struct TableSnapshot: Sendable {
    /// The store the table belongs to.
    package let store: Store
    /// The version's manifest.
    package let manifest: Manifest
    /// A shared lock on the table's `_strata/readers` while the snapshot (or a copy) lives: `VACUUM` deletes no
    /// file while a reader holds one. Nil for a writer's own snapshots and where the lock file cannot be made.
    private let lease: FileLock?

    /// A snapshot of `manifest`, holding `lease` while it lives.
    init(store: Store, manifest: Manifest, lease: FileLock? = nil) {
        self.store = store
        self.manifest = manifest
        self.lease = lease
    }

    /// Name of the readers' lock file inside `_strata/`.
    static let readersLock = "readers"

    /// Table name.
    package var name: String { manifest.table }
    /// Version number.
    package var version: Int { manifest.version }
    /// The table schema.
    package var schema: Schema { Schema(unchecked: manifest.schema) }
    /// Total rows.
    package var rowCount: Int64 { manifest.rowCount }
    /// Partition files of this version.
    package var partitions: [PartitionInfo] { manifest.partitions }

    /// Full path of a partition file.
    package func path(of partition: PartitionInfo) -> String {
        store.tableDirectory(name) + "/" + partition.file
    }

    /// Opens partition `index` for reading, checking size and footer checksum against the manifest; with `columns`,
    /// only their chunk metadata is loaded, and a reader of another partition given as `sharing` lends its schema.
    package func openPartition(_ index: Int, columns: Set<String>? = nil,
                               sharing previous: ParquetFileReader? = nil) throws -> ParquetFileReader {
        let partition = partitions[index]
        let file = path(of: partition)
        guard FileSystem.kind(of: file).exists else {
            throw StrataError(.notFound, "file \(partition.file) of version \(version) of table \(name) no longer "
                + "exists (VACUUM deletes the files of older versions once they are past the retention period)",
                path: file)
        }
        let reader = try ParquetFileReader(path: file, verifyFooterCRC: partition.footerCRC32,
                                           footerBytes: partition.footerBytes, expectedSize: partition.bytes,
                                           columns: columns, sharing: previous)
        guard reader.schema.fields.map(\.name) == schema.fields.map(\.name),
              reader.schema.fields.map(\.type) == schema.fields.map(\.type)
        else {
            throw StrataError(.corrupt, "partition schema (\(reader.schema)) differs from the table's (\(schema))",
                              path: file)
        }
        return reader
    }

    /// Streams the table's rows as batches, one row group at a time, reading only `columns` (all when nil) and
    /// skipping row groups whose statistics rule out `predicate`.
    package func scan(columns: [String]? = nil, predicate: ScanPredicate? = nil) throws -> SnapshotScan {
        try SnapshotScan(snapshot: self, columns: columns, predicate: predicate)
    }
}

/// Streams batches over all partitions of a ``TableSnapshot`` (single pass, one row group in memory at a time).
package struct SnapshotScan {
    private let snapshot: TableSnapshot
    private let columnIndices: [Int]
    private let predicate: ScanPredicate?
    private var partition = 0
    private var rowGroup = 0
    private var reader: ParquetFileReader?
    /// Row groups skipped thanks to statistics.
    package private(set) var prunedRowGroups = 0

    /// The schema of the produced batches.
    package let schema: Schema

    init(snapshot: TableSnapshot, columns: [String]?, predicate: ScanPredicate?) throws {
        self.snapshot = snapshot
        let tableSchema = snapshot.schema
        if let columns {
            columnIndices = try columns.map { name in
                guard let index = tableSchema.index(of: name) else {
                    throw StrataError(.notFound, "column \"\(name)\" not found in table \(snapshot.name)",
                                      column: name)
                }
                return index
            }
        } else {
            columnIndices = Array(tableSchema.fields.indices)
        }
        schema = Schema(unchecked: columnIndices.map { tableSchema.fields[$0] })
        self.predicate = try predicate.map { try $0.bound(to: tableSchema) }
    }

    /// The next batch, or nil at the end.
    package mutating func next() throws -> Batch? {
        while partition < snapshot.partitions.count {
            if reader == nil {
                reader = try snapshot.openPartition(partition, columns: Set(schema.fields.map(\.name))
                    .union(predicate?.columns ?? []))
                rowGroup = 0
            }
            guard let current = reader else { continue }
            if rowGroup < current.rowGroupCount {
                let index = rowGroup
                rowGroup += 1
                if let predicate, !predicate.mayMatch(current, rowGroup: index) {
                    prunedRowGroups += 1
                    continue
                }
                let batch = try current.readRowGroup(index, columns: columnIndices)
                return try Batch(schema: schema, columns: batch.columns)
            }
            reader = nil
            partition += 1
        }
        return nil
    }
}
