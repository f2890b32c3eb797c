import StrataCore
import Testing
@testable import StrataStorage

@Suite struct PlainTests {
    @Test func roundTripsEveryType() throws {
        let mask = ValidityMask([true, false, true, true, false, true])
        var bytes: [UInt8] = []
        let bools = [true, false, false, true, true, true]
        let ints32: [Int32] = [-1, 0, .max, .min, 0, 7]
        let ints64: [Int64] = [.min, 0, -5, .max, 0, 1]
        let floats: [Float] = [-0.0, 0, .nan, 1.5, 0, .infinity]
        let doubles: [Double] = [.pi, 0, -1e300, .leastNonzeroMagnitude, 0, -.infinity]
        let strings = try StringBuffer(["", "", "héllo ☃", "abc", "", "日本語"])
        let range = 0 ..< 6
        PlainEncoder.append(.bool(bools), validity: mask, range: range, to: &bytes)
        PlainEncoder.append(.int32(ints32), validity: mask, range: range, to: &bytes)
        PlainEncoder.append(.int64(ints64), validity: nil, range: range, to: &bytes)
        PlainEncoder.append(.float(floats), validity: mask, range: range, to: &bytes)
        PlainEncoder.append(.double(doubles), validity: mask, range: range, to: &bytes)
        PlainEncoder.append(.string(strings), validity: mask, range: range, to: &bytes)
        let dense = [0, 2, 3, 5]
        try bytes.withUnsafeBytes { raw in
            var d = PlainDecoder(raw)
            var b: [Bool] = [], i32: [Int32] = [], i64: [Int64] = [], f: [Float] = [], g: [Double] = []
            var s = StringBuffer()
            try d.decodeBools(count: 4, into: &b)
            try d.decodeInt32(count: 4, into: &i32)
            try d.decodeInt64(count: 6, into: &i64)
            try d.decodeFloat(count: 4, into: &f)
            try d.decodeDouble(count: 4, into: &g)
            try d.decodeByteArrays(count: 4, into: &s)
            #expect(d.remaining == 0)
            #expect(b == dense.map { bools[$0] })
            #expect(i32 == dense.map { ints32[$0] })
            #expect(i64 == ints64)
            #expect(f.map(\.bitPattern) == dense.map { floats[$0].bitPattern })
            #expect(g == dense.map { doubles[$0] })
            #expect((0 ..< 4).map { s[$0] } == dense.map { strings[$0] })
            // Scatter back around the nulls.
            var spread: [Int32] = []
            try NullScatter.scatter(i32, validity: mask, placeholder: 0, appendingTo: &spread)
            #expect(spread == [-1, 0, .max, .min, 0, 7])
            var spreadStrings = StringBuffer()
            try NullScatter.scatter(s, validity: mask, appendingTo: &spreadStrings)
            #expect(spreadStrings == strings)
            #expect(throws: StrataError.self) {
                try NullScatter.scatter([1, 2] as [Int32], validity: mask, placeholder: 0, appendingTo: &spread)
            }
        }
    }

    @Test func scatterLargeMasks() throws {
        let flags = (0 ..< 1000).map { $0 < 128 || ($0 >= 256 && $0 < 320) ? false : $0 % 5 != 0 || $0 > 700 }
        let mask = ValidityMask(flags)
        let dense = (0 ..< flags.filter { $0 }.count).map { Int64($0 + 1) }
        var out: [Int64] = [99]
        try NullScatter.scatter(dense, validity: mask, placeholder: 0, appendingTo: &out)
        var j = 0
        var expected: [Int64] = [99]
        for f in flags { if f { expected.append(dense[j]); j += 1 } else { expected.append(0) } }
        #expect(out == expected)
    }

    @Test func truncatedPlainThrows() throws {
        let bytes: [UInt8] = [5, 0, 0, 0, 65, 66]
        bytes.withUnsafeBytes { raw in
            var d = PlainDecoder(raw)
            var s = StringBuffer()
            #expect(throws: StrataError.self) { try d.decodeByteArrays(count: 1, into: &s) }
            var i: [Int64] = []
            #expect(throws: StrataError.self) { try d.decodeInt64(count: 1, into: &i) }
            var b: [Bool] = []
            #expect(throws: StrataError.self) { try d.decodeBools(count: 49, into: &b) }
        }
    }

    @Test func int96AndFixedLength() throws {
        // 2001-09-09T01:46:40.123456Z = 1_000_000_000_123_456 µs: Julian day 2452162, 6400.123456 s into the day.
        var bytes = withUnsafeBytes(of: Int64(6_400_123_456_789).littleEndian) { Array($0) }
        bytes += withUnsafeBytes(of: Int32(2_452_162).littleEndian) { Array($0) }
        bytes += Array("abcdef".utf8)
        try bytes.withUnsafeBytes { raw in
            var d = PlainDecoder(raw)
            var ts: [Int64] = []
            try d.decodeInt96(count: 1, into: &ts)
            #expect(ts == [1_000_000_000_123_456])
            var s = StringBuffer()
            try d.decodeFixedLenByteArrays(count: 2, typeLength: 3, into: &s)
            #expect(s == (try StringBuffer(["abc", "def"])))
        }
        #expect(PlainDecoder.int96Micros(nanosOfDay: 0, julianDay: 2_440_588) == 0)
    }
}

