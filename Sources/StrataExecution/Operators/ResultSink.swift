import StrataCore
import Synchronization

/// The end of the last pipeline: hands the result batches to the caller's consumer, one at a time (batches from
/// parallel morsels take turns under a lock; a sorted result comes from one morsel, in order).
package final class ResultSink: SinkOperator {
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics
    private let consumer = Mutex<BatchConsumer?>(nil)

    /// Receives result batches.
    package typealias BatchConsumer = @Sendable (Batch) throws(StrataError) -> Void

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
        self.consumer.withLock { $0 = consumer }
    }

    package func sink(_ batch: Batch, _ context: TaskContext) throws(StrataError) {
        try consumer.withLock { (consumer) throws(StrataError) in
            metrics.produced(batch.count)
            try consumer?(batch)
        }
    }
}
