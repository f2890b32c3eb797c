#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

// String functions over UTF-8 bytes: starts_with, contains, replace, trim / ltrim / rtrim, concat_ws.
//
// 1. Every operand is read as bytes and a byte range per row (one range for a constant); no row allocates.
// 2. `starts_with` and `contains` compare bytes (`contains` with a first-byte scan, then memcmp).
// 3. `replace(s, from, to)` copies s, writing `to` at each non-overlapping occurrence of `from` left to right;
//    an empty `from` leaves s as it is (as DuckDB).
// 4. `trim(s [, characters])` drops the given characters (spaces by default) from both ends (`ltrim`: the start,
//    `rtrim`: the end); characters are whole UTF-8 sequences.
// 5. `concat_ws(separator, a, …)` joins the non-NULL arguments with the separator; NULL when the separator is.

/// A string operand as bytes and per-row byte ranges.
struct StringRows {
    let bytes: [UInt8]
    /// Row i spans offsets[i]..<offsets[i + 1]; nil for a constant (every row is all of `bytes`).
    let offsets: [Int32]?

    init(_ operand: StringOperand) {
        switch operand {
        case let .buffer(buffer): (bytes, offsets) = (buffer.bytes, buffer.offsets)
        case let .scalar(value): (bytes, offsets) = (value, nil)
        }
    }

    /// Row i's byte range.
    @inline(__always) func range(_ i: Int) -> Range<Int> {
        guard let offsets else { return 0..<bytes.count }
        return Int(offsets[i])..<Int(offsets[i + 1])
    }
}

/// Whether row i is valid under `words`.
@inline(__always) private func valid(_ words: [UInt64]?, _ i: Int) -> Bool {
    guard let words else { return true }
    return (words[i >> 6] >> UInt64(i & 63)) & 1 == 1
}

/// `starts_with(s, prefix)`.
struct StartsWith: PairOperation {
    @inline(__always) func apply(_ s: UnsafeRawBufferPointer, _ prefix: UnsafeRawBufferPointer) -> (Bool, RowStatus) {
        guard prefix.count <= s.count else { return (false, .ok) }
        return (prefix.count == 0 || memcmp(s.baseAddress!, prefix.baseAddress!, prefix.count) == 0, .ok)
    }
}

/// `contains(s, needle)`.
struct Contains: PairOperation {
    @inline(__always) func apply(_ s: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> (Bool, RowStatus) {
        (StringFunctions.find(needle, in: s, from: 0) != nil, .ok)
    }
}

enum StringFunctions {
    /// The first position of `needle` in `haystack` at or after `start`.
    @inline(__always) static func find(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer,
                                       from start: Int) -> Int? {
        let n = needle.count
        if n == 0 { return start <= haystack.count ? start : nil }
        guard n <= haystack.count - start, let first = needle.first, let hay = haystack.baseAddress,
              let pattern = needle.baseAddress else { return nil }
        var i = start
        let last = haystack.count - n
        while i <= last {
            guard let hit = memchr(hay + i, Int32(first), last - i + 1) else { return nil }
            let position = hay.distance(to: UnsafeRawPointer(hit))
            if memcmp(hay + position, pattern, n) == 0 { return position }
            i = position + 1
        }
        return nil
    }

    /// `replace(s, from, to)` over every row.
    static func replace(_ s: StringOperand, _ from: StringOperand, _ to: StringOperand, rows: Int,
                        words: [UInt64]?) throws(StrataError) -> StringBuffer {
        let (a, b, c) = (StringRows(s), StringRows(from), StringRows(to))
        var out = StringBuffer()
        var full = false
        a.bytes.withUnsafeBytes { ab in
            b.bytes.withUnsafeBytes { bb in
                c.bytes.withUnsafeBytes { cb in
                    var scratch: [UInt8] = []
                    for i in 0..<rows where !full {
                        guard valid(words, i) else { out.appendEmpty(); continue }
                        let text = UnsafeRawBufferPointer(rebasing: ab[a.range(i)])
                        let pattern = UnsafeRawBufferPointer(rebasing: bb[b.range(i)])
                        let replacement = UnsafeRawBufferPointer(rebasing: cb[c.range(i)])
                        guard !pattern.isEmpty, find(pattern, in: text, from: 0) != nil else {
                            full = (try? out.append(text)) == nil
                            continue
                        }
                        scratch.removeAll(keepingCapacity: true)
                        var position = 0
                        while let hit = find(pattern, in: text, from: position) {
                            scratch.append(contentsOf: text[position..<hit])
                            scratch.append(contentsOf: replacement)
                            position = hit + pattern.count
                        }
                        scratch.append(contentsOf: text[position...])
                        full = scratch.withUnsafeBytes { raw in (try? out.append(raw)) == nil }
                    }
                }
            }
        }
        if full { throw StringFunctions.tooLarge }
        return out
    }

