import Foundation
import Testing
import StrataCore
@testable import StrataStorage
import StrataTestSupport

@Suite struct ParquetFooterTests {
    /// A minimal in-memory "file": leading magic, no data, then the footer.
    private func file(with metadata: FileMetaData) -> [UInt8] {
        ParquetFooter.magic + ParquetFooter.encode(metadata)
    }

    @Test func encodeThenDecodeFooter() throws {
        let metadata = MetadataSamples.fullFileMetaData
        let bytes = file(with: metadata)
        let decoded = try bytes.withUnsafeBytes { try ParquetFooter.decode(file: $0, path: "mem.parquet") }
        #expect(decoded == metadata)
        #expect(Array(bytes.suffix(4)) == Array("PAR1".utf8))
    }

    @Test func twoStepFooterReading() throws {
        let bytes = file(with: MetadataSamples.minimalFileMetaData)
        let size = Int64(bytes.count)
        let length = try bytes.suffix(8).withUnsafeBytes {
            try ParquetFooter.metadataLength(trailer: $0, fileSize: size, path: "f")
        }
        #expect(length == bytes.count - 12)
        let metadata = Array(bytes[4 ..< bytes.count - 8])
        let decoded = try metadata.withUnsafeBytes { try ParquetFooter.decode(metadata: $0, fileSize: size, path: "f") }
        #expect(decoded == MetadataSamples.minimalFileMetaData)
    }

    @Test func badTrailersAreRejected() {
        func error(_ bytes: [UInt8]) -> StrataError? {
            strataError { _ = try bytes.withUnsafeBytes { try ParquetFooter.decode(file: $0, path: "bad.parquet") } }
        }
        let good = file(with: MetadataSamples.minimalFileMetaData)
        var badMagic = good
        badMagic[badMagic.count - 1] = UInt8(ascii: "2")
        #expect(error(badMagic)?.code == .corrupt)
        #expect(error(badMagic)?.path == "bad.parquet")

        var encrypted = good
        encrypted.replaceSubrange(encrypted.count - 4 ..< encrypted.count, with: Array("PARE".utf8))
        #expect(error(encrypted)?.code == .unsupported)
        #expect(error(encrypted)?.message == "encrypted Parquet files are not supported")

        var tooLong = good
        tooLong[tooLong.count - 8] = 0xFF
        tooLong[tooLong.count - 7] = 0xFF
        #expect(error(tooLong)?.code == .corrupt)

        #expect(error(Array("PAR1PAR1".utf8))?.code == .corrupt)
        #expect(error([])?.code == .corrupt)
        #expect(error(Array("PAR1".utf8) + [0, 0, 0, 0] + Array("PAR1".utf8))?.code == .corrupt) // empty metadata
    }

    @Test func errorsCarryAbsoluteOffsetsAndPath() {
        var bytes = file(with: MetadataSamples.minimalFileMetaData)
        bytes[4] = 0x1E // first field header of FileMetaData: invalid type code 14
        let error = strataError {
            _ = try bytes.withUnsafeBytes { try ParquetFooter.decode(file: $0, path: "p.parquet") }
        }
        #expect(error?.code == .corrupt)
        #expect(error?.offset == 4)
        #expect(error?.path == "p.parquet")
    }

    @Test func encryptedMetadataIsRejected() {
        var metadata = encode(MetadataSamples.minimalFileMetaData)
        metadata.removeLast()
        metadata += [0x0C, 0x10, 0x00, 0x00] // field 8 (long form): encryption_algorithm {}
        let bytes = ParquetFooter.magic + metadata + [UInt8(metadata.count), 0, 0, 0] + ParquetFooter.magic
        let error = strataError { _ = try bytes.withUnsafeBytes { try ParquetFooter.decode(file: $0, path: "e") } }
        #expect(error?.code == .unsupported)

        var row = MetadataSamples.minimalFileMetaData
        row.rowGroups = [RowGroup(columns: [ColumnChunk(fileOffset: 0)], totalByteSize: 0, numRows: 0)]
        row.rowGroups[0].columns[0].isEncrypted = true // not written; decode must not see it
        let plain = file(with: row)
        #expect(strataError { _ = try plain.withUnsafeBytes { try ParquetFooter.decode(file: $0, path: "e") } } == nil)
    }

    @Test func everyTruncatedPrefixThrows() throws {
        let bytes = encode(MetadataSamples.fullFileMetaData)
        #expect(try decode(FileMetaData.self, bytes) == MetadataSamples.fullFileMetaData)
        for length in 0 ..< bytes.count {
            let prefix = Array(bytes[0 ..< length])
            let error = strataError { _ = try decode(FileMetaData.self, prefix) }
            #expect(error?.code == .corrupt, "prefix of \(length) bytes")
        }
        let page = encode(MetadataSamples.pageHeaders[1])
        for length in 0 ..< page.count {
            let error = strataError { _ = try decode(PageHeader.self, Array(page[0 ..< length])) }
            #expect(error?.code == .corrupt, "page header prefix of \(length) bytes")
        }
    }

