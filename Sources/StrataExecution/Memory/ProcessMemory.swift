#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's resident memory, which the memory limit is judged by.
package enum ProcessMemory {
    /// Bytes resident now (Linux: `/proc/self/statm`; 0 where unknown).
    package static func residentBytes() -> Int {
        #if os(Linux)
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        // "size resident shared …" in pages: the second field.
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
        return value &* max(1, Int(sysconf(Int32(_SC_PAGESIZE))))
        #else
        return 0
        #endif
    }
}