@Suite struct DeltaTests {
    private func decode64(_ bytes: [UInt8], maxCount: Int = 100_000) throws -> ([Int64], Int) {
        var out: [Int64] = []
        let end = try bytes.withUnsafeBytes { try DeltaBinaryPackedDecoder.decodeInt64($0, maxCount: maxCount, into: &out) }
        return (out, end)
    }

    @Test func specExamples() throws {
        let (a, endA) = try decode64([0x08, 0x01, 0x05, 0x02, 0x02, 0x00, 0xFF])
        #expect(a == [1, 2, 3, 4, 5])
        #expect(endA == 6)
        let (b, endB) = try decode64([0x08, 0x01, 0x08, 0x0E, 0x03, 0x02, 0xC0, 0x3F])
        #expect(b == [7, 5, 3, 1, 2, 3, 4, 5])
        #expect(endB == 8)
    }

    @Test func roundTrips() throws {
        var rng = SeededRandom(seed: 11)
        for n in [0, 1, 2, 31, 32, 33, 127, 128, 129, 1000] {
            let cases: [[Int64]] = [
                (0 ..< n).map { Int64($0) * 3 - 50 },
                (0 ..< n).map { _ in Int64(bitPattern: rng.next()) },
                (0 ..< n).map { $0 % 2 == 0 ? .max : .min },
                (0 ..< n).map { _ in Int64.random(in: -1000 ... 1000, using: &rng) },
            ]
            for values in cases {
                var bytes = DeltaBinaryPackedTestEncoder.encode(values, bits: 64)
                let length = bytes.count
                bytes += [1, 2, 3]
                let (decoded, end) = try decode64(bytes)
                #expect(decoded == values, "n \(n)")
                #expect(end == length)
                let values32 = values.map { Int32(truncatingIfNeeded: $0) }
                let bytes32 = DeltaBinaryPackedTestEncoder.encode(values32.map { Int64($0) }, bits: 32)
                var out32: [Int32] = []
                let end32 = try bytes32.withUnsafeBytes {
                    try DeltaBinaryPackedDecoder.decodeInt32($0, maxCount: n, into: &out32)
                }
                #expect(out32 == values32)
                #expect(end32 == bytes32.count)
            }
        }
    }

    @Test func rejectsBadStreams() throws {
        let good = DeltaBinaryPackedTestEncoder.encode((0 ..< 300).map { Int64($0 * $0) }, bits: 64)
        #expect(throws: StrataError.self) { try decode64(good, maxCount: 299) }
        for cut in 0 ..< good.count {
            #expect(throws: StrataError.self) { try decode64(Array(good[0 ..< cut])) }
        }
        #expect(throws: StrataError.self) { try decode64([0x80, 0x01, 0x03, 0x05, 0x00]) }  // 128 / 3
    }

