#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// An open file descriptor with positional, EINTR-safe reads and writes that throw ``StrataError`` naming the path.
///
/// The descriptor is closed in `deinit`; `close()` closes it early and reports errors.
package final class FileIO: @unchecked Sendable {
    // Safety: `fd` is only mutated by `close()`, which callers must not race with I/O (single owner).
    /// The path the file was opened with (for error messages).
    package let path: String
    private var fd: Int32

    /// How to open a file.
    package enum Mode: Sendable {
        /// Read only; the file must exist.
        case read
        /// Create a new file for writing; fails if it exists.
        case createNew
        /// Create or truncate for writing.
        case truncate
        /// Create if missing, and write at its end.
        case append
    }

    /// Opens `path`.
    package init(path: String, mode: Mode) throws {
        self.path = path
        let flags: Int32
        switch mode {
        case .read: flags = O_RDONLY | O_CLOEXEC
        case .createNew: flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        case .truncate: flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        case .append: flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC
        }
        let opened = open(path, flags, 0o644)
        guard opened >= 0 else { throw FileIO.error("cannot open", path: path) }
        fd = opened
        if mode == .read {
            var info = stat()
            if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                Glibc.close(opened)
                fd = -1
                throw StrataError(.invalidArgument, "is a directory, not a file", path: path)
            }
        }
    }

    /// Wraps a duplicate of standard input, named `path` in errors.
    package convenience init(standardInputNamed path: String) throws {
        try self.init(duplicating: STDIN_FILENO, named: path)
    }

    /// Wraps a duplicate of standard output, named `path` in errors. Writing after the reader went away (`| head`)
    /// fails with "output closed" once SIGPIPE is ignored.
    package convenience init(standardOutputNamed path: String) throws {
        try self.init(duplicating: STDOUT_FILENO, named: path)
    }

    /// Wraps a duplicate of the open descriptor `descriptor`, named `path` in errors.
    private init(duplicating descriptor: Int32, named path: String) throws {
        self.path = path
        let duplicate = dup(descriptor)
        guard duplicate >= 0 else { throw FileIO.error("cannot duplicate descriptor \(descriptor)", path: path) }
        fd = duplicate
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Reads the next bytes at the file position (for pipes and sequential reads); returns 0 at end of file.
    package func readNext(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let result = Glibc.read(fd, base, buffer.count)
            if result >= 0 { return result }
            if errno == EINTR { continue }
            throw FileIO.error("cannot read", path: path)
        }
    }

    /// Whether the descriptor is a regular file (so its size is known and it can be read again).
    package func isRegularFile() -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The file's current size in bytes.
    package func size() throws -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileIO.error("cannot stat", path: path) }
        return Int64(info.st_size)
    }

    /// Reads exactly `buffer.count` bytes at `offset`; throws `.corrupt` if the file ends first.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIO.error("cannot read", path: path, offset: offset + Int64(done))
            }
            if n == 0 {
                throw StrataError(.corrupt, "file is truncated: expected \(buffer.count) bytes, found \(done)",
                                  path: path, offset: offset)
            }
            done += n
        }
    }

    /// Reads `count` bytes at `offset` into a new array.
    package func read(count: Int, at offset: Int64) throws -> [UInt8] {
        guard count > 0 else { return [] }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            initialized = count
        }
    }

    /// Appends all of `bytes` at the current position.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIO.error("cannot write", path: path)
            }
            done += n
        }
    }

    /// Appends all of `bytes`.
    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes data and metadata to stable storage.
    package func sync() throws {
        guard fsync(fd) == 0 else { throw FileIO.error("cannot fsync", path: path) }
    }

    /// Closes the descriptor, reporting errors.
    package func close() throws {
        guard fd >= 0 else { return }
        let result = Glibc.close(fd)
        fd = -1
        guard result == 0 else { throw FileIO.error("cannot close", path: path) }
    }

    /// A ``StrataError`` of code `.io` describing the current `errno`; a write to a pipe whose reader has gone
    /// (EPIPE) is "output closed", which callers may take as a reason to stop quietly.
    package static func error(_ action: String, path: String, offset: Int64? = nil) -> StrataError {
        let code = errno
        if code == EPIPE { return StrataError(.io, "output closed", path: path, offset: offset) }
        let reason = String(cString: strerror(code))
        let kind: StrataError.Code = code == ENOENT ? .notFound : .io
        return StrataError(kind, "\(action): \(reason)", path: path, offset: offset)
    }
}
