import Foundation
import StrataCore

/// Everything one query run did, over time: the data of the performance report (`QueryProfile.html()` in the
/// `Strata` module renders it; `JSONEncoder` writes it as the documented JSON of `docs/profile.md`).
///
/// Times are seconds since the run started. Memory and spill are sampled while the query runs (every 20 ms at
/// first, less often as the run grows, so a report keeps at most 1,500 samples); the task stream records
/// every task up to 200,000.
public struct QueryProfile: Sendable, Codable {
    /// The format's version (1).
    public var version = 1
    /// The statement's text (empty when the query came from the Swift API).
    public var query: String
    /// When the run started (ISO 8601, UTC).
    public var startedAt: String
    /// The run's wall time in seconds.
    public var seconds: Double
    /// Result rows.
    public var rows: Int
    /// The options the query ran with.
    public var options: Options
    /// The machine it ran on.
    public var machine: Machine
    /// The totals EXPLAIN ANALYZE prints.
    public var totals: Totals
    /// The operator tree, the top first, each followed by its inputs' subtrees.
    public var operators: [Operator]
    /// The pipelines in run order.
    public var pipelines: [Pipeline]
    /// The task graph's stages, in the order they were laid out.
    public var stages: [Stage]
    /// Every task run, by start time.
    public var tasks: [Task]
    /// Tasks beyond the 200,000 kept.
    public var droppedTasks: Int
    /// Memory and spill over time.
    public var samples: [Sample]

    /// The limits and parallelism of the run.
    public struct Options: Sendable, Codable {
        /// The memory limit in bytes.
        public var memoryLimit: Int
        /// The operators' share of it (the pool).
        public var poolLimit: Int
        /// Worker threads.
        public var threads: Int
        /// Where spill files went.
        public var spillDirectory: String
        /// The cap on spill bytes on disk, if any.
        public var maxSpillBytes: Int?
    }

    /// The machine.
    public struct Machine: Sendable, Codable {
        /// Online cores.
        public var cores: Int
        /// Physical memory in bytes.
        public var memoryBytes: Int
        /// The operating system, as `uname` names it (`Linux 6.1.0 x86_64`).
        public var system: String
    }

    /// Totals of the run.
    public struct Totals: Sendable, Codable {
        /// The most bytes reserved from the pool at once.
        public var peakReservedBytes: Int
        /// The most resident memory sampled (the process's, as the limit is judged).
        public var peakResidentBytes: Int
        /// Bytes written to spill files.
        public var spilledBytes: Int
        /// Bytes read back from them.
        public var spillReadBytes: Int
        /// Spill files written.
        public var spillRuns: Int
        /// Deepest recursive repartitioning.
        public var repartitionLevel: Int
        /// Row groups read and skipped by their statistics.
        public var rowGroupsRead: Int
        public var rowGroupsPruned: Int
        /// Tasks run.
        public var tasks: Int
    }

    /// One operator.
    public struct Operator: Sendable, Codable {
        /// Its index in ``QueryProfile/operators``.
        public var id: Int
        /// The operator it feeds (nil for the top).
        public var parent: Int?
        /// As EXPLAIN names it.
        public var name: String
        /// Its depth in the tree.
        public var depth: Int
        /// The pipelines it is part of.
        public var pipelines: [Int]
        /// Rows in and out, and the planner's estimate of rows out.
        public var rowsIn: Int
        public var rows: Int
        public var estimatedRows: Int?
        /// Busy seconds summed over workers.
        public var seconds: Double
        /// The most bytes its reservations held at once.
        public var peakReservedBytes: Int
        /// Bytes it spilled, in how many files, over how many hash partitions.
        public var spilledBytes: Int
        public var spillRuns: Int
        public var partitions: Int
    }

    /// One pipeline: a source, streaming operators and a sink, run as one stage of tasks.
    public struct Pipeline: Sendable, Codable {
        /// Its number in run order (1 runs first).
        public var number: Int
        /// `Scan x → Filter → HashAggregate`.
        public var description: String
        /// Its operators, source first (indices into ``QueryProfile/operators``).
        public var operators: [Int]
        /// Pipelines that finish before it starts.
        public var after: [Int]
    }

    /// One stage of the task graph (a pipeline's source tasks, a tail, a combine or a finalize).
    public struct Stage: Sendable, Codable {
        /// `P2 source`.
        public var name: String
        /// What its tasks do.
        public var detail: String
        /// Its pipeline's number (0 when unknown).
        public var pipeline: Int
        /// Tasks run and their summed seconds.
        public var tasks: Int
        public var busySeconds: Double
    }

    /// One task's run.
    public struct Task: Sendable, Codable {
        /// The worker thread (0 is the calling thread).
        public var worker: Int
        /// Its stage (index into ``QueryProfile/stages``).
        public var stage: Int
        /// Start and end, in seconds since the run started.
        public var start: Double
        public var end: Double
    }

    /// The query's memory and spill at one moment.
    public struct Sample: Sendable, Codable {
        /// Seconds since the run started.
        public var time: Double
        /// The process's resident memory.
        public var residentBytes: Int
        /// Bytes reserved from the pool, in all and per operator (indices as ``QueryProfile/operators``).
        public var reservedBytes: Int
        public var operatorReservedBytes: [Int]
        /// Spill bytes written and read back so far, and on disk now.
        public var spilledBytes: Int
        public var spillReadBytes: Int
        public var spillBytesOnDisk: Int
        /// Spill files created so far.
        public var spillRuns: Int
        /// The deepest recursive repartitioning reached so far.
        public var repartitionLevel: Int
        /// Input read so far: compressed bytes and rows.
        public var bytesRead: Int
        public var rowsRead: Int
    }

    /// The profile as JSON (keys as the properties are named, sorted; see `docs/profile.md`).
    public func json() throws(StrataError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(self)
        } catch {
            throw StrataError(.internal, "cannot encode the profile: \(error)")
        }
    }
}
