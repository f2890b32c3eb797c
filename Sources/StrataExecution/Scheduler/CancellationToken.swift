import StrataCore
import Synchronization

/// A flag that stops a query: any thread may set it; the ``Scheduler`` starts no task after it sees it, and long
/// task bodies poll it through their ``TaskContext``.
package final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A token that is not cancelled.
    package init() {}

    /// Cancels the query. Idempotent.
    package func cancel() { flag.store(true, ordering: .releasing) }

    /// Whether ``cancel()`` was called.
    package var isCancelled: Bool { flag.load(ordering: .acquiring) }

    /// The error a cancelled query fails with.
    package static var cancelledError: StrataError { StrataError(.cancelled, "query cancelled") }
}