    @Test func deltaLengthAndDeltaByteArray() throws {
        let words = ["", "apple", "applesauce", "apply", "banana", "band", "", "bandana", "日本", "日本語"]
        // DELTA_LENGTH_BYTE_ARRAY
        var dlba = DeltaBinaryPackedTestEncoder.encode(words.map { Int64($0.utf8.count) }, bits: 32)
        for w in words { dlba += Array(w.utf8) }
        var out = StringBuffer()
        let end = try dlba.withUnsafeBytes { try DeltaLengthByteArrayDecoder.decode($0, count: words.count, into: &out) }
        #expect(end == dlba.count)
        #expect(out == (try StringBuffer(words)))
        // DELTA_BYTE_ARRAY
        var prefixes: [Int64] = [], suffixes: [[UInt8]] = []
        var previous: [UInt8] = []
        for w in words {
            let bytes = Array(w.utf8)
            var p = 0
            while p < min(bytes.count, previous.count), bytes[p] == previous[p] { p += 1 }
            prefixes.append(Int64(p))
            suffixes.append(Array(bytes[p...]))
            previous = bytes
        }
        var dba = DeltaBinaryPackedTestEncoder.encode(prefixes, bits: 32)
        dba += DeltaBinaryPackedTestEncoder.encode(suffixes.map { Int64($0.count) }, bits: 32)
        for s in suffixes { dba += s }
        var out2 = StringBuffer()
        let end2 = try dba.withUnsafeBytes { try DeltaByteArrayDecoder.decode($0, count: words.count, into: &out2) }
        #expect(end2 == dba.count)
        #expect(out2 == (try StringBuffer(words)))
        #expect(prefixes.contains(5))
        // A prefix longer than the previous value is corrupt; so is an output over the cap.
        var bad = DeltaBinaryPackedTestEncoder.encode([0, 4], bits: 32)
        bad += DeltaBinaryPackedTestEncoder.encode([2, 1], bits: 32) + Array("abc".utf8)
        var sink = StringBuffer()
        #expect(throws: StrataError.self) { try bad.withUnsafeBytes { try DeltaByteArrayDecoder.decode($0, count: 2, into: &sink) } }
        #expect(throws: StrataError.self) {
            try dba.withUnsafeBytes { try DeltaByteArrayDecoder.decode($0, count: words.count, maxTotalBytes: 10, into: &sink) }
        }
    }

    @Test func byteStreamSplit() throws {
        let floats: [Float] = [1.5, -0.0, .nan, 3e38, 0]
        let doubles: [Double] = [.pi, -1, 1e-300]
        func split<T>(_ values: [T]) -> [UInt8] {
            let k = MemoryLayout<T>.size
            let raw = values.withUnsafeBytes { Array($0) }
            var out = [UInt8](repeating: 0, count: raw.count)
            for i in 0 ..< values.count { for j in 0 ..< k { out[j * values.count + i] = raw[i * k + j] } }
            return out
        }
        var f: [Float] = []
        try split(floats).withUnsafeBytes { try ByteStreamSplitDecoder.decodeFloat($0, count: 5, into: &f) }
        #expect(f.map(\.bitPattern) == floats.map(\.bitPattern))
        var d: [Double] = []
        try split(doubles).withUnsafeBytes { try ByteStreamSplitDecoder.decodeDouble($0, count: 3, into: &d) }
        #expect(d == doubles)
        var i: [Int32] = []
        try split([1, -2, .max] as [Int32]).withUnsafeBytes { try ByteStreamSplitDecoder.decodeInt32($0, count: 3, into: &i) }
        #expect(i == [1, -2, .max])
        var l: [Int64] = []
        try split([.min, 5] as [Int64]).withUnsafeBytes { try ByteStreamSplitDecoder.decodeInt64($0, count: 2, into: &l) }
        #expect(l == [.min, 5])
        #expect(throws: StrataError.self) {
            try split(doubles).withUnsafeBytes { try ByteStreamSplitDecoder.decodeDouble($0, count: 4, into: &d) }
        }
    }
}
