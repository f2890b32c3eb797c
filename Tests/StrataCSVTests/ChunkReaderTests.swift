import Foundation
import StrataCompression
import StrataCore
import Testing
@testable import StrataCSV
import StrataTestSupport

private let dq = UInt8(ascii: "\"")
private let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

/// A random CSV text: plain, empty and quoted fields (with delimiters, doubled quotes, LF and CRLF inside), LF or
/// CRLF line ends, empty lines, sometimes no final newline, sometimes an unterminated quote at the end.
private func randomCSV(_ g: inout SplitMix64, records: ClosedRange<Int> = 0...30) -> [UInt8] {
    var text = ""
    let count = g.int(records)
    for r in 0..<count {
        var fields: [String] = []
        for _ in 0..<g.int(1...5) {
            switch g.next() % 8 {
            case 0: fields.append("")
            case 1, 2: fields.append(String((0..<g.int(1...8)).map { _ in g.pick(Array("abcxyz0189é-. ")) }))
            case 3: fields.append("\"" + String((0..<g.int(40...90)).map { _ in g.pick(Array("ab ,\n")) }) + "\"")
            default:
                let inner = (0..<g.int(0...6)).map { _ in g.pick(["x", ",", "\n", "\r\n", "\"\"", "é", ";", " "]) }
                fields.append("\"" + inner.joined() + "\"")
            }
        }
        text += fields.joined(separator: ",")
        if r < count - 1 || g.chance(0.6) { text += g.chance(0.3) ? "\r\n" : "\n" }
        if g.chance(0.1) { text += g.chance(0.5) ? "\n" : "\r\n" }
    }
    if g.chance(0.1) { text += "\"never closed,\nstill open\n" }
    return Array(text.utf8)
}

/// Every chunk of `path`.
private func readChunks(_ path: String, blockBytes: Int, maxRecordBytes: Int = 1 << 20) throws -> [CSVChunk] {
    let input = try CSVInput(path: path, spoolPath: nil)
    let reader = ChunkReader(input: input, quote: dq, blockBytes: blockBytes, maxRecordBytes: maxRecordBytes)
    var chunks: [CSVChunk] = []
    while let chunk = try reader.next() { chunks.append(chunk) }
    return chunks
}

/// Positions just past each LF outside quotes (quote parity), i.e. where records may be cut.
private func recordEnds(_ body: [UInt8]) -> Set<Int> {
    var ends = Set<Int>()
    var inQuotes = false
    for (i, c) in body.enumerated() {
        if c == dq { inQuotes.toggle() } else if c == 10 && !inQuotes { ends.insert(i + 1) }
    }
    return ends
}

/// The unescaped fields of every record.
private func fields(_ bytes: [UInt8]) -> [[[UInt8]]] {
    bytes.withUnsafeBufferPointer { buffer in
        let t = CSVTokenizer(bytes: buffer, delimiter: UInt8(ascii: ","), quote: dq)
        return (0..<t.recordCount).map { r in
            (Int(t.recordFields[r])..<Int(t.recordFields[r + 1])).map { f in
                let field = UnsafeBufferPointer(rebasing: buffer[Int(t.fieldStart[f])..<Int(t.fieldEnd[f])])
                guard t.fieldFlags[f] & CSVTokenizer.hasQuotes != 0 else { return Array(field) }
                var out: [UInt8] = []
                CSVTokenizer.unescape(field, quote: dq, into: &out)
                return out
            }
        }
    }
}

