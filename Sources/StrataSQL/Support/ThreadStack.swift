import CFrameAddress
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's stack, so that recursive code (the parser, tree walks) can stop with an error before it runs
/// out: a nesting count alone cannot promise that, as frames are several times larger in unoptimised builds and
/// threads differ (512 KiB for secondary threads on macOS, 8 MiB for a main thread). Stacks grow down on every
/// platform Strata runs on.
package enum ThreadStack {
    /// The addresses of the calling thread's stack (from the lowest it may grow to up to its top), or nil where
    /// the platform does not tell.
    package static func bounds() -> ClosedRange<UInt>? {
        #if canImport(Darwin)
        let thread = pthread_self()
        let top = UInt(bitPattern: pthread_get_stackaddr_np(thread))
        let size = UInt(pthread_get_stacksize_np(thread))
        return top > size ? (top - size)...top : nil
        #elseif canImport(Glibc) || canImport(Musl)
        // pthread_getattr_np is a GNU extension the C module does not declare; both C libraries have it.
        typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        guard let symbol = dlsym(nil, "pthread_getattr_np") else { return nil }
        let getAttributes = unsafeBitCast(symbol, to: GetAttributes.self)
        var attributes = pthread_attr_t()
        guard getAttributes(pthread_self(), &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var base: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attributes, &base, &size) == 0, let base, size > 0 else { return nil }
        let low = UInt(bitPattern: base)
        let (high, overflow) = low.addingReportingOverflow(UInt(size))
        return overflow ? nil : low...high
        #else
        return nil
        #endif
    }

    /// An address in the caller's frame: how far down the stack the caller is. It comes from the C frame address,
    /// not a Swift local's address, which AddressSanitizer moves to a separate "fake stack".
    @inline(never)
    package static func currentAddress() -> UInt {
        UInt(strata_frame_address())
    }
}