    @Test func randomMutationsDecodeOrThrow() {
        var rng = SplitMix64(seed: 0x5EED_2026)
        let inputs: [[UInt8]] = [encode(MetadataSamples.fullFileMetaData), ParquetMetadataTests.workedExample,
                                 encode(MetadataSamples.pageHeaders[5])]
        var decoded = 0
        var thrown = 0
        for iteration in 0 ..< 2000 {
            var bytes = inputs[iteration % inputs.count]
            let edits = Int.random(in: 1 ... 4, using: &rng)
            for _ in 0 ..< edits {
                guard !bytes.isEmpty else { break }
                let index = Int.random(in: 0 ..< bytes.count, using: &rng)
                switch Int.random(in: 0 ..< 6, using: &rng) {
                case 0: bytes[index] = UInt8.random(in: 0 ... 255, using: &rng)
                case 1: bytes[index] ^= 1 << UInt8.random(in: 0 ... 7, using: &rng)
                case 2: bytes.insert(UInt8.random(in: 0 ... 255, using: &rng), at: index)
                case 3: bytes.remove(at: index)
                case 4: bytes[index] = [0x00, 0x0F, 0xFF, 0x80, 0x7F, 0xF9, 0xFC].randomElement(using: &rng) ?? 0
                default: bytes.removeSubrange(index...)
                }
            }
            do {
                if iteration % inputs.count == 0 {
                    _ = try decode(FileMetaData.self, bytes)
                } else {
                    _ = try decode(PageHeader.self, bytes)
                }
                decoded += 1
            } catch let error as StrataError {
                #expect(error.code == .corrupt || error.code == .unsupported)
                thrown += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(decoded + thrown == 2000)
        #expect(thrown > 0)
        #expect(decoded > 0)
    }

    // MARK: - A file written by pyarrow (Fixtures/parquet/make_thrift_fixture.py)

    private static let fixtureURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/parquet/thrift_footer_pyarrow.parquet")

    private func readFixtureFooter() throws -> FileMetaData {
        let bytes = [UInt8](try Data(contentsOf: Self.fixtureURL))
        let size = Int64(bytes.count)
        let path = Self.fixtureURL.path
        let length = try bytes.suffix(ParquetFooter.trailerSize).withUnsafeBytes {
            try ParquetFooter.metadataLength(trailer: $0, fileSize: size, path: path)
        }
        let end = bytes.count - ParquetFooter.trailerSize
        return try bytes[(end - length) ..< end].withUnsafeBytes {
            try ParquetFooter.decode(metadata: $0, fileSize: size, path: path)
        }
    }

    @Test func pyarrowFooterDecodes() throws {
        let metadata = try readFixtureFooter()
        #expect(metadata.version == 2)
        #expect(metadata.numRows == 5)
        #expect(metadata.createdBy?.hasPrefix("parquet-cpp-arrow version") == true)
        #expect(metadata.isEncrypted == false)
        #expect(metadata.schema.map(\.name) == ["schema", "id", "name"])
        #expect(metadata.schema.map(\.type) == [nil, .int64, .byteArray])
        #expect(metadata.schema[0].numChildren == 2)
        #expect(metadata.schema[1].repetitionType == .required)
        #expect(metadata.schema[2].repetitionType == .optional)
        #expect(metadata.schema[2].logicalType == .string)
        #expect(metadata.schema[2].convertedType == .utf8)
        #expect(metadata.columnOrders == [.typeDefinedOrder, .typeDefinedOrder])
        #expect(metadata.keyValueMetadata?.contains { $0.key == "ARROW:schema" } == true)

        #expect(metadata.rowGroups.count == 1)
        let group = metadata.rowGroups[0]
        #expect(group.numRows == 5)
        #expect(group.columns.count == 2)
        let columns = group.columns.compactMap(\.metaData)
        #expect(columns.count == 2)
        #expect(columns.map(\.codec) == [.zstd, .snappy])
        #expect(columns.map(\.pathInSchema) == [["id"], ["name"]])
        #expect(columns.map(\.numValues) == [5, 5])
        #expect(columns[0].dataPageOffset == 4)
        #expect(columns[0].dictionaryPageOffset == nil)
        #expect(columns[1].dictionaryPageOffset != nil)
        #expect(Set(columns[1].encodings) == [.plain, .rle, .rleDictionary])
        #expect(columns[0].statistics?.minValue == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(columns[0].statistics?.maxValue == [5, 0, 0, 0, 0, 0, 0, 0])
        #expect(columns[1].statistics?.nullCount == 1)
        #expect(columns[1].statistics?.minValue == Array("a".utf8))
        #expect(columns[1].statistics?.maxValue == Array("dd".utf8))
        #expect(group.columns.allSatisfy { $0.filePath == nil && !$0.isEncrypted })
    }

    @Test func pyarrowFooterRoundTrips() throws {
        let metadata = try readFixtureFooter()
        #expect(try decode(FileMetaData.self, encode(metadata)) == metadata)
    }
}
