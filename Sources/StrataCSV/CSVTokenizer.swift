/// The fields of the records of one chunk, as byte ranges into the chunk (no copies).
///
/// Algorithm (one pass over the chunk):
/// 1. Outside quotes, the delimiter ends a field and LF ends a field and the record (a CR right before the LF is
///    dropped). The scan jumps from one special byte to the next eight bytes at a time: a SWAR zero-byte test on the
///    word XOR each special byte gives a mask whose lowest set bit is exactly the first special byte.
/// 2. A quote byte toggles "inside quotes" wherever it appears (so `""` inside quotes toggles twice); inside quotes
///    only quotes matter. A field that starts with a quote is *quoted*; a field containing a quote needs unescaping
///    (`unescape`), anything else is used as is.
/// 3. A record holding a single empty unquoted field is an empty line and is skipped.
/// 4. At the end of the chunk, a pending record without LF is the last one; if the scan is still inside quotes the
///    record is an unterminated quoted field.
///
/// The ranges live in manually allocated buffers (grown by doubling) so the hot loop has no array bookkeeping.
package final class CSVTokenizer {
    /// Flag bit: the field starts with a quote.
    package static let quoted: UInt8 = 1
    /// Flag bit: the field contains a quote and must be unescaped.
    package static let hasQuotes: UInt8 = 2

    private var starts: UnsafeMutablePointer<Int32>
    private var ends: UnsafeMutablePointer<Int32>
    private var flags: UnsafeMutablePointer<UInt8>
    private var fieldCapacity: Int
    private var fields = 0
    private var recordFirst: UnsafeMutablePointer<Int32>
    private var recordBegin: UnsafeMutablePointer<Int32>
    private var recordCapacity: Int
    private var records = 0

    /// Whether the last record ended inside a quoted field.
    package private(set) var lastRecordUnterminated = false

    /// Start offset of each field.
    package var fieldStart: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: starts, count: fields) }
    /// End offset (exclusive) of each field.
    package var fieldEnd: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: ends, count: fields) }
    /// `quoted` / `hasQuotes` bits of each field.
    package var fieldFlags: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: flags, count: fields) }
    /// Index of the first field of each record, plus one final entry (the total field count).
    package var recordFields: UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: recordFirst, count: records + 1)
    }
    /// Byte offset where each record starts.
    package var recordStart: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: recordBegin, count: records) }
    /// The number of records.
    package var recordCount: Int { records }

    /// Number of fields of record `r`.
    @inline(__always)
    package func fieldCount(_ r: Int) -> Int { Int(recordFirst[r + 1] - recordFirst[r]) }

    /// Splits `bytes` (whole records) into fields.
    package init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quote: UInt8, expectedFields: Int = 8) {
        let n = bytes.count
        fieldCapacity = n / 4 + 64
        recordCapacity = n / (4 * max(expectedFields, 1)) + 64
        starts = .allocate(capacity: fieldCapacity)
        ends = .allocate(capacity: fieldCapacity)
        flags = .allocate(capacity: fieldCapacity)
        recordFirst = .allocate(capacity: recordCapacity + 1)
        recordBegin = .allocate(capacity: recordCapacity)
        recordFirst[0] = 0
        guard let base = bytes.baseAddress, n > 0 else { return }
        tokenize(base, n, delimiter, quote)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        flags.deallocate()
        recordFirst.deallocate()
        recordBegin.deallocate()
    }

    private func tokenize(_ base: UnsafePointer<UInt8>, _ n: Int, _ delimiter: UInt8, _ quote: UInt8) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let delimiterWord = UInt64(delimiter) &* ones
        let quoteWord = UInt64(quote) &* ones
        let newlineWord = UInt64(10) &* ones
        var i = 0
        var start = 0
        var recordStartOffset = 0
        var fieldFlags: UInt8 = 0
        var inQuotes = false

        while i < n {
            if i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                var mask = CSVTokenizer.zeroBytes(word ^ quoteWord)
                if !inQuotes {
                    mask |= CSVTokenizer.zeroBytes(word ^ delimiterWord) | CSVTokenizer.zeroBytes(word ^ newlineWord)
                }
                if mask == 0 {
                    i += 8
                    continue
                }
                i += mask.trailingZeroBitCount &>> 3
            }
            let c = base[i]
            if c == quote {
                inQuotes.toggle()
                fieldFlags |= i == start ? (CSVTokenizer.quoted | CSVTokenizer.hasQuotes) : CSVTokenizer.hasQuotes
            } else if !inQuotes {
                if c == delimiter {
                    appendField(start, i, fieldFlags)
                    start = i + 1
                    fieldFlags = 0
                } else if c == 10 {
                    var stop = i
                    if stop > start && base[stop - 1] == 13 { stop -= 1 }
                    appendField(start, stop, fieldFlags)
                    endRecord(begin: recordStartOffset)
                    start = i + 1
                    recordStartOffset = i + 1
                    fieldFlags = 0
                }
            }
            i += 1
        }
        if start < n || Int(recordFirst[records]) < fields {
            var stop = n
            if !inQuotes && stop > start && base[stop - 1] == 13 { stop -= 1 }
            appendField(start, stop, fieldFlags)
            endRecord(begin: recordStartOffset)
            lastRecordUnterminated = inQuotes && records > 0
        }
    }

    /// Bit 7 of each byte of the result is set for the first zero byte of `word` (and possibly later ones): the
    /// lowest set bit is exact, so `trailingZeroBitCount / 8` is the position of the first zero byte.
    @inline(__always)
    package static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    @inline(__always)
    private func appendField(_ start: Int, _ end: Int, _ fieldFlags: UInt8) {
        if fields == fieldCapacity { growFields() }
        starts[fields] = Int32(truncatingIfNeeded: start)
        ends[fields] = Int32(truncatingIfNeeded: end)
        flags[fields] = fieldFlags
        fields += 1
    }

    @inline(__always)
    private func endRecord(begin: Int) {
        let first = Int(recordFirst[records])
        if fields - first == 1 && starts[first] == ends[first] && flags[first] == 0 {
            // An empty line: drop it.
            fields -= 1
            return
        }
        if records == recordCapacity { growRecords() }
        recordBegin[records] = Int32(truncatingIfNeeded: begin)
        records += 1
        recordFirst[records] = Int32(truncatingIfNeeded: fields)
    }

    private func growFields() {
        let capacity = fieldCapacity * 2
        starts = CSVTokenizer.reallocate(starts, count: fields, capacity: capacity)
        ends = CSVTokenizer.reallocate(ends, count: fields, capacity: capacity)
        flags = CSVTokenizer.reallocate(flags, count: fields, capacity: capacity)
        fieldCapacity = capacity
    }

    private func growRecords() {
        let capacity = recordCapacity * 2
        recordFirst = CSVTokenizer.reallocate(recordFirst, count: records + 1, capacity: capacity + 1)
        recordBegin = CSVTokenizer.reallocate(recordBegin, count: records, capacity: capacity)
        recordCapacity = capacity
    }

    private static func reallocate<T>(_ old: UnsafeMutablePointer<T>, count: Int, capacity: Int)
        -> UnsafeMutablePointer<T>
    {
        let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        new.moveInitialize(from: old, count: count)
        old.deallocate()
        return new
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
