#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StrataStorage

/// A buffered byte writer over standard output or a created/truncated file, writing every 64 KiB.
///
/// Errors are ``StrataError``s of code `.io` naming the path (`<stdout>` for standard output). When the reader of a
/// pipe has gone (`strata … | head`), writes fail with the message "output closed": creating a sink makes the
/// process ignore SIGPIPE so that the failure is reported instead of killing it. Bytes still buffered when a sink
/// is dropped without ``close()`` are discarded.
package final class ByteSink {
    /// Buffered bytes that trigger a write to the descriptor.
    package static let flushThreshold = 64 << 10

    /// The file's path, or `<stdout>`.
    package let path: String
    private let file: FileIO
    private var buffer: [UInt8] = []
    private var closed = false

    /// Opens `target`: standard output, or a file created or truncated.
    package init(_ target: OutputTarget) throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            switch target {
            case .standardOutput:
                path = "<stdout>"
                file = try FileIO(standardOutputNamed: path)
            case let .file(name):
                path = name
                file = try FileIO(path: name, mode: .truncate)
            }
        } catch var error as StrataError {
            error.code = .io
            throw error
        }
        buffer.reserveCapacity(Self.flushThreshold)
    }

    /// Appends `bytes`, writing the buffer out once it holds 64 KiB.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !closed else { throw StrataError(.io, "write after close", path: path) }
        if buffer.count + bytes.count > Self.flushThreshold {
            try flush()
            if bytes.count >= Self.flushThreshold { return try file.write(bytes) }
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends `bytes`.
    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends the UTF-8 of `text`.
    package func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes out everything buffered.
    package func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try file.write(buffer)
    }

    /// Flushes and closes the descriptor (standard output's duplicate; the process's own stays open).
    package func close() throws {
        guard !closed else { return }
        try flush()
        closed = true
        try file.close()
    }
}
