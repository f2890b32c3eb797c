#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StrataStorage

/// A buffered byte writer over standard output or a file, writing every 64 KiB.
///
/// A regular file is written under a temporary name next to it (`NAME.tmp-<random>`) and renamed over `NAME` by
/// ``close()``: a failure half-way (a full disk, a failed query) leaves any earlier `NAME` as it was and no
/// truncated file; a sink dropped without ``close()`` removes its temporary file. Pipes, devices and links are
/// written in place.
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
    /// For a file target: the name written until ``close()`` renames it to `path`.
    private let temporaryPath: String?
    /// Its ``ScratchRegistry`` token (an interrupted process deletes it on its way out).
    private var scratchToken: Int?
    private var buffer: [UInt8] = []
    private var closed = false

    /// Opens `target`: standard output, or a file created or truncated.
    package init(_ target: OutputTarget) throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            switch target {
            case .standardOutput:
                path = "<stdout>"
                temporaryPath = nil
                file = try FileIO(standardOutputNamed: path)
            case let .file(name) where ByteSink.isRegularOrMissing(name):
                path = name
                let temporary = name + ".tmp-" + FileSystem.randomHex(12)
                temporaryPath = temporary
                file = try FileIO(path: temporary, mode: .createNew)
                scratchToken = ScratchRegistry.shared.add(temporary)
            case let .appending(name):
                path = name
                temporaryPath = nil
                file = try FileIO(path: name, mode: .append)
            case let .file(name):
                // A pipe, a device (/dev/null, /dev/stdout) or a link: written in place, as it cannot be replaced.
                path = name
                temporaryPath = nil
                file = try FileIO(path: name, mode: .truncate)
            }
        } catch var error as StrataError {
            error.code = .io
            error.path = target.name
            throw error
        }
        buffer.reserveCapacity(Self.flushThreshold)
    }

    /// Whether `path` is missing or a regular file (not a link, pipe or device).
    private static func isRegularOrMissing(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return errno == ENOENT }
        return (info.st_mode & S_IFMT) == S_IFREG
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
        try named { try file.write(buffer) }
    }

    /// Flushes and closes the descriptor (standard output's duplicate; the process's own stays open); a file is
    /// then renamed to its name.
    package func close() throws {
        guard !closed else { return }
        try flush()
        closed = true
        try named {
            try file.close()
            if let temporaryPath { try FileSystem.rename(temporaryPath, to: path) }
        }
    }

    deinit {
        // After a successful close the temporary name is gone (renamed); otherwise the partial file goes.
        if let temporaryPath {
            try? file.close()
            try? FileSystem.remove(temporaryPath)
        }
        if let scratchToken { ScratchRegistry.shared.remove(scratchToken) }
    }

    /// Runs `body`, naming the final path (not the temporary one) in its errors.
    private func named(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch var error as StrataError {
            if error.path == nil || error.path == temporaryPath { error.path = path }
            throw error
        }
    }
}
