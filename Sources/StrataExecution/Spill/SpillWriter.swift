// Writing a run, batch by batch:
//   1. The first batch fixes the run's schema; the file header with the schema block goes out with it.
//   2. Each batch is measured (SpillBatchCodec.encodedSize). A body larger than one LZ4 block is split into two row
//      halves, recursively; a single row that is still too large is rejected with an error.
//   3. The body is serialized into a reused buffer, compressed into a second reused buffer behind room for the frame
//      header, the header is filled in, and the whole frame goes to the file in one write: the frame buffer is the
//      write buffer, so the file sees one system call per frame.
//   4. Before each write the manager charges the bytes against its cap. A refused charge, a failed write or any
//      other failure deletes the partial file and returns its bytes; the writer is then closed.
//   5. finish() closes the file, frees both buffers and returns the SpillRun.
import StrataCompression
import StrataCore
import StrataStorage

/// Writes one spill run: a sequence of batches of one schema. Used by one thread; obtained from
/// ``SpillManager/createRun(label:)``. A writer dropped without `finish()` deletes its file.
package final class SpillWriter {
    private let manager: SpillManager
    private let path: String
    private let label: String
    private let metrics: OperatorMetrics?
    private var file: FileIO?
    private var schema: Schema?
    private var batchCount = 0
    private var rowCount = 0
    private var bytes: Int64 = 0
    private var uncompressedBytes: Int64 = 0
    /// The serialized body of the current frame.
    private let body = SpillBuffer()
    /// Frame header plus compressed payload of the current frame.
    private let frame = SpillBuffer()

    init(manager: SpillManager, path: String, label: String, file: FileIO, metrics: OperatorMetrics?) {
        self.manager = manager
        self.path = path
        self.label = label
        self.file = file
        self.metrics = metrics
    }

    deinit { abandon() }

    /// Bytes of transient buffers the writer needs to spill `batch` (body, compressed frame), so callers can
    /// reserve them before spilling.
    package static func estimatedBufferBytes(for batch: Batch) -> Int {
        let body = min(SpillBatchCodec.encodedSize(of: batch, rows: 0..<batch.count), SpillFormat.maxFramePayload)
        return body + SpillFormat.frameHeaderSize + Lz4Block.maxCompressedSize(body)
    }

    /// Appends `batch` to the run. Every batch of a run must have the same schema. On any failure except a schema
    /// mismatch the partial file is deleted and the writer is closed.
    package func write(_ batch: Batch) throws(StrataError) {
        guard file != nil else {
            throw StrataError(.internal, "spill run \"\(label)\" is already finished or abandoned", path: path)
        }
        if let schema, schema != batch.schema {
            throw StrataError(.schemaMismatch, "batch schema (\(batch.schema)) differs from the schema of spill run "
                              + "\"\(label)\" (\(schema))", path: path)
        }
        do throws(StrataError) {
            if schema == nil {
                let header = SpillFormat.fileHeader(for: batch.schema)
                frame.reset(capacity: header.count)
                header.withUnsafeBytes { frame.append($0) }
                try emit(frame.bytes)
                schema = batch.schema
            }
            try writeFrames(batch, rows: 0..<batch.count)
        } catch {
            abandon()
            throw error
        }
    }

    /// Closes the file, frees the buffers and returns the finished run.
    package func finish() throws(StrataError) -> SpillRun {
        guard let file else {
            throw StrataError(.internal, "spill run \"\(label)\" is already finished or abandoned", path: path)
        }
        do {
            try file.close()
        } catch {
            abandon()
            throw StrataError(.io, "cannot close spill file for \"\(label)\": \(SpillManager.reason(error))",
                              path: path)
        }
        self.file = nil
        body.free()
        frame.free()
        return SpillRun(manager: manager, path: path, label: label, schema: schema ?? Schema(unchecked: []),
                        batchCount: batchCount, rowCount: rowCount, bytes: bytes,
                        uncompressedBytes: uncompressedBytes)
    }

    /// Deletes the partial file, returns its bytes to the manager and closes the writer. Idempotent.
    package func abandon() {
        if let file {
            try? file.close()
            self.file = nil
            manager.release(path)
        }
        body.free()
        frame.free()
    }

    /// Writes `rows` of `batch` as one frame, or as several when the body exceeds one frame.
    private func writeFrames(_ batch: Batch, rows: Range<Int>) throws(StrataError) {
        let size = SpillBatchCodec.encodedSize(of: batch, rows: rows)
        if size > manager.maxFramePayload {
            guard rows.count > 1 else {
                throw StrataError(.unsupported, """
                    one row of spill run "\(label)" takes \(ByteCount.format(size)), more than the \
                    \(ByteCount.format(manager.maxFramePayload)) a spill frame can hold
                    """, path: path)
            }
            let middle = rows.lowerBound + rows.count / 2
            try writeFrames(batch, rows: rows.lowerBound..<middle)
            try writeFrames(batch, rows: middle..<rows.upperBound)
            return
        }
        body.reset(capacity: size)
        SpillBatchCodec.encode(batch, rows: rows, into: body)
        let headerSize = SpillFormat.frameHeaderSize
        frame.reset(capacity: headerSize + Lz4Block.maxCompressedSize(size))
        let payload = UnsafeMutableRawBufferPointer(rebasing: frame.storage[headerSize...])
        let compressed: Int
        do {
            compressed = try Lz4Block.compress(body.bytes, into: payload)
        } catch {
            throw StrataError(.internal, "cannot compress spill frame of \"\(label)\": \(error)", path: path)
        }
        let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: payload[0..<compressed]))
        SpillFormat.FrameHeader(uncompressedSize: size, compressedSize: compressed, crc: crc)
            .store(into: frame.storage)
        frame.setCount(headerSize + compressed)
        try emit(frame.bytes)
        batchCount += 1
        rowCount += rows.count
        uncompressedBytes += Int64(size)
    }

    /// Charges and appends `raw` to the file.
    private func emit(_ raw: UnsafeRawBufferPointer) throws(StrataError) {
        try manager.charge(raw.count, to: path, label: label)
        do {
            try file?.write(raw)
        } catch {
            throw StrataError(.io, "cannot write spill file for \"\(label)\": \(SpillManager.reason(error))",
                              path: path)
        }
        bytes += Int64(raw.count)
        metrics?.spilled(bytes: raw.count)
    }

    /// Frees the reused frame buffers (they are allocated again by the next write), for writers that stay open
    /// while little is written to them.
    package func trimBuffers() {
        body.free()
        frame.free()
    }

    /// Rows written so far.
    package var rowsWritten: Int { rowCount }

    /// Bytes written so far.
    package var bytesWritten: Int64 { bytes }
}