/// Checks every property of a chunking of `input` (the file's decompressed bytes, BOM included).
private func checkChunks(_ chunks: [CSVChunk], of input: [UInt8], label: String) {
    let skip = input.starts(with: bom) ? 3 : 0
    let body = Array(input[skip...])
    #expect(chunks.map(\.index) == Array(chunks.indices), "\(label): indices")
    #expect(chunks.allSatisfy { !$0.bytes.isEmpty }, "\(label): empty chunk")
    #expect(Array(chunks.map(\.bytes).joined()) == body, "\(label): concatenation differs from the input")
    let ends = recordEnds(body)
    var position = 0
    var lines = 1
    for (k, chunk) in chunks.enumerated() {
        #expect(chunk.offset == Int64(skip + position), "\(label): chunk \(k) offset")
        #expect(chunk.firstLine == lines, "\(label): chunk \(k) firstLine \(chunk.firstLine), expected \(lines)")
        position += chunk.bytes.count
        lines += chunk.bytes.count { $0 == 10 }
        if k < chunks.count - 1 {
            #expect(chunk.bytes.last == 10, "\(label): chunk \(k) does not end with LF")
            #expect(chunk.bytes.count { $0 == dq } % 2 == 0, "\(label): chunk \(k) ends inside quotes")
            #expect(ends.contains(position), "\(label): chunk \(k) cuts a record at \(position)")
        }
    }
    // Parsing chunk by chunk gives the records of the whole input.
    let whole = fields(body)
    let pieces = Array(chunks.map { fields($0.bytes) }.joined())
    #expect(pieces == whole, "\(label): records differ when tokenized chunk by chunk")
}

private func compress(_ bytes: [UInt8], _ codec: CompressionCodec) throws -> [UInt8] {
    var out: [UInt8] = []
    try bytes.withUnsafeBytes { try Compression.compress($0, codec: codec, into: &out) }
    return out
}

@Suite struct ChunkReaderTests {
    static let blockSizes = Array(1...40) + [63, 64, 100, 257, 1000, 4096, 1 << 16]

    @Test func randomTextsAtEveryBlockSize() throws {
        let dir = try TempDirectory()
        var g = SplitMix64(seed: 0xC4_0E)
        for t in 0..<12 {
            var input = randomCSV(&g)
            if t % 3 == 1 { input = bom + input }
            if t == 0 { input = bom + Array("a,b\n\"x\ny\",z\r\n\n".utf8) }
            let path = try dir.write("t\(t).csv", input)
            for block in Self.blockSizes {
                let chunks = try readChunks(path, blockBytes: block)
                checkChunks(chunks, of: input, label: "text \(t), block \(block)")
                if block >= input.count && !input.isEmpty {
                    #expect(chunks.count == 1, "a block larger than the input gives one chunk")
                }
            }
        }
    }

    @Test func chunksAreAboutBlockBytes() throws {
        // Records of 10 bytes, block 25: every chunk holds the records that end within 25 bytes of its start.
        let dir = try TempDirectory()
        let input = Array(String(repeating: "123456789\n", count: 10).utf8)
        let chunks = try readChunks(try dir.write("r.csv", input), blockBytes: 25)
        #expect(chunks.map(\.bytes.count) == [20, 20, 20, 20, 20])
        #expect(chunks.map(\.firstLine) == [1, 3, 5, 7, 9])
        #expect(chunks.map(\.offset) == [0, 20, 40, 60, 80])
    }

    @Test func emptyAndTinyInputs() throws {
        let dir = try TempDirectory()
        #expect(try readChunks(try dir.write("empty.csv", []), blockBytes: 8).isEmpty)
        #expect(try readChunks(try dir.write("bom.csv", bom), blockBytes: 1).isEmpty, "only a BOM: nothing")
        let two = try readChunks(try dir.write("two.csv", bom.prefix(2) + [0x0A]), blockBytes: 1)
        #expect(two.map(\.bytes) == [[0xEF, 0xBB, 0x0A]], "a partial BOM is data")
        let one = try readChunks(try dir.write("one.csv", Array("x".utf8)), blockBytes: 1)
        #expect(one.map(\.bytes) == [[0x78]])
        #expect(one.first?.firstLine == 1)
        let bomLine = try readChunks(try dir.write("bomline.csv", bom + [0x0A, 0x61]), blockBytes: 1)
        #expect(bomLine.map(\.bytes) == [[0x0A], [0x61]])
        #expect(bomLine.map(\.firstLine) == [1, 2])
        #expect(bomLine.map(\.offset) == [3, 4])
    }

