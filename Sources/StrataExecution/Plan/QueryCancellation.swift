/// Cancels a running query from any thread: pass it in ``ExecutionOptions/cancellation`` and call ``cancel()``.
/// The query stops starting tasks, frees its memory and spill files, and throws a `.cancelled` error.
public final class QueryCancellation: Sendable {
    /// The token the scheduler watches.
    package let token = CancellationToken()

    /// Creates a handle that has not been cancelled.
    public init() {}

    /// Asks the query to stop.
    public func cancel() { token.cancel() }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { token.isCancelled }
}
