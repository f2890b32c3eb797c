import StrataCore

// RLE / bit-packing hybrid encoder (the run-selection policy of parquet-cpp's RleEncoder).
//
// Algorithm:
// 1. Values are buffered in groups of 8 while counting how many times the current value has repeated.
// 2. When a group of 8 fills: if the current value has repeated at least 8 times, the group is dropped (it is part
//    of a repeated run still being counted) and any pending literal run is closed; otherwise the group is appended
//    bit-packed to the open literal run and the repeat count restarts.
// 3. A value that differs from a run of >= 8 repeats ends that run: it is written as header `count << 1` followed by
//    the value in ceil(width / 8) little-endian bytes.
// 4. A literal run is written as header `(groups << 1) | 1` followed by the groups; the header byte is reserved
//    when the run opens and patched when it closes. Runs close at 63 groups so the header stays one byte.
// 5. `finish` flushes: a pure trailing repeat becomes an RLE run, anything else is zero-padded to a full group and
//    closes the literal run.

/// Encodes unsigned values of a fixed bit width as an RLE/bit-packing hybrid stream (no length prefix).
package struct RLEHybridEncoder: Sendable {
    /// The bit width of every value (0...32).
    package let bitWidth: Int
    private var output: [UInt8] = []
    /// The group of 8 being filled: a tuple, not an array (no uniqueness checks on the per-value path) nor a SIMD
    /// vector (a one-lane store followed by a whole-vector reload stalls store forwarding).
    private var buffered: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var bufferedCount = 0
    private var currentValue: UInt32 = 0
    private var repeatCount = 0
    private var literalCount = 0
    private var literalHeaderIndex: Int? = nil

    /// Creates an encoder for values of `bitWidth` bits (clamped to 0...32).
    package init(bitWidth: Int) {
        self.bitWidth = Swift.min(Swift.max(bitWidth, 0), 32)
    }

    /// Number of bytes written so far (excluding values still buffered).
    package var byteCount: Int { output.count }

    /// Appends one value; bits above `bitWidth` are dropped.
    @inline(__always)
    package mutating func append(_ value: UInt32) {
        let v = bitWidth == 32 ? value : value & ((1 << UInt32(bitWidth)) &- 1)
        if v == currentValue {
            repeatCount += 1
            if repeatCount > 8 { return }  // inside a repeated run: only count
        } else {
            if repeatCount >= 8 { flushRepeatedRun() }
            repeatCount = 1
            currentValue = v
        }
        setBuffered(bufferedCount, v)
        bufferedCount += 1
        if bufferedCount == 8 { flushBufferedValues() }
    }

    /// Appends `count` copies of `value`, in O(1) once a repeated run is established.
    package mutating func append(repeating value: UInt32, count: Int) {
        var left = count
        while left > 0, !(repeatCount > 8 && currentValue == (bitWidth == 32 ? value
                                                               : value & ((1 << UInt32(bitWidth)) &- 1))) {
            append(value)
            left -= 1
        }
        repeatCount += left
    }

    /// Appends the definition levels (1 = valid, 0 = null) of rows `range` of `validity`; `nil` means all valid.
    package mutating func appendLevels(validity: ValidityMask?, range: Range<Int>) {
        guard let validity else {
            append(repeating: 1, count: range.count)
            return
        }
        var i = range.lowerBound
        let end = Swift.min(range.upperBound, validity.count)
        validity.words.withUnsafeBufferPointer { words in
            while i < end {
                if i & 63 == 0, i + 64 <= end {
                    let word = words[i >> 6]
                    if word == ~0 || word == 0 {
                        append(repeating: word == 0 ? 0 : 1, count: 64)
                        i += 64
                        continue
                    }
                }
                append(UInt32(truncatingIfNeeded: (words[i >> 6] >> UInt64(i & 63)) & 1))
                i += 1
            }
        }
    }

    /// Flushes pending values and returns the encoded bytes (no length prefix); the encoder is reset.
    package mutating func finish() -> [UInt8] {
        if literalCount > 0 || repeatCount > 0 || bufferedCount > 0 {
            let allRepeat = literalCount == 0 && (repeatCount == bufferedCount || bufferedCount == 0)
            if repeatCount > 0 && allRepeat {
                flushRepeatedRun()
            } else {
                while bufferedCount != 0 && bufferedCount < 8 {
                    setBuffered(bufferedCount, 0)
                    bufferedCount += 1
                }
                literalCount += bufferedCount
                flushLiteralRun(closing: true)
                repeatCount = 0
            }
        }
        let result = output
        output = []
        bufferedCount = 0
        currentValue = 0
        repeatCount = 0
        literalCount = 0
        literalHeaderIndex = nil
        return result
    }

    /// Encodes `values` in one call.
    package static func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        var encoder = RLEHybridEncoder(bitWidth: bitWidth)
        for v in values { encoder.append(v) }
        return encoder.finish()
    }

    @inline(__always)
    private mutating func setBuffered(_ index: Int, _ value: UInt32) {
        withUnsafeMutableBytes(of: &buffered) {
            $0.storeBytes(of: value, toByteOffset: (index & 7) << 2, as: UInt32.self)
        }
    }

    private mutating func flushBufferedValues() {
        if repeatCount >= 8 {
            bufferedCount = 0
            if literalCount != 0 { flushLiteralRun(closing: true) }
            return
        }
        literalCount += bufferedCount
        let groups = literalCount / 8
        flushLiteralRun(closing: groups + 1 >= 1 << 6)
        repeatCount = 0
    }

    private mutating func flushLiteralRun(closing: Bool) {
        if literalHeaderIndex == nil {
            literalHeaderIndex = output.count
            output.append(0)
        }
        let count = bufferedCount
        withUnsafeBytes(of: buffered) { raw in
            let values = raw.bindMemory(to: UInt32.self)
            BitPacking.pack(UnsafeBufferPointer(rebasing: values[0 ..< count]), bitWidth: bitWidth, into: &output)
        }
        bufferedCount = 0
        if closing, let index = literalHeaderIndex {
            let groups = (literalCount + 7) / 8
            output[index] = UInt8(truncatingIfNeeded: groups << 1 | 1)
            literalHeaderIndex = nil
            literalCount = 0
        }
    }

    private mutating func flushRepeatedRun() {
        var left = repeatCount
        while left > 0 {
            let run = Swift.min(left, Int(Int32.max))  // run lengths must fit an i32
            output.appendULEB128(UInt64(run) << 1)
            var v = currentValue
            for _ in 0 ..< (bitWidth + 7) / 8 {
                output.append(UInt8(truncatingIfNeeded: v))
                v >>= 8
            }
            left -= run
        }
        bufferedCount = 0
        repeatCount = 0
    }
}