    /// The error for a string column past the buffer's 2 GiB.
    static let tooLarge = StrataError(.invalidData, "a string result is larger than 2 GiB")

    /// `trim`, `ltrim` or `rtrim` of every row (`characters`: nil for a space).
    static func trim(_ s: StringOperand, characters: [UInt8]?, start: Bool, end: Bool, rows: Int,
                     words: [UInt64]?) throws(StrataError) -> StringBuffer {
        let a = StringRows(s)
        // The characters to drop, as UTF-8 sequences.
        let set: [[UInt8]] = characters.map { String(decoding: $0, as: UTF8.self).unicodeScalars.map { Array(String($0).utf8) } }
            ?? [[UInt8(ascii: " ")]]
        func match(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int? {
            for sequence in set where i + sequence.count <= bytes.count {
                if sequence.indices.allSatisfy({ bytes[i + $0] == sequence[$0] }) { return sequence.count }
            }
            return nil
        }
        func matchBefore(_ bytes: UnsafeRawBufferPointer, end j: Int, lower: Int) -> Int? {
            for sequence in set where j - sequence.count >= lower {
                if sequence.indices.allSatisfy({ bytes[j - sequence.count + $0] == sequence[$0] }) { return sequence.count }
            }
            return nil
        }
        var out = StringBuffer()
        var full = false
        a.bytes.withUnsafeBytes { ab in
            for i in 0..<rows where !full {
                guard valid(words, i) else { out.appendEmpty(); continue }
                let range = a.range(i)
                var lower = range.lowerBound, upper = range.upperBound
                if start { while lower < upper, let n = match(ab, at: lower), lower + n <= upper { lower += n } }
                if end { while upper > lower, let n = matchBefore(ab, end: upper, lower: lower) { upper -= n } }
                full = (try? out.append(UnsafeRawBufferPointer(rebasing: ab[lower..<upper]))) == nil
            }
        }
        if full { throw tooLarge }
        return out
    }

    /// `concat_ws(separator, parts…)` of every row: the parts that are not NULL, joined by the separator.
    static func concatWithSeparator(_ args: [Vector], rows: Int) throws(StrataError) -> Vector {
        let separator = try StringRows(args[0].stringOperand())
        let parts = try args.dropFirst().map { (v) throws(StrataError) in (StringRows(try v.stringOperand()), v) }
        var out = StringBuffer()
        var validity: [Bool] = []
        validity.reserveCapacity(rows)
        var row: [UInt8] = []
        for i in 0..<rows {
            guard !args[0].column.isNull(args[0].isConstant ? 0 : i) else {
                out.appendEmpty()
                validity.append(false)
                continue
            }
            row.removeAll(keepingCapacity: true)
            var first = true
            for (part, vector) in parts where !vector.column.isNull(vector.isConstant ? 0 : i) {
                if !first { row.append(contentsOf: separator.bytes[separator.range(i)]) }
                row.append(contentsOf: part.bytes[part.range(i)])
                first = false
            }
            if row.withUnsafeBytes({ raw in (try? out.append(raw)) == nil }) { throw tooLarge }
            validity.append(true)
        }
        let mask = validity.allSatisfy { $0 } ? nil : ValidityMask(validity)
        let constant = args.allSatisfy(\.isConstant)
        return Vector(column: Column(unchecked: .string, data: .string(out), validity: mask), isConstant: constant)
    }
}
