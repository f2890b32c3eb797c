import StrataCore
import Synchronization

/// The end of the last pipeline: hands the result batches to the caller's consumer, one at a time (batches from
/// parallel morsels take turns under a lock; a sorted result comes from one morsel, in order).
package final class ResultSink: SinkOperator {
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics
    // The consumer sits in a class box: a closure stored directly in a Mutex would be re-abstracted on every
    // `withLock` (its inout access), growing a chain of thunks one level per batch until the stack overflows.
    private let consumer = Mutex<Consumer?>(nil)

    /// Receives result batches.
    package typealias BatchConsumer = @Sendable (Batch) throws(StrataError) -> Void

    private final class Consumer: Sendable {
        let deliver: BatchConsumer
        init(_ deliver: @escaping BatchConsumer) { self.deliver = deliver }
    }

    /// The result of `child`.
    package init(_ child: any PhysicalOperator) {
        self.child = child
        metrics = OperatorMetrics(estimatedRows: child.metrics.estimatedRows)
    }

    package var label: String { "Result" }
    package var isMemoryIntensive: Bool { false }
    package var schema: Schema { child.schema }
    package var children: [any PhysicalOperator] { [child] }
    package var sinkChild: any PhysicalOperator { child }

    /// Sets where the batches go (before the query runs).
    package func deliver(to consumer: @escaping BatchConsumer) {
        let box = Consumer(consumer)
        self.consumer.withLock { $0 = box }
    }

    package func sink(_ batch: Batch, _ context: TaskContext) throws(StrataError) {
        try consumer.withLock { (consumer) throws(StrataError) in
            metrics.produced(batch.count)
            try consumer?.deliver(batch)
        }
    }
}
