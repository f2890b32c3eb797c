import StrataCore

/// What parsing one chunk produced.
package struct ParsedChunk: Sendable {
    /// The chunk's position in the input.
    package var index: Int
    /// The rows as a batch; nil when a sniffed column had to widen (the batch would have the wrong type) or when
    /// only inferring types.
    package var batch: Batch?
    /// Rows that parsed (the batch's row count when there is a batch).
    package var rows: Int
    /// Rejected rows in file order, one per row.
    package var errors: [CSVRowError]
    /// Type facts about sniffed columns: the state holding every value of the chunk, for columns whose values did
    /// not all fit the planned type (or, in an int64 column, included integers beyond ±2^53).
    package var states: [Int: ColumnTypeState]
    /// Whether some column's values did not fit its planned type (the batch is nil then).
    package var needsWidening: Bool
    /// Offset just past the chunk in the (decompressed) input.
    package var endOffset: Int64
}

/// Turns one chunk into a typed batch following a ``CSVParsePlan``.
///
/// Algorithm:
/// 1. Tokenize the chunk (``CSVTokenizer``): byte ranges of fields and records.
/// 2. Check each record: the field count must match the plan, the last record must not be an unterminated quoted
///    field. Bad records become row errors and are left out of the conversion.
/// 3. Convert column by column (one type per loop, no per-value objects): null detection (unquoted empty field or
///    null token; a quoted empty field is "" in a string column), unescaping when the field holds quotes, then the
///    type's parser — strict for sniffed columns, lenient for fixed ones. String values are checked to be UTF-8.
/// 4. A value that does not parse: in a fixed column it is a row error; in a sniffed column the column *widens*:
///    its type state absorbs the value's kind and the rest of the column is only classified (the batch is dropped,
///    the importer restarts with wider types). Invalid UTF-8 is always a row error.
/// 5. Row errors are resolved to line numbers and row bytes; rows with errors are removed from the batch.
package struct ChunkParser {
    private let plan: CSVParsePlan
    private let inferOnly: Bool

    /// A parser for `plan`; with `inferOnly`, chunks are only classified (no batch), to find the final types.
    package init(plan: CSVParsePlan, inferOnly: Bool) {
        self.plan = plan
        self.inferOnly = inferOnly
    }

    /// Parses `chunk`.
    package func parse(_ chunk: CSVChunk) throws -> ParsedChunk {
        try chunk.bytes.withUnsafeBufferPointer { bytes in
            try parse(chunk, bytes)
        }
    }

    private func parse(_ chunk: CSVChunk, _ bytes: UnsafeBufferPointer<UInt8>) throws -> ParsedChunk {
        let columnCount = plan.columns.count
        let tokens = CSVTokenizer(bytes: bytes, delimiter: plan.dialect.delimiter, quote: plan.dialect.quote,
                                  expectedFields: columnCount)
        // Step 2: structural checks.
        var failures: [(record: Int, column: Int?, reason: String)] = []
        var good: [Int32] = []
        good.reserveCapacity(tokens.recordCount)
        for r in 0..<tokens.recordCount {
            let count = tokens.fieldCount(r)
            if r == tokens.recordCount - 1 && tokens.lastRecordUnterminated {
                failures.append((r, min(count - 1, columnCount - 1), "unterminated quoted field"))
            } else if count != columnCount {
                failures.append((r, count < columnCount ? count : nil,
                                 "expected \(columnCount) fields, found \(count)"))
            } else {
                good.append(Int32(r))
            }
        }

        // Step 3-4: conversion.
        var columns: [Column] = []
        columns.reserveCapacity(columnCount)
        var states: [Int: ColumnTypeState] = [:]
        var needsWidening = false
        var converter = ColumnConverter(bytes: bytes, tokens: tokens, good: good, dialect: plan.dialect)
        for (c, column) in plan.columns.enumerated() {
            let result = converter.convert(column: c, plan: column, inferOnly: inferOnly)
            for (row, reason) in result.errors {
                failures.append((Int(good[row]), c, reason))
            }
            if let state = result.state {
                states[c] = state
                if state.type != column.type { needsWidening = true }
            }
            if let built = result.column { columns.append(built) }
        }

        // Step 5: errors to lines and bytes, bad rows out of the batch.
        let errors = resolve(failures, chunk: chunk, bytes: bytes, tokens: tokens)
        var batch: Batch?
        var rows = good.count
        if !inferOnly && !needsWidening && columns.count == columnCount {
            var built = try Batch(schema: plan.schema, columns: columns)
            if !errors.isEmpty {
                let badRecords = Set(failures.map(\.record))
                var keep: [Int] = []
                keep.reserveCapacity(good.count)
                for (i, r) in good.enumerated() where !badRecords.contains(Int(r)) { keep.append(i) }
                built = try built.gather(keep)
                rows = keep.count
            }
            batch = built
        } else {
            rows = good.count - Set(failures.map(\.record)).intersection(good.map { Int($0) }).count
        }
        return ParsedChunk(index: chunk.index, batch: batch, rows: rows, errors: errors, states: states,
                           needsWidening: needsWidening, endOffset: chunk.offset + Int64(bytes.count))
    }

    /// Orders failures by record then column, keeps the first per record, and finds each one's line and bytes.
    private func resolve(_ failures: [(record: Int, column: Int?, reason: String)], chunk: CSVChunk,
                         bytes: UnsafeBufferPointer<UInt8>, tokens: CSVTokenizer) -> [CSVRowError]
    {
        guard !failures.isEmpty else { return [] }
        let sorted = failures.sorted { a, b in
            a.record != b.record ? a.record < b.record : (a.column ?? Int.max) < (b.column ?? Int.max)
        }
        var errors: [CSVRowError] = []
        var line = chunk.firstLine
        var position = 0
        var lastRecord = -1
        for failure in sorted where failure.record != lastRecord {
            lastRecord = failure.record
            let start = Int(tokens.recordStart[failure.record])
            while position < start {
                if bytes[position] == 10 { line += 1 }
                position += 1
            }
            var end = failure.record + 1 < tokens.recordCount ? Int(tokens.recordStart[failure.record + 1])
                : bytes.count
            // The next record may start after skipped empty lines: cut at this record's own line end.
            if failure.record + 1 < tokens.recordCount || !tokens.lastRecordUnterminated {
                let lastField = Int(tokens.recordFields[failure.record + 1]) - 1
                end = min(end, Int(tokens.fieldEnd[lastField]))
            }
            let name = failure.column.map { plan.columns[$0].name }
            errors.append(CSVRowError(line: line, offset: chunk.offset + Int64(start), column: name,
                                      reason: failure.reason, row: Array(bytes[start..<max(start, end)])))
        }
        return errors
    }
}
