import StrataCore

// The operator model, in the shape of DuckDB's push pipelines.
//
// A physical plan is a tree of operators. Each one plays one or more of three roles:
//
//   source     produces batches, one morsel at a time (a row group of a table scan, a hash partition of an
//              aggregate's result); morsels run in parallel, each admitted by the memory pool with the bytes it
//              needs;
//   streaming  turns each batch into zero or more batches as it passes (filter, projection, limit, join probe);
//   sink       consumes every batch of its input (per worker, in parallel), combines each worker's state, and
//              finalizes once; it then acts as the source of the next pipeline (hash aggregate, sort, join build).
//
// `PipelineBuilder` cuts the tree at sinks into pipelines (source → streaming* → sink) and `PipelineGraph` lays them
// onto the `TaskGraph`. Operators keep per-worker state in arrays indexed by `TaskContext.worker`: tasks on one
// worker never overlap, and the combine and finalize steps run only after every task feeding the sink.

/// Where a batch goes next: the rest of the pipeline.
package typealias BatchSink = (Batch) throws(StrataError) -> Void

/// A node of a physical plan.
package protocol PhysicalOperator: AnyObject, Sendable {
    /// The operator's line in EXPLAIN, e.g. `Filter (v1 > 2)`.
    var label: String { get }
    /// The schema of the batches it produces.
    var schema: Schema { get }
    /// Its inputs; a join has two: the probe side first, then the build side.
    var children: [any PhysicalOperator] { get }
    /// What it did.
    var metrics: OperatorMetrics { get }
}

/// An operator that produces batches from morsels: a scan, or a sink's result.
package protocol SourceOperator: PhysicalOperator {
    /// The number of morsels (one task each). Fixed once the plan is built.
    var morselCount: Int { get }
    /// The bytes the pool must admit before morsel `morsel` starts (0: no admission).
    func admissionBytes(ofMorsel morsel: Int) -> Int
    /// What the morsels are, for the task graph (e.g. `12 of 15 row groups`).
    var morselDetail: String { get }
    /// Produces the batches of morsel `morsel`, handing each to `emit` before producing the next.
    func produce(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError)
}

/// An operator that transforms batches as they stream by.
package protocol StreamingOperator: PhysicalOperator {
    /// Handles one input batch, handing any output batches to `emit`.
    func execute(_ batch: Batch, _ context: TaskContext, _ emit: BatchSink) throws(StrataError)
    /// Whether the operator needs no more input (a LIMIT with all its rows): the pipeline stops producing.
    var isFinished: Bool { get }
    /// Morsels the operator produces itself once all its input has passed (a hash join's spilled partitions and
    /// unmatched build rows); their batches flow through the operators above it.
    var tailMorselCount: Int { get }
    /// Produces tail morsel `morsel`.
    func produceTail(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError)
}

extension StreamingOperator {
    package var isFinished: Bool { false }
    package var tailMorselCount: Int { 0 }
    package func produceTail(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {}
}

/// An operator that consumes all of an input before anything comes out of it.
package protocol SinkOperator: PhysicalOperator {
    /// The child whose batches it consumes (a join's build side).
    var sinkChild: any PhysicalOperator { get }
    /// Consumes one batch on `context.worker`.
    func sink(_ batch: Batch, _ context: TaskContext) throws(StrataError)
    /// Whether ``combine(worker:)`` has work to do (one task per worker when it does).
    var combinesPerWorker: Bool { get }
    /// Merges worker `worker`'s state into the shared state; runs after every batch was sunk.
    func combine(worker: Int) throws(StrataError)
    /// Runs once, after every combine.
    func finalize() throws(StrataError)
    /// Whether the sink holds memory that grows with its input (the result sink does not).
    var isMemoryIntensive: Bool { get }
}

extension SinkOperator {
    package var isMemoryIntensive: Bool { true }
    package var combinesPerWorker: Bool { false }
    package func combine(worker: Int) throws(StrataError) {}
    package func finalize() throws(StrataError) {}
}

extension PhysicalOperator {
    /// The operator and every operator below it, pre-order (the operator first, then each child's subtree).
    package var subtree: [any PhysicalOperator] {
        [self] + children.flatMap(\.subtree)
    }
}
