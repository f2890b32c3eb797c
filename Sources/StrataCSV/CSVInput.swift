import StrataCompression
import StrataCore
import StrataStorage

/// The bytes of a CSV input, read sequentially in blocks: a file, standard input (`-`), or either of them gzip or
/// zstd compressed (detected from the magic bytes).
///
/// 1. `init` opens the source and peeks at its first bytes to detect compression.
/// 2. `read(into:)` fills a caller's buffer with decompressed bytes; 0 means the end of the input.
/// 3. Standard input cannot be read twice, so when `spoolPath` is given every raw byte read from it is also written
///    there; `rewind()` then reads the spool file instead (a widening restart). Files are simply reopened.
package final class CSVInput {
    /// The name used in messages: the path, or `<stdin>`.
    package let name: String
    /// The size of the input as stored, when known (regular files).
    package let totalBytes: Int64?
    /// Raw (possibly compressed) bytes consumed so far in this pass.
    package private(set) var bytesRead: Int64 = 0

    private let path: String
    private let spoolPath: String?
    private var file: FileIO
    private var spool: FileIO?
    private var spooled = false
    private var decompressor: StreamDecompressor?
    private var raw: [UInt8]
    private var rawStart = 0
    private var rawEnd = 0
    private var sourceDone = false

    /// Opens `path` (`-` for standard input); `spoolPath` is where standard input is copied for a second pass.
    package init(path: String, spoolPath: String?) throws {
        self.path = path
        self.spoolPath = path == "-" ? spoolPath : nil
        name = path == "-" ? "<stdin>" : path
        raw = [UInt8](repeating: 0, count: 1 << 20)
        if path == "-" {
            file = try FileIO(standardInputNamed: "<stdin>")
            totalBytes = nil
        } else {
            let (exists, isDirectory) = FileSystem.kind(of: path)
            guard exists else { throw StrataError(.notFound, "no such file", path: path) }
            guard !isDirectory else {
                throw StrataError(.invalidArgument, "is a directory, not a CSV file", path: path)
            }
            file = try FileIO(path: path, mode: .read)
            totalBytes = try file.size()
        }
        if let spoolPath = self.spoolPath { spool = try FileIO(path: spoolPath, mode: .createNew) }
        try start()
    }

    deinit {
        if let spoolPath { try? FileSystem.remove(spoolPath) }
    }

    /// Whether the input is compressed, and how.
    package var compression: StreamDecompressor.Format? { decompressor?.format }

    /// Fills `buffer` with the next decompressed bytes; returns how many (0 only at the end of the input).
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            if rawStart == rawEnd && !sourceDone { try refill() }
            guard let decompressor else {
                // Uncompressed: hand out the raw bytes.
                let count = min(buffer.count, rawEnd - rawStart)
                if count == 0 { return 0 }
                raw.withUnsafeBytes { source in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[rawStart..<(rawStart + count)]))
                }
                rawStart += count
                return count
            }
            if rawStart == rawEnd {
                guard decompressor.isAtEnd else {
                    throw StrataError(.corrupt, "compressed input ends in the middle of a "
                        + "\(decompressor.format == .gzip ? "gzip member" : "zstd frame") (truncated?)", path: name)
                }
                return 0
            }
            let (consumed, produced) = try raw.withUnsafeBytes { source in
                try decompressor.decompress(UnsafeRawBufferPointer(rebasing: source[rawStart..<rawEnd]), into: buffer)
            }
            rawStart += consumed
            if produced > 0 { return produced }
            if consumed == 0 && rawStart < rawEnd {
                throw StrataError(.corrupt, "compressed input makes no progress", path: name)
            }
        }
    }

    /// Starts reading from the beginning again (after a widening): reopens the file or switches to the spool.
    package func rewind() throws {
        if path == "-" {
            guard let spoolPath, let spool else {
                throw StrataError(.internal, "standard input was not spooled and cannot be read twice")
            }
            // Drain what is left of stdin into the spool first, so the spool holds the whole input.
            if !spooled {
                while !sourceDone { rawStart = rawEnd; try refill() }
                try spool.close()
                spooled = true
            }
            file = try FileIO(path: spoolPath, mode: .read)
        } else {
            file = try FileIO(path: path, mode: .read)
        }
        bytesRead = 0
        rawStart = 0
        rawEnd = 0
        sourceDone = false
        try start()
    }

    private func start() throws {
        // Peek at the magic bytes: read until at least 4 bytes or the end.
        while rawEnd < 4 && !sourceDone { try refill(keep: true) }
        let magic = Array(raw[0..<min(4, rawEnd)])
        if magic.count >= 2 && magic[0] == 0x1F && magic[1] == 0x8B {
            decompressor = try StreamDecompressor(format: .gzip)
        } else if magic == [0x28, 0xB5, 0x2F, 0xFD] {
            decompressor = try StreamDecompressor(format: .zstd)
        } else {
            decompressor = nil
        }
    }

    /// Reads more raw bytes; with `keep`, appends after what is buffered instead of replacing it.
    private func refill(keep: Bool = false) throws {
        if !keep || rawStart == rawEnd {
            if !keep { rawStart = 0; rawEnd = 0 }
        }
        let count = try raw.withUnsafeMutableBytes { buffer in
            try file.readNext(into: UnsafeMutableRawBufferPointer(rebasing: buffer[rawEnd...]))
        }
        if count == 0 {
            sourceDone = true
            return
        }
        if let spool, !spooled {
            try raw.withUnsafeBytes { try spool.write(UnsafeRawBufferPointer(rebasing: $0[rawEnd..<(rawEnd + count)])) }
        }
        rawEnd += count
        bytesRead += Int64(count)
    }
}
