import StrataCore

/// What a query did, for EXPLAIN ANALYZE and for callers that report progress.
public struct QueryStatistics: Sendable, CustomStringConvertible {
    /// Result rows.
    public var rows = 0
    /// Wall time in seconds.
    public var seconds = 0.0
    /// Row groups read and skipped thanks to statistics.
    public var rowGroupsScanned = 0
    /// Row groups skipped thanks to statistics.
    public var rowGroupsPruned = 0
    /// Tasks run.
    public var tasks = 0
    /// Per stage: name, tasks and summed busy seconds.
    public var stages: [(name: String, tasks: Int, busySeconds: Double)] = []
    /// The most bytes reserved from the memory pool at once.
    public var peakReservedBytes = 0
    /// The memory limit.
    public var memoryLimit = 0
    /// Groups produced by the aggregate.
    public var groups = 0
    /// Times an aggregate table was flushed to disk because memory was refused.
    public var spills = 0
    /// Bytes written to spill files.
    public var spilledBytes: Int64 = 0
    /// Spill files written.
    public var spillRuns = 0
    /// Deepest recursive repartitioning level of the aggregate merge.
    public var repartitionLevel = 0
    /// Per operator, the plan's top first, each followed by its inputs' subtrees (a join: probe side, then build
    /// side); ``OperatorStatistics/depth`` gives the tree shape.
    public var operators: [OperatorStatistics] = []
    /// The run's memory, spill and tasks over time, when it was asked for (the performance report's data).
    public var profile: QueryProfile?

    public var description: String {
        var lines = [
            "rows \(rows) in \(QueryStatistics.fixed(seconds)) s; \(tasks) tasks; row groups \(rowGroupsScanned) read, \(rowGroupsPruned) pruned",
            "memory: peak reserved \(ByteCount.format(peakReservedBytes)) of \(ByteCount.format(memoryLimit)); "
                + "spilled \(ByteCount.format(Int(clamping: spilledBytes))) in \(spillRuns) runs (\(spills) flushes, "
                + "repartition depth \(repartitionLevel)); \(groups) groups",
        ]
        for stage in stages {
            lines.append("  stage \(stage.name): \(stage.tasks) tasks, \(QueryStatistics.fixed(stage.busySeconds)) s busy")
        }
        return lines.joined(separator: "\n")
    }

    /// The operator tree with each operator's figures, as EXPLAIN ANALYZE prints it.
    public var analyzedPlan: String {
        operators.map { op in
            var figures = "rows \(op.rows)"
            if let estimate = op.estimatedRows { figures += " (est. \(estimate))" }
            figures += ", \(QueryStatistics.fixed(op.seconds)) s"
            if op.peakReservedBytes > 0 { figures += ", peak reserved \(ByteCount.format(op.peakReservedBytes))" }
            if op.spilledBytes > 0 {
                figures += ", spilled \(ByteCount.format(Int(op.spilledBytes))) in \(op.spillRuns) "
                    + (op.spillRuns == 1 ? "run" : "runs")
            }
            if op.partitions > 0 { figures += ", \(op.partitions) partitions" }
            return String(repeating: "  ", count: op.depth) + op.name + "  (" + figures + ")"
        }.joined(separator: "\n")
    }

    /// `x` with three decimals.
    static func fixed(_ x: Double) -> String {
        let millis = Int((x * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// What one operator of a query did.
public struct OperatorStatistics: Sendable, Hashable {
    /// The operator as EXPLAIN shows it.
    public var name: String
    /// Its depth in the operator tree (0 for the top).
    public var depth: Int
    /// Rows it produced.
    public var rows: Int
    /// Busy time summed over workers, in seconds (its own work, not that of the operators it feeds).
    public var seconds: Double
    /// The most bytes its memory reservations held at once (0 for operators that reserve nothing).
    public var peakReservedBytes: Int
    /// Bytes it spilled to disk.
    public var spilledBytes: Int64
    /// Rows it received (for a join, from both inputs).
    public var rowsIn: Int
    /// The planner's estimate of its output rows.
    public var estimatedRows: Int?
    /// Spill files it wrote.
    public var spillRuns: Int
    /// Hash partitions it used.
    public var partitions: Int

    /// Creates the figures of one operator.
    public init(name: String, depth: Int, rows: Int, seconds: Double, peakReservedBytes: Int, spilledBytes: Int64,
                rowsIn: Int = 0, estimatedRows: Int? = nil, spillRuns: Int = 0, partitions: Int = 0) {
        self.name = name
        self.depth = depth
        self.rows = rows
        self.seconds = seconds
        self.peakReservedBytes = peakReservedBytes
        self.spilledBytes = spilledBytes
        self.rowsIn = rowsIn
        self.estimatedRows = estimatedRows
        self.spillRuns = spillRuns
        self.partitions = partitions
    }
}
