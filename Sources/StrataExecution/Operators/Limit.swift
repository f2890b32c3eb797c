import StrataCore
import Synchronization

/// LIMIT / OFFSET over a stream: skips the first `offset` rows, passes the next `count`, then reports itself
/// finished so the pipeline stops reading. Batches from parallel workers take their share under one lock, so
/// which rows pass is only determined when the input is ordered (a sort's output, which one task produces).
package final class Limit: StreamingOperator {
    /// Rows to pass.
    package let count: Int
    /// Rows to skip first.
    package let offset: Int
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics
    private let state = Mutex<(skipped: Int, passed: Int)>((0, 0))
    private let done = Atomic<Bool>(false)

    /// A limit over `child`; throws when `count` or `offset` is negative.
    package init(count: Int, offset: Int, over child: any PhysicalOperator) throws(StrataError) {
        guard count >= 0, offset >= 0 else {
            throw StrataError(.invalidArgument, "LIMIT and OFFSET must not be negative")
        }
        self.count = count
        self.offset = offset
        self.child = child
        metrics = OperatorMetrics(estimatedRows: count)
        if count == 0 { done.store(true, ordering: .relaxed) }
    }

    package var label: String { "Limit \(count)" + (offset > 0 ? " offset \(offset)" : "") }
    package var schema: Schema { child.schema }
    package var children: [any PhysicalOperator] { [child] }
    package var isFinished: Bool { done.load(ordering: .relaxed) }

    package func execute(_ batch: Batch, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        // The share is taken under the lock and emitted inside it, so rows leave in the order they were counted.
        try state.withLock { (state) throws(StrataError) in
            let skip = min(batch.count, offset - state.skipped)
            state.skipped += skip
            let take = min(batch.count - skip, count - state.passed)
            if take > 0 {
                state.passed += take
                let part = take == batch.count ? batch : try batch.gather(Array(skip..<(skip + take)))
                try emit(part)
            }
            if state.passed >= count { done.store(true, ordering: .relaxed) }
        }
    }
}
