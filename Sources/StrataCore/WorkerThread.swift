#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Starting worker threads, with the bound every query and import applies and a clean error when the system
/// refuses a thread (instead of a crash or a hang waiting for a worker that never started).
package enum WorkerThread {
    /// The most worker threads one query or import may ask for: far above any machine's cores, far below what
    /// starves the system of processes.
    package static let maximum = 1024

    /// Checks a requested thread count: at least 1, at most ``maximum``; `option` names the setting in the error.
    package static func validate(_ threads: Int, option: String = "threads") throws(StrataError) {
        guard threads >= 1 else { throw StrataError(.invalidArgument, "\(option) must be at least 1") }
        guard threads <= maximum else {
            throw StrataError(.invalidArgument, "\(option) must be at most \(maximum) (asked for \(threads))")
        }
    }

    /// Starts a detached thread running `body`; throws when the system cannot create one.
    package static func spawn(_ body: @escaping @Sendable () -> Void) throws(StrataError) {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw StrataError(.io, "cannot start a worker thread: \(String(cString: strerror(status)))")
        }
    }
}
