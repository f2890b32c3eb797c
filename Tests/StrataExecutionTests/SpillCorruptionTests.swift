import StrataCore
import StrataStorage
import Testing
@testable import StrataExecution

@Suite struct SpillCorruptionTests {
    /// A small run of two frames and its bytes.
    private func smallRun(in directory: SpillTestDirectory,
                          manager: SpillManager) throws -> (run: SpillRun, bytes: [UInt8]) {
        let batches = [try SpillTestData.everyType(rows: 5, nulls: true),
                       try SpillTestData.everyType(rows: 3, nulls: false, seed: 2)]
        let run = try SpillTestData.roundTrip(batches, manager: manager).run
        let file = try FileIO(path: run.path, mode: .read)
        return (run, try file.read(count: Int(run.bytes), at: 0))
    }

    /// Replaces the file at `path` with `bytes` (no fsync: the tests rewrite it hundreds of times).
    private func overwrite(_ bytes: [UInt8], to path: String) throws {
        let file = try FileIO(path: path, mode: .truncate)
        try file.write(bytes)
        try file.close()
    }

    /// Reads every batch of `run`, returning the error.
    private func readError(_ run: SpillRun) -> StrataError? {
        #expect(throws: StrataError.self) { _ = try SpillTestData.readAll(run) }
    }

    @Test func everyFlippedByteIsReportedAsCorrupt() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let (run, original) = try smallRun(in: directory, manager: manager)
        #expect(original.count < 2000)
        for position in original.indices {
            var bytes = original
            bytes[position] ^= 0x5A
            try overwrite(bytes, to: run.path)
            let error = readError(run)
            #expect(error?.code == .corrupt, "byte \(position)")
            #expect(error?.path == run.path)
        }
    }

    @Test func everyTruncationIsReportedAsCorrupt() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let (run, original) = try smallRun(in: directory, manager: manager)
        for length in 0..<original.count {
            try overwrite(Array(original[..<length]), to: run.path)
            #expect(readError(run)?.code == .corrupt, "length \(length)")
            // A run that believes the truncated size is what was written must fail inside the frames instead.
            let believing = SpillRun(manager: manager, path: run.path, label: run.label, schema: run.schema,
                                     batchCount: run.batchCount, rowCount: run.rowCount, bytes: Int64(length),
                                     uncompressedBytes: run.uncompressedBytes)
            #expect(readError(believing)?.code == .corrupt, "length \(length)")
        }
    }

    @Test func impossibleFrameSizesAreRejectedBeforeAllocating() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let (run, original) = try smallRun(in: directory, manager: manager)
        let frameStart = SpillFormat.fileHeader(for: run.schema).count
        for (field, value) in [(4, UInt32.max), (4, 0x7E00_0001), (8, UInt32.max), (8, 0), (4, 0x7000_0000)] {
            var bytes = original
            let range = frameStart + field ..< frameStart + field + 4
            withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(range, with: $0) }
            try overwrite(bytes, to: run.path)
            let error = readError(run)
            #expect(error?.code == .corrupt)
            #expect(error?.offset == Int64(frameStart))
        }
    }

    @Test func aMissingFileIsNotFound() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let (run, _) = try smallRun(in: directory, manager: manager)
        try FileSystem.remove(run.path)
        let error = #expect(throws: StrataError.self) { try run.open() }
        #expect(error?.code == .notFound)
        #expect(error?.path == run.path)
    }
}
