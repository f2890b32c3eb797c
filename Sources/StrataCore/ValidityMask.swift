/// A bitmap marking which rows of a column hold a value: bit `i` set means row `i` is valid (not null).
///
/// Bits are packed LSB-first into 64-bit words, as in Arrow. A column with no nulls carries no mask at all.
public struct ValidityMask: Sendable, Hashable {
    /// The packed bits; `(words[i >> 6] >> (i & 63)) & 1` is row `i`'s validity.
    public private(set) var words: [UInt64]
    /// Number of rows covered.
    public private(set) var count: Int

    /// Creates a mask of `count` rows, all valid or all null.
    public init(count: Int, allValid: Bool) {
        self.count = count
        let wordCount = (count + 63) >> 6
        words = Array(repeating: allValid ? ~0 : 0, count: wordCount)
        if allValid, count & 63 != 0 { words[wordCount - 1] = (1 << UInt64(count & 63)) - 1 }
    }

    /// Creates a mask from one flag per row.
    public init(_ valid: [Bool]) {
        self.init(count: valid.count, allValid: false)
        for (i, v) in valid.enumerated() where v { words[i >> 6] |= 1 << UInt64(i & 63) }
    }

    /// Creates a mask over packed words (bits past `count` must be zero).
    package init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) >> 6, "validity word count does not match row count")
        self.words = words
        self.count = count
    }

    /// Whether row `i` holds a value.
    @inlinable
    public func isValid(_ i: Int) -> Bool {
        (words[i &>> 6] &>> UInt64(i & 63)) & 1 == 1
    }

    /// Sets row `i`'s validity.
    public mutating func set(_ i: Int, valid: Bool) {
        if valid { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
    }

    /// Reserves room for `rows` rows in total.
    public mutating func reserveCapacity(_ rows: Int) {
        words.reserveCapacity((rows + 63) >> 6)
    }

    /// Appends one row.
    public mutating func append(_ valid: Bool) {
        if count & 63 == 0 { words.append(0) }
        if valid { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    /// Appends `count` rows that are all valid or all null.
    public mutating func append(repeating valid: Bool, count: Int) {
        var remaining = count
        // Fill the partial last word bit by bit, then whole words at once.
        while remaining > 0 && self.count & 63 != 0 {
            append(valid)
            remaining -= 1
        }
        let whole = remaining >> 6
        if whole > 0 {
            words.append(contentsOf: repeatElement(valid ? ~0 : 0, count: whole))
            self.count += whole << 6
            remaining -= whole << 6
        }
        while remaining > 0 {
            append(valid)
            remaining -= 1
        }
    }

    /// Appends every row of `other`.
    public mutating func append(contentsOf other: ValidityMask) {
        if count & 63 == 0 {
            words.append(contentsOf: other.words)
            count += other.count
            return
        }
        for i in 0..<other.count { append(other.isValid(i)) }
    }

    /// Number of valid rows in `range` (whole words by population count).
    public func validCount(in range: Range<Int>) -> Int {
        var i = range.lowerBound
        var count = 0
        while i < range.upperBound && i & 63 != 0 {
            if isValid(i) { count += 1 }
            i += 1
        }
        words.withUnsafeBufferPointer { words in
            while i + 64 <= range.upperBound {
                count += words[i >> 6].nonzeroBitCount
                i += 64
            }
        }
        while i < range.upperBound {
            if isValid(i) { count += 1 }
            i += 1
        }
        return count
    }

    /// Number of null rows.
    public var nullCount: Int {
        count - words.reduce(0) { $0 + $1.nonzeroBitCount }
    }
}
