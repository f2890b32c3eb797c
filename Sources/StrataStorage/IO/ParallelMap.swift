import StrataCore
import Dispatch

/// Runs `body` for `0..<count` on all cores (Dispatch's `concurrentPerform`) and returns the results in order.
///
/// Used for the independent per-column work of one row group (encoding on write, decoding on read). The first
/// error thrown (by index order) is rethrown after every iteration has finished.
package func parallelMap<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
    if count <= 1 { return try (0..<count).map(body) }
    let results = UnsafeMutableBufferPointer<Result<T, any Error>?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer {
        results.deinitialize()
        results.deallocate()
    }
    // Each iteration writes only its own slot, so the concurrent writes never overlap.
    nonisolated(unsafe) let slots = results
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots[index] = Result { try work(index) }
        }
    }
    return try results.map { slot in
        guard let slot else { throw StrataError(.internal, "a parallel task did not run") }
        return try slot.get()
    }
}
