import StrataStorage

/// A throwing, single-pass iterator over the batches of a table scan.
///
/// ```swift
/// var cursor = try db.scan("events", columns: ["user", "amount"])
/// while let batch = try cursor.next() { … }
/// ```
/// Each batch holds one row group (or less) of one partition; nothing holds the whole table. The cursor reads the
/// table version that was current when it was created, whatever appends happen meanwhile.
public struct BatchCursor: ~Copyable {
    private var scan: SnapshotScan

    init(scan: consuming SnapshotScan) {
        self.scan = scan
    }

    /// The schema of the batches.
    public var schema: Schema { scan.schema }

    /// The next batch, or `nil` when the scan is done.
    public mutating func next() throws -> Batch? {
        try scan.next()
    }

    /// Row groups skipped because their statistics ruled out the scan's filter.
    public var prunedRowGroups: Int { scan.prunedRowGroups }
}