    @Test func longRecordsUpToMaxRecordBytes() throws {
        let dir = try TempDirectory()
        let maxRecord = 64
        for block in 1...40 {
            let effectiveMax = max(maxRecord, block)
            // A record of exactly maxRecordBytes (its LF included, line ends inside quotes) between short ones is
            // accepted…
            let inner = String(String(repeating: "x\n", count: effectiveMax).prefix(effectiveMax - 3))
            let record = "\"" + inner + "\"\n"
            #expect(record.utf8.count == effectiveMax)
            let accepted = Array(("a\n" + record + "b\n").utf8)
            let chunks = try readChunks(try dir.write("ok\(block).csv", accepted), blockBytes: block,
                                        maxRecordBytes: maxRecord)
            checkChunks(chunks, of: accepted, label: "block \(block)")

            // …one longer than maxRecordBytes + blockBytes is rejected, with the line and offset where it starts.
            let tooLong = Array(("a\nb\n\"" + String(repeating: "w\n", count: effectiveMax / 2 + block) + "\"\nc\n").utf8)
            let path = try dir.write("long\(block).csv", tooLong)
            let input = try CSVInput(path: path, spoolPath: nil)
            let reader = ChunkReader(input: input, quote: dq, blockBytes: block, maxRecordBytes: maxRecord)
            var before: [UInt8] = []
            do {
                while let chunk = try reader.next() { before += chunk.bytes }
                Issue.record("block \(block): a record of \(tooLong.count - 6) bytes was accepted")
            } catch let error as StrataError {
                #expect(error.code == .invalidData)
                #expect(error.line == 3, "block \(block)")
                #expect(error.offset == 4, "block \(block)")
                #expect(error.path == path)
                #expect(error.message.contains("longer than \(effectiveMax) bytes"), "\(error.message)")
                #expect(error.message.contains("unterminated quoted field"), "\(error.message)")
                #expect(before == Array("a\nb\n".utf8), "block \(block): the records before it were handed out")
            }
        }
    }

