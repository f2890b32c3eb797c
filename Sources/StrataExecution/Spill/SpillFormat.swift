// The spill file format. A run file is only ever read back by the process that wrote it, so integers are stored
// little-endian, as on every platform Strata supports, and values are copied as raw memory.
//
// File header (written with the first batch; a run without batches is an empty file):
//   1. magic        u32  0x4C505353 ("SSPL")
//   2. version      u32  1
//   3. schema size  u32  bytes of the schema block that follows (at most 16 MiB)
//   4. schema crc   u32  CRC-32 of the schema block
//   5. schema block: field count u32, then per field: name length u32, name (UTF-8), type u8 (DataType raw value),
//      nullable u8 (0 or 1)
//
// Frames, one per batch (a batch too large for one LZ4 block is split into row ranges, one frame each), until the
// end of the file:
//   1. magic/version     u32  0x01475246 ("FRG" + version 1)
//   2. uncompressed size u32  bytes of the batch body (at most LZ4's block limit, 0x7E000000)
//   3. compressed size   u32  bytes of the payload
//   4. payload crc       u32  CRC-32 of the payload
//   5. payload: one LZ4 block that decompresses to the batch body
//
// Batch body (see SpillBatchCodec):
//   1. row count u32, column count u32
//   2. per column, in schema order:
//      a. type u8 (DataType raw value), null flag u8 (1 when validity words follow)
//      b. if the flag is 1: ceil(rows / 64) validity words u64, LSB first, bits past the last row zero
//      c. values: bool one byte (0/1) per row; int32, float, date 4 bytes per row; int64, double, timestamp 8 bytes
//         per row; string: byte count u32, rows + 1 offsets i32 starting at 0, then the UTF-8 bytes
import StrataCompression
import StrataCore
import StrataStorage

/// Constants and header layouts of the spill file format (described field by field at the top of this file).
enum SpillFormat {
    /// First word of a spill file.
    static let fileMagic: UInt32 = 0x4C50_5353
    /// Version of the file layout.
    static let fileVersion: UInt32 = 1
    /// Bytes of the fixed part of the file header, before the schema block.
    static let fileHeaderSize = 16
    /// The largest schema block a reader accepts.
    static let maxSchemaSize = 16 << 20
    /// First word of every frame: magic and version in one.
    static let frameMagic: UInt32 = 0x0147_5246
    /// Bytes of a frame header.
    static let frameHeaderSize = 16
    /// The largest batch body one frame holds: LZ4's block limit.
    static let maxFramePayload = Lz4Block.maxInputSize

    /// The header in front of every frame's payload.
    struct FrameHeader: Equatable {
        /// Bytes of the batch body once decompressed.
        var uncompressedSize: Int
        /// Bytes of the LZ4 payload.
        var compressedSize: Int
        /// CRC-32 of the payload.
        var crc: UInt32

        /// Stores the header into the first `frameHeaderSize` bytes of `buffer`.
        func store(into buffer: UnsafeMutableRawBufferPointer) {
            buffer.storeBytes(of: frameMagic.littleEndian, toByteOffset: 0, as: UInt32.self)
            buffer.storeBytes(of: UInt32(uncompressedSize).littleEndian, toByteOffset: 4, as: UInt32.self)
            buffer.storeBytes(of: UInt32(compressedSize).littleEndian, toByteOffset: 8, as: UInt32.self)
            buffer.storeBytes(of: crc.littleEndian, toByteOffset: 12, as: UInt32.self)
        }

        /// Parses and bounds-checks a header; `available` is the number of file bytes after it.
        init(parsing raw: UnsafeRawBufferPointer, available: Int64) throws(StrataError) {
            var cursor = ByteCursor(raw)
            guard try cursor.readUInt32LE() == frameMagic else {
                throw StrataError(.corrupt, "spill frame has a bad magic number or version")
            }
            uncompressedSize = Int(try cursor.readUInt32LE())
            compressedSize = Int(try cursor.readUInt32LE())
            crc = try cursor.readUInt32LE()
            // LZ4 expands at most ~255 times, so a larger claim is corrupt and must not be allocated.
            guard compressedSize > 0, Int64(compressedSize) <= available,
                  compressedSize <= Lz4Block.maxCompressedSize(uncompressedSize),
                  uncompressedSize <= maxFramePayload, uncompressedSize <= compressedSize * 256 + 64 else {
                throw StrataError(.corrupt, """
                    spill frame sizes are impossible: \(compressedSize) compressed, \(uncompressedSize) \
                    uncompressed, \(available) bytes left in the file
                    """)
            }
        }

