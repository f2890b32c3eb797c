// Reading a run back:
//   1. open: the file's size must equal the bytes the writer wrote (catches truncation and appends at once); the
//      file header is checked (magic, version, schema block size and CRC) and its schema must equal the run's.
//   2. next(): reads a 16-byte frame header, bounds-checks both sizes against the bytes left in the file and LZ4's
//      limits before allocating, reads the payload into a reused buffer, checks its CRC, decompresses into a second
//      reused buffer (which must fill exactly) and decodes the batch, checking every length as it goes.
//   3. At the end of the file the number of frames must equal the run's batch count; both buffers are freed.
// Every inconsistency is a StrataError(.corrupt) naming the file and the frame's byte offset.
import StrataCompression
import StrataCore
import StrataStorage

/// Reads the batches of a ``SpillRun`` back, one frame at a time. Used by one thread.
package final class SpillReader {
    private let run: SpillRun
    private let file: FileIO
    private let fileSize: Int64
    private var offset: Int64
    private var framesRead = 0
    /// The compressed payload of the current frame.
    private let payload = SpillBuffer()
    /// The decompressed body of the current frame.
    private let body = SpillBuffer()

    /// The schema of the batches.
    package var schema: Schema { run.schema }

    init(run: SpillRun) throws(StrataError) {
        self.run = run
        do {
            file = try FileIO(path: run.path, mode: .read)
            fileSize = try file.size()
        } catch {
            let code: StrataError.Code = (error as? StrataError)?.code == .notFound ? .notFound : .io
            throw StrataError(code, "cannot open spill file for \"\(run.label)\": \(SpillManager.reason(error))",
                              path: run.path)
        }
        guard fileSize == run.bytes else {
            throw StrataError(.corrupt, "spill file is \(fileSize) bytes, \(run.bytes) were written", path: run.path)
        }
        offset = 0
        if fileSize > 0 { try readFileHeader() }
    }

    /// The next batch, or nil after the last one.
    package func next() throws(StrataError) -> Batch? {
        do {
            return try readFrame()
        } catch {
            var located = error.with(path: run.path)
            if located.offset == nil { located.offset = offset }
            throw located
        }
    }

    private func readFileHeader() throws(StrataError) {
        do throws(StrataError) {
            let header = try read(SpillFormat.fileHeaderSize, at: 0, into: payload)
            let (schemaSize, crc) = try SpillFormat.parseFileHeader(header, fileSize: fileSize)
            let block = try read(schemaSize, at: Int64(SpillFormat.fileHeaderSize), into: payload)
            guard CRC32.checksum(block) == crc else {
                throw StrataError(.corrupt, "spill file schema block fails its CRC check")
            }
            guard try SpillFormat.parseSchema(block) == run.schema else {
                throw StrataError(.corrupt, "spill file schema differs from the run's")
            }
            offset = Int64(SpillFormat.fileHeaderSize + schemaSize)
        } catch {
            throw error.with(path: run.path)
        }
    }

    private func readFrame() throws(StrataError) -> Batch? {
        guard offset < fileSize else {
            guard framesRead == run.batchCount else {
                throw StrataError(.corrupt, "spill file ends after \(framesRead) of \(run.batchCount) frames")
            }
            payload.free()
            body.free()
            return nil
        }
        let headerSize = SpillFormat.frameHeaderSize
        guard fileSize - offset >= Int64(headerSize) else {
            throw StrataError(.corrupt, "spill file ends inside a frame header")
        }
        let header = try SpillFormat.FrameHeader(parsing: try read(headerSize, at: offset, into: payload),
                                                 available: fileSize - offset - Int64(headerSize))
        let compressed = try read(header.compressedSize, at: offset + Int64(headerSize), into: payload)
        guard CRC32.checksum(compressed) == header.crc else {
            throw StrataError(.corrupt, "spill frame fails its CRC check")
        }
        body.reset(capacity: header.uncompressedSize)
        let target = UnsafeMutableRawBufferPointer(rebasing: body.storage[0..<header.uncompressedSize])
        guard Lz4Block.decompressIfValid(compressed, into: target) == header.uncompressedSize else {
            throw StrataError(.corrupt, "spill frame does not decompress to \(header.uncompressedSize) bytes")
        }
        body.setCount(header.uncompressedSize)
        let batch = try SpillBatchCodec.decode(body.bytes, schema: run.schema)
        offset += Int64(headerSize + header.compressedSize)
        framesRead += 1
        return batch
    }

    /// Reads `count` bytes at `position` into `buffer` (replacing its contents) and returns them.
    private func read(_ count: Int, at position: Int64,
                      into buffer: SpillBuffer) throws(StrataError) -> UnsafeRawBufferPointer {
        buffer.reset(capacity: count)
        do {
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.storage[0..<count]), at: position)
        } catch let error as StrataError {
            throw error
        } catch {
            throw StrataError(.io, "cannot read spill file: \(error)")
        }
        buffer.setCount(count)
        run.manager.countRead(count)
        return buffer.bytes
    }
}
