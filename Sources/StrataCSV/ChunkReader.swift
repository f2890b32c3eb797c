import StrataCore

/// Cuts a CSV input into chunks of whole records, so that chunks can be parsed independently and in parallel.
///
/// Algorithm:
/// 1. Bytes are read into one buffer; `start` is the first byte not yet handed out.
/// 2. The scan walks forward from where it stopped, tracking quote parity: every quote byte toggles "inside quotes"
///    (a doubled quote toggles twice, so RFC 4180 escaping needs no special case). A LF outside quotes ends a record.
///    The scan also counts every LF, so each chunk knows its first line number.
/// 3. `next()` scans at least `blockBytes` past `start` (reading more when needed) and cuts the chunk at the last
///    record end it saw. A quoted field holding newlines that straddles the block end is therefore never split: the
///    partial record stays in the buffer and begins the next chunk. A record longer than a block grows the chunk, up
///    to `maxRecordBytes`.
/// 4. At the end of the input, whatever remains is the last chunk (its last record may lack a newline, or be an
///    unterminated quoted field, which the parser reports).
/// 5. A UTF-8 byte order mark at the very start is skipped.
package final class ChunkReader {
    private let input: CSVInput
    private let quote: UInt8
    /// Target chunk size.
    package let blockBytes: Int
    /// Largest record accepted; beyond it the input is rejected (most likely an unterminated quote).
    package let maxRecordBytes: Int

    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0
    private var eof = false
    // Scan state for bytes in [start, scanned).
    private var scanned = 0
    private var inQuotes = false
    private var newlinesSinceStart = 0
    private var lastRecordEnd = -1
    private var newlinesAtRecordEnd = 0
    // Position of `start` in the input.
    private var line = 1
    private var offset: Int64 = 0
    private var chunkIndex = 0
    private var atBeginning = true

    /// Reads `input`, cutting chunks of about `blockBytes`.
    package init(input: CSVInput, quote: UInt8, blockBytes: Int, maxRecordBytes: Int) {
        self.input = input
        self.quote = quote
        self.blockBytes = max(1, blockBytes)
        self.maxRecordBytes = max(maxRecordBytes, self.blockBytes)
    }

    /// The 1-based line number of the next record.
    package var currentLine: Int { line }

    /// The complete records within the first `maxBytes` not yet handed out (all of it at the end of the input), for
    /// sniffing; nothing is consumed.
    package func peekRecords(maxBytes: Int) throws -> [UInt8] {
        var want = max(1, maxBytes)
        while true {
            try fill(count: want)
            scan(upTo: min(end, start + want))
            if eof && end - start <= want { return Array(buffer[start..<end]) }
            if let stop = lastRecordEnd(within: min(end, start + want)) { return Array(buffer[start..<stop]) }
            if eof && scanned == end { return Array(buffer[start..<end]) }
            // Not even one whole record yet: look further.
            guard want < maxRecordBytes else {
                throw StrataError(.invalidData, "a record longer than \(maxRecordBytes) bytes starts here: most "
                    + "likely an unterminated quoted field", path: input.name, offset: offset, line: line)
            }
            want += max(blockBytes, 1 << 20)
        }
    }

    /// The end of the last record that ends at or before `limit` (scanning from `start`), if any.
    private func lastRecordEnd(within limit: Int) -> Int? {
        var inQuotes = false
        var found: Int?
        var i = start
        while i < limit {
            let c = buffer[i]
            if c == quote {
                inQuotes.toggle()
            } else if c == 10 && !inQuotes {
                found = i + 1
            }
            i += 1
        }
        return found
    }

    /// Hands out the first `count` bytes (the header record), which hold `newlines` line feeds.
    package func skip(count: Int, newlines: Int) throws {
        try fill(count: count)
        let take = min(count, end - start)
        // Re-scan from the new start so the record-end bookkeeping stays exact.
        start += take
        offset += Int64(take)
        line += newlines
        resetScan()
    }

    /// The next chunk, or nil at the end of the input.
    package func next() throws -> CSVChunk? {
        var want = blockBytes
        while true {
            try fill(count: want)
            scan(upTo: min(end, start + want))
            if scanned < start + want && !eof { continue }
            if lastRecordEnd > start && scanned >= start + want {
                return cut(at: lastRecordEnd, newlines: newlinesAtRecordEnd)
            }
            if eof && scanned == end {
                if end == start { return nil }
                return cut(at: end, newlines: newlinesSinceStart)
            }
            // No record ends within the block: the record is longer than a block.
            guard want < maxRecordBytes else {
                throw StrataError(.invalidData, "a record longer than \(maxRecordBytes) bytes starts here: most "
                    + "likely an unterminated quoted field", path: input.name, offset: offset, line: line)
            }
            want += blockBytes
        }
    }

    private func cut(at stop: Int, newlines: Int) -> CSVChunk {
        let chunk = CSVChunk(index: chunkIndex, bytes: Array(buffer[start..<stop]), firstLine: line, offset: offset)
        chunkIndex += 1
        offset += Int64(stop - start)
        line += newlines
        let remainingNewlines = newlinesSinceStart - newlines
        start = stop
        newlinesSinceStart = remainingNewlines
        lastRecordEnd = -1
        newlinesAtRecordEnd = 0
        return chunk
    }

    private func resetScan() {
        scanned = start
        inQuotes = false
        newlinesSinceStart = 0
        lastRecordEnd = -1
        newlinesAtRecordEnd = 0
    }

    /// Scans [scanned, limit): quote parity, record ends, line feeds.
    private func scan(upTo limit: Int) {
        guard scanned < limit else { return }
        let quote = self.quote
        var inQuotes = self.inQuotes
        var newlines = newlinesSinceStart
        var recordEnd = lastRecordEnd
        var newlinesAtEnd = newlinesAtRecordEnd
        var i = scanned
        buffer.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            let quoteWord = UInt64(quote) &* 0x0101_0101_0101_0101
            let newlineWord = UInt64(10) &* 0x0101_0101_0101_0101
            while i < limit {
                // Skip 8 bytes at a time while none is a quote or a line feed.
                if i + 8 <= limit {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if CSVTokenizer.zeroBytes(word ^ quoteWord) | CSVTokenizer.zeroBytes(word ^ newlineWord) == 0 {
                        i += 8
                        continue
                    }
                }
                let c = base[i]
                if c == quote {
                    inQuotes.toggle()
                } else if c == 10 {
                    newlines += 1
                    if !inQuotes {
                        recordEnd = i + 1
                        newlinesAtEnd = newlines
                    }
                }
                i += 1
            }
        }
        scanned = limit
        self.inQuotes = inQuotes
        newlinesSinceStart = newlines
        lastRecordEnd = recordEnd
        newlinesAtRecordEnd = newlinesAtEnd
    }

    /// Makes the buffer hold `count` bytes from `start`, or everything up to the end of the input.
    private func fill(count: Int) throws {
        while end - start < count && !eof {
            if start > 0 && buffer.count - end < max(start + count - end, 1 << 16) {
                // Move the unconsumed bytes to the front.
                let shift = start
                buffer.withUnsafeMutableBytes { bytes in
                    guard let base = bytes.baseAddress else { return }
                    base.copyMemory(from: base + shift, byteCount: end - shift)
                }
                start = 0
                end -= shift
                scanned -= shift
                if lastRecordEnd >= 0 { lastRecordEnd -= shift }
            }
            // Read in steps of at most 4 MiB, so a small input never allocates a whole block.
            let wanted = min(max(start + count - end, 1 << 16), 4 << 20)
            if buffer.count - end < wanted {
                let grown = max(end + wanted, min(2 * buffer.count, start + count + (1 << 16)))
                buffer += [UInt8](repeating: 0, count: grown - buffer.count)
            }
            let count = try buffer.withUnsafeMutableBytes { bytes in
                try input.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[end...]))
            }
            if count == 0 {
                eof = true
            } else {
                if atBeginning { try skipByteOrderMark(count) }
                end += count
            }
        }
    }

    private func skipByteOrderMark(_ count: Int) throws {
        // Need the first three bytes together to decide.
        if end + count < 3 && count > 0 {
            return
        }
        atBeginning = false
        if buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            start = 3
            scanned = 3
            offset = 3
        }
    }
}
