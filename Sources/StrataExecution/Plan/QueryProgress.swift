/// How far a running query has got: one snapshot, taken from any thread while the query runs (see
/// `ResultCursor.progress` and `ResultCursor.progressUpdates(every:)` in the `Strata` module).
///
/// The input is what the query's scans read: the row groups left after pruning and their compressed bytes. Once
/// everything is read, blocking operators may still be merging spilled runs or sorting; ``tasksFinished`` out of
/// ``tasksTotal`` shows that part.
public struct QueryProgress: Sendable, Hashable, Codable {
    /// Seconds since the query started running.
    public var elapsedSeconds: Double
    /// Row groups (and rows held in the plan) read so far…
    public var rowGroupsRead: Int
    /// …out of this many.
    public var rowGroupsTotal: Int
    /// Compressed bytes of the scanned column chunks read so far…
    public var bytesRead: Int
    /// …out of this many.
    public var bytesTotal: Int
    /// Rows the scans have produced.
    public var rowsRead: Int
    /// Tasks of the query's task graph finished so far…
    public var tasksFinished: Int
    /// …out of this many.
    public var tasksTotal: Int
    /// Bytes the operators hold reserved from the memory pool now.
    public var reservedBytes: Int
    /// The process's resident memory now (0 where the system does not tell).
    public var residentBytes: Int
    /// The query's memory limit.
    public var memoryLimit: Int
    /// Bytes written to spill files so far.
    public var spilledBytes: Int
    /// Bytes read back from spill files so far.
    public var spillReadBytes: Int
    /// Whether the query has ended (successfully or not).
    public var finished: Bool

    /// Creates a snapshot.
    public init(elapsedSeconds: Double = 0, rowGroupsRead: Int = 0, rowGroupsTotal: Int = 0, bytesRead: Int = 0,
                bytesTotal: Int = 0, rowsRead: Int = 0, tasksFinished: Int = 0, tasksTotal: Int = 0,
                reservedBytes: Int = 0, residentBytes: Int = 0, memoryLimit: Int = 0, spilledBytes: Int = 0,
                spillReadBytes: Int = 0, finished: Bool = false) {
        self.elapsedSeconds = elapsedSeconds
        self.rowGroupsRead = rowGroupsRead
        self.rowGroupsTotal = rowGroupsTotal
        self.bytesRead = bytesRead
        self.bytesTotal = bytesTotal
        self.rowsRead = rowsRead
        self.tasksFinished = tasksFinished
        self.tasksTotal = tasksTotal
        self.reservedBytes = reservedBytes
        self.residentBytes = residentBytes
        self.memoryLimit = memoryLimit
        self.spilledBytes = spilledBytes
        self.spillReadBytes = spillReadBytes
        self.finished = finished
    }

    /// The share of the input read, 0…1: by bytes when the scans know them, else by row groups (nil when the query
    /// reads no table).
    public var fractionRead: Double? {
        if bytesTotal > 0 { return min(1, Double(bytesRead) / Double(bytesTotal)) }
        if rowGroupsTotal > 0 { return min(1, Double(rowGroupsRead) / Double(rowGroupsTotal)) }
        return nil
    }

    /// The share of the whole query done, 0…1: the input read for the first 90 %, the tasks after it for the rest
    /// (so merges and sorts after the last row group still move the figure).
    public var fractionDone: Double {
        if finished { return 1 }
        let tasks = tasksTotal > 0 ? min(1, Double(tasksFinished) / Double(tasksTotal)) : 0
        guard let read = fractionRead else { return tasks }
        return min(1, 0.9 * read + 0.1 * tasks)
    }

    /// Seconds left to read the input at the rate so far: nil until there is a rate to go by, and once the input
    /// is read (what blocking operators do after it, merging spilled runs or sorting, has no estimate).
    public var estimatedSecondsLeft: Double? {
        guard !finished, let read = fractionRead, read > 0.01, read < 1, elapsedSeconds > 0.2 else { return nil }
        return elapsedSeconds / read - elapsedSeconds
    }

    /// Whether the input is read but the query still runs (blocking operators finishing their work).
    public var isFinishing: Bool { !finished && (fractionRead ?? 0) >= 1 }
}
