import StrataCore

/// Sniffs the dialect, the header and the column types of a CSV file from its first records.
///
/// Algorithm (see `docs/csv-import.md` for the user-facing rules):
/// 1. Delimiter (unless given): tokenize the first records with each candidate (`,` `\t` `;` `|`); keep the one
///    whose most common field count is above 1 and shared by the most records, then the most fields, then the
///    earlier candidate. `,` when none splits anything.
/// 2. Tokenize up to `sampleRows + 1` records with that delimiter; the first record's field count is the column
///    count.
/// 3. Classify every field of records 2… (``ValueParser/classify``) into per-column ``ColumnTypeState``s.
/// 4. Header (unless given): yes when some column has a non-string sniffed type that the first record's value would
///    turn into a string, or when every column is a string and the first record's values are all non-empty, distinct and not
///    numbers. Without a header the first record's values join the type states.
/// 5. Names: header values (empty → `columnN`, duplicates get `_1`, `_2`, …), or `column0`, `column1`, ….
package struct CSVSniffer {
    /// What the sniffer decided.
    package struct Result: Sendable {
        /// Delimiter, quote and null tokens.
        package var dialect: CSVDialect
        /// Whether the first record is a header.
        package var header: Bool
        /// Bytes taken by the header record (and any empty lines after it); 0 without a header.
        package var headerBytes: Int
        /// Line feeds within `headerBytes`.
        package var headerNewlines: Int
        /// Column names.
        package var names: [String]
        /// Sniffed type state per column.
        package var states: [ColumnTypeState]
        /// Data records in the sample (excluding the header).
        package var sampleDataRows: Int
    }

    /// Sniffs `sample` (whole records from the start of the input, BOM removed).
    package static func sniff(_ sample: [UInt8], delimiter: UInt8?, quote: UInt8, nullTokens: [[UInt8]],
                              header: Bool?, sampleRows: Int) -> Result
    {
        sample.withUnsafeBufferPointer { bytes in
            let chosen = delimiter ?? chooseDelimiter(bytes, quote: quote)
            let dialect = CSVDialect(delimiter: chosen, quote: quote, nullTokens: nullTokens)
            let tokens = CSVTokenizer(bytes: limitRecords(bytes, quote: quote, count: sampleRows + 1),
                                      delimiter: chosen, quote: quote)
            return decide(bytes, tokens: tokens, dialect: dialect, header: header, sampleRows: sampleRows)
        }
    }

    /// The prefix of `bytes` holding at most `count` records (cut at a line end outside quotes).
    private static func limitRecords(_ bytes: UnsafeBufferPointer<UInt8>, quote: UInt8, count: Int)
        -> UnsafeBufferPointer<UInt8>
    {
        var records = 0
        var inQuotes = false
        var lineStart = 0
        for i in 0..<bytes.count {
            let c = bytes[i]
            if c == quote {
                inQuotes.toggle()
            } else if c == 10 && !inQuotes {
                // Empty lines are not records.
                let length = i - lineStart - (i > lineStart && bytes[i - 1] == 13 ? 1 : 0)
                if length > 0 { records += 1 }
                lineStart = i + 1
                if records == count { return UnsafeBufferPointer(rebasing: bytes[0...i]) }
            }
        }
        return bytes
    }

    private static func chooseDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, quote: UInt8) -> UInt8 {
        let prefix = limitRecords(bytes, quote: quote, count: 200)
        var best: (delimiter: UInt8, share: Int, fields: Int)?
        for candidate in CSVDialect.candidateDelimiters {
            let tokens = CSVTokenizer(bytes: prefix, delimiter: candidate, quote: quote)
            guard tokens.recordCount > 0 else { continue }
            var histogram: [Int: Int] = [:]
            for r in 0..<tokens.recordCount { histogram[tokens.fieldCount(r), default: 0] += 1 }
            guard let (fields, share) = histogram.max(by: { a, b in
                a.value != b.value ? a.value < b.value : a.key < b.key
            }), fields > 1 else { continue }
            if let current = best, (current.share, current.fields) >= (share, fields) { continue }
            best = (candidate, share, fields)
        }
        return best?.delimiter ?? UInt8(ascii: ",")
    }

    private static func decide(_ bytes: UnsafeBufferPointer<UInt8>, tokens: CSVTokenizer, dialect: CSVDialect,
                               header: Bool?, sampleRows: Int) -> Result
    {
        guard tokens.recordCount > 0, let base = bytes.baseAddress else {
            return Result(dialect: dialect, header: false, headerBytes: 0, headerNewlines: 0, names: [], states: [],
                          sampleDataRows: 0)
        }
        let columns = tokens.fieldCount(0)
        // Field text of record r, column c (unescaped).
        func text(_ r: Int, _ c: Int) -> (bytes: [UInt8], quoted: Bool) {
            let f = Int(tokens.recordFields[r]) + c
            let start = Int(tokens.fieldStart[f]), end = Int(tokens.fieldEnd[f])
            let field = UnsafeBufferPointer(start: base + start, count: end - start)
            let flags = tokens.fieldFlags[f]
            if flags & CSVTokenizer.hasQuotes == 0 { return (Array(field), false) }
            var out: [UInt8] = []
            CSVTokenizer.unescape(field, quote: dialect.quote, into: &out)
            return (out, flags & CSVTokenizer.quoted != 0)
        }
        func kind(_ r: Int, _ c: Int) -> ValueKind {
            let (value, quoted) = text(r, c)
            if value.isEmpty || (!quoted && dialect.nullTokens.contains(value)) { return .null }
            return value.withUnsafeBufferPointer { v in
                guard let p = v.baseAddress else { return ValueKind.null }
                return ValueParser.classify(p, v.count)
            }
        }

        // Step 3: type states of records 2…
        var states = [ColumnTypeState](repeating: ColumnTypeState(), count: columns)
        var dataRecords = 0
        for r in 1..<tokens.recordCount where tokens.fieldCount(r) == columns {
            for c in 0..<columns { states[c].absorb(kind(r, c)) }
            dataRecords += 1
        }
        let firstKinds = (0..<columns).map { kind(0, $0) }

        // Step 4: header.
        let isHeader: Bool
        if let header {
            isHeader = header
        } else {
            var misfit = false
            for c in 0..<columns {
                guard let type = states[c].type, type != .string else { continue }
                var widened = states[c]
                widened.absorb(firstKinds[c])
                // An empty first value says nothing, nor does a widening along the ladder (1.5 above integers);
                // a value that would turn the column into a string says header.
                if firstKinds[c] != .null && widened.type == .string { misfit = true }
            }
            if misfit {
                isHeader = true
            } else if states.allSatisfy({ $0.type == nil || $0.type == .string }) {
                let values = (0..<columns).map { text(0, $0).bytes }
                let numeric: Set<ValueKind> = [.integer, .largeInteger, .double]
                isHeader = values.allSatisfy { !$0.isEmpty } && Set(values).count == values.count
                    && !firstKinds.contains(where: numeric.contains)
            } else {
                isHeader = false
            }
        }

        // Step 5: names.
        var names: [String] = []
        var headerBytes = 0
        var headerNewlines = 0
        if isHeader {
            var used = Set<String>()
            for c in 0..<columns {
                var name = String(decoding: text(0, c).bytes, as: UTF8.self)
                if name.isEmpty { name = "column\(c)" }
                if used.contains(name) {
                    var k = 1
                    while used.contains("\(name)_\(k)") { k += 1 }
                    name = "\(name)_\(k)"
                }
                used.insert(name)
                names.append(name)
            }
            headerBytes = tokens.recordCount > 1 ? Int(tokens.recordStart[1]) : bytes.count
            for i in 0..<headerBytes where bytes[i] == 10 { headerNewlines += 1 }
        } else {
            names = (0..<columns).map { "column\($0)" }
            for c in 0..<columns { states[c].absorb(firstKinds[c]) }
            dataRecords += 1
        }
        return Result(dialect: dialect, header: isHeader, headerBytes: headerBytes, headerNewlines: headerNewlines,
                      names: names, states: states, sampleDataRows: dataRecords)
    }
}
