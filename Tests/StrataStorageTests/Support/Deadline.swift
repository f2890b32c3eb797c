import Foundation

/// Runs `body` on its own thread and waits at most `seconds` for it.
///
/// For code that might loop forever: a hang becomes a test failure instead of a stuck test run. When the deadline
/// passes the thread is left running (it cannot be stopped) and `nil` is returned; otherwise the body's result.
func withDeadline<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () throws -> T) -> Result<T, any Error>? {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let result = Result { try body() }
        box.set(result)
        done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    return box.get()
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    // Safety: `result` is only touched under `lock`.
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
    func get() -> Result<T, any Error>? { lock.withLock { result } }
}