        /// Creates a header.
        init(uncompressedSize: Int, compressedSize: Int, crc: UInt32) {
            self.uncompressedSize = uncompressedSize
            self.compressedSize = compressedSize
            self.crc = crc
        }
    }

    /// The file header and schema block for `schema`.
    static func fileHeader(for schema: Schema) -> [UInt8] {
        var block: [UInt8] = []
        appendUInt32(UInt32(schema.count), to: &block)
        for field in schema.fields {
            appendUInt32(UInt32(field.name.utf8.count), to: &block)
            block.append(contentsOf: field.name.utf8)
            block.append(field.type.code)
            if case let .decimal(precision, scale) = field.type { block.append(contentsOf: [precision, scale]) }
            block.append(field.nullable ? 1 : 0)
        }
        var header: [UInt8] = []
        header.reserveCapacity(fileHeaderSize + block.count)
        appendUInt32(fileMagic, to: &header)
        appendUInt32(fileVersion, to: &header)
        appendUInt32(UInt32(block.count), to: &header)
        appendUInt32(block.withUnsafeBytes { CRC32.checksum($0) }, to: &header)
        header.append(contentsOf: block)
        return header
    }

    /// Reads the fixed file header; returns the schema block's size and CRC.
    static func parseFileHeader(_ raw: UnsafeRawBufferPointer,
                                fileSize: Int64) throws(StrataError) -> (schemaSize: Int, crc: UInt32) {
        var cursor = ByteCursor(raw)
        guard try cursor.readUInt32LE() == fileMagic else {
            throw StrataError(.corrupt, "not a spill file: bad magic number")
        }
        let version = try cursor.readUInt32LE()
        guard version == fileVersion else {
            throw StrataError(.corrupt, "spill file version \(version) is not \(fileVersion)")
        }
        let size = Int(try cursor.readUInt32LE())
        guard size <= maxSchemaSize, Int64(fileHeaderSize + size) <= fileSize else {
            throw StrataError(.corrupt, "spill file schema block of \(size) bytes does not fit the file")
        }
        return (size, try cursor.readUInt32LE())
    }

    /// Decodes a schema block.
    static func parseSchema(_ raw: UnsafeRawBufferPointer) throws(StrataError) -> Schema {
        var cursor = ByteCursor(raw)
        let count = Int(try cursor.readUInt32LE())
        var fields: [Field] = []
        for _ in 0..<min(count, raw.count) {
            let nameSize = Int(try cursor.readUInt32LE())
            let name = String(decoding: try cursor.readBytes(nameSize), as: UTF8.self)
            let code = try cursor.readByte()
            var (precision, scale): (UInt8, UInt8) = (0, 0)
            if code == DataType.decimal(precision: 1, scale: 0).code {
                (precision, scale) = (try cursor.readByte(), try cursor.readByte())
            }
            guard let type = DataType(code: code, precision: precision, scale: scale) else {
                throw StrataError(.corrupt, "spill file schema has an unknown type for column \"\(name)\"")
            }
            let nullable = try cursor.readByte()
            guard nullable <= 1 else { throw StrataError(.corrupt, "spill file schema has a bad nullable flag") }
            fields.append(Field(name, type, nullable: nullable == 1))
        }
        guard fields.count == count, cursor.remaining == 0 else {
            throw StrataError(.corrupt, "spill file schema block does not hold \(count) fields")
        }
        do {
            return try Schema(fields)
        } catch {
            throw StrataError(.corrupt, "spill file schema is invalid: \(error.message)")
        }
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
