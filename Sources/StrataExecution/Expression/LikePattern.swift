#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

// LIKE / ILIKE matching on UTF-8 bytes.
//
// 1. Compile: a pattern without `_` is classified by where its `%` signs are: none (exact), only at the end
//    (prefix), only at the start (suffix), at both ends with none inside (infix; `%` alone matches everything);
//    anything else is general. ILIKE folds the pattern to lower case (Unicode lower case for non-ASCII text);
//    a text value with non-ASCII bytes is folded the same way before matching (ASCII-only text is folded byte by
//    byte while matching, without a copy).
// 2. The fast paths compare bytes with memcmp (or a folding byte loop for ILIKE); infix scans for the first byte
//    and compares from there.
// 3. The general matcher is the classic two-pointer wildcard walk: literal bytes advance both sides, `_` consumes
//    one whole character (a UTF-8 lead byte and its continuation bytes), `%` records a backtrack point; on a
//    mismatch the text resumes one character after the last `%`'s start. It needs no recursion and is
//    O(text × pattern) in the worst case.

/// A compiled LIKE pattern.
struct LikePattern: Sendable {
    enum Kind: Sendable { case exact, prefix, suffix, infix, general }

    let kind: Kind
    /// The literal bytes of a fast path, or the whole (folded) pattern for the general matcher.
    let bytes: [UInt8]
    /// ASCII case folding (ILIKE).
    let folding: Bool

    /// Compiles `pattern`.
    init(_ pattern: UnsafeRawBufferPointer, caseInsensitive: Bool) {
        var folded = caseInsensitive ? pattern.map(LikePattern.fold) : Array(pattern)
        if caseInsensitive, folded.contains(where: { $0 >= 0x80 }) {
            folded = Array(String(decoding: folded, as: UTF8.self).lowercased().utf8)
        }
        folding = caseInsensitive
        let percent = UInt8(ascii: "%")
        let underscore = UInt8(ascii: "_")
        if folded.contains(underscore) {
            (kind, bytes) = (.general, folded)
            return
        }
        let leading = folded.first == percent, trailing = folded.count > 1 && folded.last == percent
        let inner = Array(folded.dropFirst(leading ? 1 : 0).dropLast(trailing ? 1 : 0))
        if inner.contains(percent) {
            (kind, bytes) = folded.allSatisfy({ $0 == percent }) ? (.infix, []) : (.general, folded)
        } else if leading && trailing || folded == [percent] {
            (kind, bytes) = (.infix, inner)
        } else if leading {
            (kind, bytes) = (.suffix, inner)
        } else if trailing {
            (kind, bytes) = (.prefix, inner)
        } else {
            (kind, bytes) = (.exact, inner)
        }
    }

    /// ASCII lower case.
    @inline(__always) static func fold(_ b: UInt8) -> UInt8 {
        b &- 65 < 26 ? b | 0x20 : b
    }

    /// Whether `text` matches.
    func matches(_ text: UnsafeRawBufferPointer) -> Bool {
        if folding, text.contains(where: { $0 >= 0x80 }) {
            let lowered = Array(String(decoding: text, as: UTF8.self).lowercased().utf8)
            return lowered.withUnsafeBytes { matchesFolded($0) }
        }
        return matchesFolded(text)
    }

    /// Whether `text` (ASCII-folded while comparing when ILIKE) matches.
    private func matchesFolded(_ text: UnsafeRawBufferPointer) -> Bool {
        bytes.withUnsafeBytes { p in
            switch kind {
            case .exact: return text.count == p.count && equal(text, 0, p)
            case .prefix: return text.count >= p.count && equal(text, 0, p)
            case .suffix: return text.count >= p.count && equal(text, text.count - p.count, p)
            case .infix: return find(p, in: text)
            case .general: return general(p, text)
            }
        }
    }

    /// Whether `text[at ..< at + p.count]` equals `p` (folded when ILIKE).
    @inline(__always) private func equal(_ text: UnsafeRawBufferPointer, _ at: Int, _ p: UnsafeRawBufferPointer) -> Bool {
        if p.isEmpty { return true }
        if !folding, let tb = text.baseAddress, let pb = p.baseAddress { return memcmp(tb + at, pb, p.count) == 0 }
        for j in 0..<p.count where LikePattern.fold(text[at + j]) != p[j] { return false }
        return true
    }

    private func find(_ p: UnsafeRawBufferPointer, in text: UnsafeRawBufferPointer) -> Bool {
        if p.isEmpty { return true }
        guard text.count >= p.count else { return false }
        let first = p[0]
        for start in 0...(text.count - p.count) {
            let b = folding ? LikePattern.fold(text[start]) : text[start]
            if b == first && equal(text, start, p) { return true }
        }
        return false
    }

    /// The length of the UTF-8 character starting with `lead`.
    @inline(__always) static func characterLength(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : (lead < 0xE0 ? 2 : (lead < 0xF0 ? 3 : 4))
    }

    private func general(_ p: UnsafeRawBufferPointer, _ text: UnsafeRawBufferPointer) -> Bool {
        let percent = UInt8(ascii: "%"), underscore = UInt8(ascii: "_")
        var pi = 0, ti = 0
        var starPattern = -1, starText = 0
        while ti < text.count {
            if pi < p.count && p[pi] == underscore {
                ti += LikePattern.characterLength(text[ti])
                pi += 1
            } else if pi < p.count && p[pi] == percent {
                starPattern = pi
                starText = ti
                pi += 1
            } else if pi < p.count && (folding ? LikePattern.fold(text[ti]) : text[ti]) == p[pi] {
                ti += 1
                pi += 1
            } else if starPattern >= 0 {
                starText += LikePattern.characterLength(text[starText])
                ti = starText
                pi = starPattern + 1
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == percent { pi += 1 }
        return pi == p.count && ti == text.count
    }
}

/// `text LIKE pattern` for a compiled pattern.
struct LikeMatch: UnaryOperation {
    let pattern: LikePattern
    let negated: Bool
    @inline(__always) func apply(_ text: UnsafeRawBufferPointer) -> (Bool, RowStatus) {
        (pattern.matches(text) != negated, .ok)
    }
}

/// `text LIKE pattern` with a pattern that varies per row (compiled for each row).
struct DynamicLikeMatch: PairOperation {
    let negated: Bool
    let caseInsensitive: Bool
    func apply(_ text: UnsafeRawBufferPointer, _ pattern: UnsafeRawBufferPointer) -> (Bool, RowStatus) {
        (LikePattern(pattern, caseInsensitive: caseInsensitive).matches(text) != negated, .ok)
    }
}
