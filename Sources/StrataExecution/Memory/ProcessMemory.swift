#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The process's resident memory, which the memory limit is judged by. Keeps `/proc/self/statm` open and re-reads
/// it from its start each time (one `pread`, no path lookup), so sampling it often costs little.
package final class ProcessMemory: Sendable {
    private let descriptor: Int32
    private let pageSize: Int
    /// One reader at a time: the buffer and the descriptor's use.
    private let lock = Mutex(())

    /// A reader (Linux; elsewhere it reports 0).
    package init() {
        #if os(Linux)
        descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        #else
        descriptor = -1
        #endif
        pageSize = max(1, Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Bytes resident now (0 where unknown).
    package func residentBytes() -> Int {
        guard descriptor >= 0 else { return 0 }
        return lock.withLock { _ in
            // "size resident shared …" in pages: the second field.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> Int in
                let count = pread(descriptor, buffer.baseAddress, buffer.count, 0)
                guard count > 0 else { return 0 }
                var field = 0
                var value = 0
                for byte in buffer[0..<count] {
                    if byte == UInt8(ascii: " ") {
                        if field == 1 { break }
                        field += 1
                        continue
                    }
                    if field == 1, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                        value = value &* 10 &+ Int(byte - UInt8(ascii: "0"))
                    }
                }
                return value &* pageSize
            }
        }
    }
}