    @Test func maxRecordBytesIsExactWhenBlocksDivideIt() throws {
        let dir = try TempDirectory()
        // block 16, max 64: a 64-byte record (LF included) passes, a 65-byte one does not.
        let ok = Array(("a\n" + String(repeating: "r", count: 63) + "\nb\n").utf8)
        #expect(try readChunks(try dir.write("64.csv", ok), blockBytes: 16, maxRecordBytes: 64).count == 3)
        let bad = Array(("a\n" + String(repeating: "r", count: 64) + "\nb\n").utf8)
        #expect(throws: StrataError.self) {
            try readChunks(try dir.write("65.csv", bad), blockBytes: 16, maxRecordBytes: 64)
        }
    }

    @Test func unterminatedQuoteAtTheEndIsTheLastChunk() throws {
        let dir = try TempDirectory()
        let input = Array("a,b\n1,2\n\"open,\nx\ny\n".utf8)
        for block in [1, 2, 5, 8] {
            let chunks = try readChunks(try dir.write("u.csv", input), blockBytes: block)
            #expect(chunks.last?.bytes == Array("\"open,\nx\ny\n".utf8), "block \(block)")
            #expect(chunks.last?.firstLine == 3)
            checkChunks(chunks, of: input, label: "block \(block)")
        }
    }

    @Test func peekRecordsAndSkipHeader() throws {
        let dir = try TempDirectory()
        let body = Array("h1,\"h\n2\"\n1,2\n3,4".utf8)
        for withBOM in [false, true] {
            let input = withBOM ? bom + body : body
            let path = try dir.write("p.csv", input)
            for block in [1, 4, 64] {
                // Only whole records within maxBytes (a fresh reader each time).
                func peek(_ maxBytes: Int) throws -> [UInt8] {
                    try ChunkReader(input: try CSVInput(path: path, spoolPath: nil), quote: dq, blockBytes: block,
                                    maxRecordBytes: 1 << 20).peekRecords(maxBytes: maxBytes)
                }
                #expect(try peek(9) == Array("h1,\"h\n2\"\n".utf8), "block \(block)")
                #expect(try peek(12) == Array("h1,\"h\n2\"\n".utf8), "block \(block)")
                #expect(try peek(13) == Array("h1,\"h\n2\"\n1,2\n".utf8))
                #expect(try peek(15) == Array("h1,\"h\n2\"\n1,2\n".utf8))
                // Exactly the input's size: the end is not seen yet, so the last record is not known to be whole.
                #expect(try peek(16) == Array("h1,\"h\n2\"\n1,2\n".utf8))
                // The end of the input within reach: all of it, the last record without its newline included.
                #expect(try peek(17) == body)
                #expect(try peek(1000) == body)
                // A first record longer than maxBytes: the reader looks further (here up to the end).
                #expect(try peek(3) == body)
                // Peeking consumes nothing.
                let reader = ChunkReader(input: try CSVInput(path: path, spoolPath: nil), quote: dq, blockBytes: block,
                                         maxRecordBytes: 1 << 20)
                _ = try reader.peekRecords(maxBytes: 13)
                var all: [UInt8] = []
                while let chunk = try reader.next() { all += chunk.bytes }
                #expect(all == body, "block \(block)")

                // Skipping the header: the chunks start after it, on line 3.
                let again = ChunkReader(input: try CSVInput(path: path, spoolPath: nil), quote: dq, blockBytes: block,
                                        maxRecordBytes: 1 << 20)
                let header = try again.peekRecords(maxBytes: 9)
                #expect(header == Array("h1,\"h\n2\"\n".utf8))
                try again.skip(count: header.count, newlines: 2)
                #expect(again.currentLine == 3)
                var chunks: [CSVChunk] = []
                while let chunk = try again.next() { chunks.append(chunk) }
                #expect(Array(chunks.map(\.bytes).joined()) == Array("1,2\n3,4".utf8))
                #expect(chunks.first?.firstLine == 3)
                #expect(chunks.first?.offset == Int64(header.count + (withBOM ? 3 : 0)))
                #expect(chunks.first?.index == 0)
            }
        }
    }

    @Test func aSmallerPeekAfterALargerOne() throws {
        // "The complete records within the first maxBytes": also when a larger peek came first.
        let dir = try TempDirectory()
        let path = try dir.write("p.csv", Array("a,b\n1,2\n3,4\n".utf8))
        let reader = ChunkReader(input: try CSVInput(path: path, spoolPath: nil), quote: dq, blockBytes: 4,
                                 maxRecordBytes: 1 << 20)
        #expect(try reader.peekRecords(maxBytes: 100) == Array("a,b\n1,2\n3,4\n".utf8))
        #expect(try reader.peekRecords(maxBytes: 4) == Array("a,b\n".utf8))
        #expect(try reader.peekRecords(maxBytes: 8) == Array("a,b\n1,2\n".utf8))
    }

    @Test func peekRecordsGivesUpOnAnEndlessRecord() throws {
        let dir = try TempDirectory()
        let input = Array(("\"" + String(repeating: "z", count: 3 << 20)).utf8)
        let path = try dir.write("endless.csv", input)
        let reader = ChunkReader(input: try CSVInput(path: path, spoolPath: nil), quote: dq, blockBytes: 1 << 16,
                                 maxRecordBytes: 1 << 20)
        let error = #expect(throws: StrataError.self) { try reader.peekRecords(maxBytes: 1 << 16) }
        #expect(error?.code == .invalidData)
        #expect(error?.line == 1)
        // A short file that is one unterminated record is returned whole (the parser reports it).
        let short = try dir.write("short.csv", Array("\"abc\ndef".utf8))
        let shortReader = ChunkReader(input: try CSVInput(path: short, spoolPath: nil), quote: dq, blockBytes: 4,
                                      maxRecordBytes: 64)
        #expect(try shortReader.peekRecords(maxBytes: 4) == Array("\"abc\ndef".utf8))
    }

    // MARK: - Compressed inputs

    @Test func gzipAndZstdInputsGiveTheSameChunks() throws {
        let dir = try TempDirectory()
        var g = SplitMix64(seed: 0x6217)
        for t in 0..<6 {
            var input = randomCSV(&g, records: 5...40)
            if t % 2 == 0 { input = bom + input }
            // One member / frame, and several concatenated ones split at random points (`cat a.gz b.gz`).
            let cuts = [0] + (0..<g.int(1...3)).map { _ in g.int(0...input.count) }.sorted() + [input.count]
            let parts = zip(cuts, cuts.dropFirst()).map { Array(input[$0..<$1]) }
            let files: [(String, [UInt8], StreamDecompressor.Format)] = [
                ("gz", try compress(input, .gzip), .gzip),
                ("multi.gz", try parts.flatMap { try compress($0, .gzip) }, .gzip),
                ("zst", try compress(input, .zstd(level: 3)), .zstd),
                ("multi.zst", try parts.flatMap { try compress($0, .zstd(level: 1)) }, .zstd),
            ]
            for (suffix, bytes, format) in files {
                let path = try dir.write("t\(t).csv.\(suffix)", bytes)
                #expect(try CSVInput(path: path, spoolPath: nil).compression == format)
                for block in [1, 3, 17, 40, 4096] {
                    let chunks = try readChunks(path, blockBytes: block)
                    checkChunks(chunks, of: input, label: "\(suffix) text \(t), block \(block)")
                }
            }
        }
    }

    @Test func inputReadsInTinySteps() throws {
        // CSVInput.read with output buffers of 1…7 bytes reproduces the bytes exactly, compressed or not.
        let dir = try TempDirectory()
        var g = SplitMix64(seed: 0x5EAD)
        let input = Array((0..<3_000).map { _ in UInt8(ascii: "a") + UInt8(g.next() % 26) })
        for (name, bytes) in [("plain", input), ("gz", try compress(input, .gzip)),
                              ("zst", try compress(input, .zstd(level: 3)))] {
            let csv = try CSVInput(path: try dir.write("in.\(name)", bytes), spoolPath: nil)
            #expect(csv.totalBytes == Int64(bytes.count))
            var out: [UInt8] = []
            var step = 0
            var buffer = [UInt8](repeating: 0, count: 7)
            while true {
                let want = 1 + step % 7
                step += 1
                let count = try buffer.withUnsafeMutableBytes { try csv.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }
                if count == 0 { break }
                #expect(count <= want)
                out += buffer[0..<count]
            }
            #expect(out == input, "\(name)")
            #expect(csv.bytesRead == Int64(bytes.count), "\(name): all raw bytes consumed")
        }
    }

    @Test func truncatedStreamsAreCorrupt() throws {
        let dir = try TempDirectory()
        var g = SplitMix64(seed: 0x7A7)
        let input = randomCSV(&g, records: 30...30)
        for (name, bytes) in [("gz", try compress(input, .gzip)), ("zst", try compress(input, .zstd(level: 3))),
                              ("multi.gz", try compress(input, .gzip) + compress(input, .gzip))] {
            // Cut in the middle of the data, and just before the end (the gzip trailer / last zstd block).
            for cut in [bytes.count / 2 + 5, bytes.count - 1, bytes.count - 4] {
                let path = try dir.write("cut.\(name)", Array(bytes.prefix(cut)))
                let error = #expect(throws: StrataError.self, "\(name) cut at \(cut)") {
                    try readChunks(path, blockBytes: 64)
                }
                #expect(error?.code == .corrupt, "\(name) cut at \(cut): \(String(describing: error))")
            }
            // Garbage after a complete stream is corrupt too.
            let path = try dir.write("tail.\(name)", bytes + [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07])
            let error = #expect(throws: StrataError.self, "\(name) with trailing garbage") {
                try readChunks(path, blockBytes: 64)
            }
            #expect(error?.code == .corrupt)
        }
    }

    @Test func filesWrittenByTheGzipAndZstdTools() throws {
        let dir = try TempDirectory()
        var g = SplitMix64(seed: 0x7001)
        let input = bom + randomCSV(&g, records: 40...40)
        let path = try dir.write("tool.csv", input)
        for (tool, arguments, suffix) in [("gzip", ["-k", "-9"], "gz"), ("zstd", ["-q", "-k", "--check"], "zst")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [tool] + arguments + [path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { continue }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { continue } // tool not installed
            // gzip stores the file name in its header; zstd adds a checksum.
            for block in [1, 13, 4096] {
                checkChunks(try readChunks(path + "." + suffix, blockBytes: block), of: input, label: "\(tool) \(block)")
            }
            try FileManager.default.removeItem(atPath: path + "." + suffix)
        }
    }

    @Test func missingFileAndDirectory() throws {
        let dir = try TempDirectory()
        let missing = #expect(throws: StrataError.self) { try CSVInput(path: dir.path("nope.csv"), spoolPath: nil) }
        #expect(missing?.code == .notFound)
        let directory = #expect(throws: StrataError.self) { try CSVInput(path: dir.path, spoolPath: nil) }
        #expect(directory?.code == .invalidArgument)
    }
}
