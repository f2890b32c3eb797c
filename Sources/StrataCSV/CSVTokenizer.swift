/// The fields of the records of one chunk, as byte ranges into the chunk (no copies).
///
/// Algorithm (one pass over the chunk):
/// 1. Outside quotes, the delimiter ends a field and LF ends a field and the record (a CR right before the LF is
///    dropped). Eight bytes at a time are skipped while none of them is a delimiter, quote or LF.
/// 2. A quote byte toggles "inside quotes" wherever it appears (so `""` inside quotes toggles twice); inside quotes
///    only quotes matter. A field that starts with a quote is *quoted*; a field containing a quote needs unescaping
///    (`unescape`), anything else is used as is.
/// 3. A record holding a single empty unquoted field is an empty line and is skipped.
/// 4. At the end of the chunk, a pending record without LF is the last one; if the scan is still inside quotes the
///    record is an unterminated quoted field.
package struct CSVTokenizer {
    /// Flag bit: the field starts with a quote.
    package static let quoted: UInt8 = 1
    /// Flag bit: the field contains a quote and must be unescaped.
    package static let hasQuotes: UInt8 = 2

    /// Start offset of each field.
    package var fieldStart: [Int32] = []
    /// End offset (exclusive) of each field.
    package var fieldEnd: [Int32] = []
    /// `quoted` / `hasQuotes` bits of each field.
    package var fieldFlags: [UInt8] = []
    /// Index of the first field of each record, plus one final entry (the total field count).
    package var recordFields: [Int32] = [0]
    /// Byte offset where each record starts.
    package var recordStart: [Int32] = []
    /// Whether the last record ended inside a quoted field.
    package var lastRecordUnterminated = false

    /// The number of records.
    package var recordCount: Int { recordStart.count }

    /// Number of fields of record `r`.
    package func fieldCount(_ r: Int) -> Int { Int(recordFields[r + 1] - recordFields[r]) }

    /// Splits `bytes` (whole records) into fields.
    package init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quote: UInt8, expectedFields: Int = 8) {
        let n = bytes.count
        guard let base = bytes.baseAddress, n > 0 else { return }
        let estimate = n / 8 + 16
        fieldStart.reserveCapacity(estimate)
        fieldEnd.reserveCapacity(estimate)
        fieldFlags.reserveCapacity(estimate)
        recordFields.reserveCapacity(estimate / max(expectedFields, 1) + 2)
        recordStart.reserveCapacity(estimate / max(expectedFields, 1) + 2)

        let ones: UInt64 = 0x0101_0101_0101_0101
        let delimiterWord = UInt64(delimiter) &* ones
        let quoteWord = UInt64(quote) &* ones
        let newlineWord = UInt64(10) &* ones
        var i = 0
        var start = 0
        var recordBegin = 0
        var flags: UInt8 = 0
        var inQuotes = false

        while i < n {
            if i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let special = inQuotes
                    ? CSVTokenizer.hasZeroByte(word ^ quoteWord)
                    : CSVTokenizer.hasZeroByte(word ^ quoteWord) || CSVTokenizer.hasZeroByte(word ^ delimiterWord)
                        || CSVTokenizer.hasZeroByte(word ^ newlineWord)
                if !special {
                    i += 8
                    continue
                }
            }
            let c = base[i]
            if c == quote {
                inQuotes.toggle()
                flags |= i == start ? (CSVTokenizer.quoted | CSVTokenizer.hasQuotes) : CSVTokenizer.hasQuotes
            } else if !inQuotes {
                if c == delimiter {
                    appendField(start, i, flags)
                    start = i + 1
                    flags = 0
                } else if c == 10 {
                    var stop = i
                    if stop > start && base[stop - 1] == 13 { stop -= 1 }
                    appendField(start, stop, flags)
                    endRecord(begin: recordBegin)
                    start = i + 1
                    recordBegin = i + 1
                    flags = 0
                }
            }
            i += 1
        }
        if start < n || Int(recordFields[recordFields.count - 1]) < fieldStart.count {
            var stop = n
            if !inQuotes && stop > start && base[stop - 1] == 13 { stop -= 1 }
            appendField(start, stop, flags)
            endRecord(begin: recordBegin)
            lastRecordUnterminated = inQuotes && recordCount > 0
        }
    }

    @inline(__always)
    private mutating func appendField(_ start: Int, _ end: Int, _ flags: UInt8) {
        fieldStart.append(Int32(truncatingIfNeeded: start))
        fieldEnd.append(Int32(truncatingIfNeeded: end))
        fieldFlags.append(flags)
    }

    @inline(__always)
    private mutating func endRecord(begin: Int) {
        let first = Int(recordFields[recordFields.count - 1])
        if fieldStart.count - first == 1 && fieldStart[first] == fieldEnd[first] && fieldFlags[first] == 0 {
            // An empty line: drop it.
            fieldStart.removeLast()
            fieldEnd.removeLast()
            fieldFlags.removeLast()
            return
        }
        recordFields.append(Int32(truncatingIfNeeded: fieldStart.count))
        recordStart.append(Int32(truncatingIfNeeded: begin))
    }

    /// Whether some byte of `word` is zero.
    @inline(__always)
    package static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// Appends the value of a field containing quotes to `output`: quotes removed, `""` inside quotes kept as one.
    package static func unescape(_ field: UnsafeBufferPointer<UInt8>, quote: UInt8, into output: inout [UInt8]) {
        var inQuotes = false
        var i = 0
        let n = field.count
        while i < n {
            let c = field[i]
            if c == quote {
                if inQuotes && i + 1 < n && field[i + 1] == quote {
                    output.append(quote)
                    i += 2
                    continue
                }
                inQuotes.toggle()
            } else {
                output.append(c)
            }
            i += 1
        }
    }
}
