import StrataCore
import Testing
@testable import StrataStorage

@Suite struct DictionaryBuilderTests {
    @Test func stringsWithDuplicates() throws {
        let words = ["b", "a", "", "b", "héllo", "a", "", "b", "a longer value past eight bytes", "héllo"]
        let strings = try StringBuffer(words)
        let mask = ValidityMask((0 ..< words.count).map { $0 != 3 })
        var builder = try DictionaryBuilder(type: .string)
        #expect(try builder.append(.string(strings), validity: mask, range: 0 ..< words.count))
        #expect(builder.count == 5)
        guard case let .string(dict) = builder.dictionary() else { Issue.record("not strings"); return }
        let indices = builder.takeIndices()
        #expect(indices.count == 9)
        let rebuilt = indices.map { dict[Int($0)] }
        #expect(rebuilt == words.enumerated().filter { $0.offset != 3 }.map(\.element))
        #expect(builder.byteSize == dict.bytes.count + 4 * 5)
        #expect(builder.indexBitWidth == 3)
        #expect(builder.indices.isEmpty)
    }

    @Test func manyDistinctValuesGrowAndFallBack() throws {
        var values = StringBuffer()
        for i in 0 ..< 20_000 { try values.append("value-\(i % 5000)") }
        var builder = try DictionaryBuilder(type: .string)
        #expect(try builder.append(.string(values), validity: nil, range: 0 ..< 20_000))
        #expect(builder.count == 5000)
        #expect(builder.indices.prefix(3) == [0, 1, 2] && builder.indices[5000] == 0)
        var small = try DictionaryBuilder(type: .string, maxByteSize: 1000)
        #expect(try small.append(.string(values), validity: nil, range: 0 ..< 20_000) == false)
        #expect(small.isOverLimit)
    }

    @Test func fixedWidthByBitPattern() throws {
        var builder = try DictionaryBuilder(type: .double)
        let values: [Double] = [0.0, -0.0, .nan, 1, 0.0, .nan, 1]
        #expect(try builder.append(.double(values), validity: nil, range: 0 ..< values.count))
        #expect(builder.count == 4)
        #expect(builder.indices == [0, 1, 2, 3, 0, 2, 3])
        var ints = try DictionaryBuilder(type: .int64)
        let many = (0 ..< 10_000).map { Int64($0 % 3000) * 1_000_003 }
        #expect(try ints.append(.int64(many), validity: nil, range: 0 ..< many.count))
        guard case let .int64(dict) = ints.dictionary() else { Issue.record("not int64"); return }
        #expect(ints.indices.map { dict[Int($0)] } == many)
        #expect(throws: StrataError.self) { try DictionaryBuilder(type: .bool) }
        #expect(throws: StrataError.self) { try ints.append(.int32([1]), validity: nil, range: 0 ..< 1) }
    }
}

@Suite struct StatisticsTests {
    private func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    @Test func integersAndBooleans() throws {
        let mask = ValidityMask([true, false, true, true])
        let s = try StatisticsAccumulator.compute(type: .int32, data: .int32([5, -100, -3, 9]), validity: mask,
                                                  range: 0 ..< 4)
        #expect(s.min == le(Int32(-3)) && s.max == le(Int32(9)) && s.nullCount == 1 && s.nanCount == nil)
        let b = try StatisticsAccumulator.compute(type: .bool, data: .bool([true, true]), validity: nil, range: 0 ..< 2)
        #expect(b.min == [1] && b.max == [1])
        let t = try StatisticsAccumulator.compute(type: .timestamp, data: .int64([.min, .max]), validity: nil,
                                                  range: 0 ..< 2)
        #expect(t.min == le(Int64.min) && t.max == le(Int64.max))
    }

    @Test func floatsIgnoreNaNAndNormaliseZero() throws {
        let s = try StatisticsAccumulator.compute(type: .double, data: .double([.nan, 0.0, -0.0, .nan]),
                                                  validity: nil, range: 0 ..< 4)
        #expect(s.min == le((-0.0 as Double).bitPattern) && s.max == le((0.0 as Double).bitPattern))
        #expect(s.nanCount == 2)
        let f = try StatisticsAccumulator.compute(type: .float, data: .float([.nan, 2, -1.5]), validity: nil,
                                                  range: 0 ..< 3)
        #expect(f.min == le((-1.5 as Float).bitPattern) && f.max == le((2 as Float).bitPattern) && f.nanCount == 1)
        let allNaN = try StatisticsAccumulator.compute(type: .float, data: .float([.nan]), validity: nil,
                                                       range: 0 ..< 1)
        #expect(allNaN.min == nil && allNaN.max == nil && allNaN.nanCount == 1)
    }

    @Test func stringsAndAllNullAndMerge() throws {
        let strings = try StringBuffer(["b", "Z", "a", "", "é", "zz"])
        let mask = ValidityMask([true, true, true, false, true, false])
        var page1 = StatisticsAccumulator(type: .string)
        try page1.update(.string(strings), validity: mask, range: 0 ..< 3)
        #expect(page1.statistics.min == Array("Z".utf8) && page1.statistics.max == Array("b".utf8))
        var page2 = StatisticsAccumulator(type: .string)
        try page2.update(.string(strings), validity: mask, range: 3 ..< 6)
        #expect(page2.statistics.min == Array("é".utf8) && page2.statistics.nullCount == 2)
        page1.merge(page2)
        #expect(page1.statistics == ColumnStatistics(min: Array("Z".utf8), max: Array("é".utf8), nullCount: 2,
                                                     nanCount: nil))
        let none = try StatisticsAccumulator.compute(type: .int64, data: .int64([0, 0]),
                                                     validity: ValidityMask(count: 2, allValid: false), range: 0 ..< 2)
        #expect(none == ColumnStatistics(min: nil, max: nil, nullCount: 2, nanCount: nil))
    }
}

@Suite struct DecoderFuzzTests {
    @Test func randomBytesNeverCrash() {
        var rng = SeededRandom(seed: 2024)
        var scratch = [UInt32](repeating: 0, count: 4096)
        for round in 0 ..< 2000 {
            let length = Int.random(in: 0 ... 64, using: &rng)
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            if round % 4 == 0, !bytes.isEmpty { bytes[0] &= 0x7F }  // favour plausible small headers
            let count = Int.random(in: 0 ... 4096, using: &rng)
            bytes.withUnsafeBytes { raw in
                scratch.withUnsafeMutableBufferPointer { p in
                    guard let base = p.baseAddress else { return }
                    if var d = try? RLEHybridDecoder(raw, bitWidth: round % 33) { _ = try? d.decode(count: count, into: base) }
                    if var d = try? RLEHybridDecoder(dictionaryIndices: raw) {
                        _ = try? d.decodeIndices(count: count, dictionarySize: 5, into: base)
                    }
                    if var d = try? RLEHybridDecoder(raw, bitWidth: 1) { _ = try? d.decodeValidity(count: count) }
                }
                var plain = PlainDecoder(raw)
                var s = StringBuffer(), i64: [Int64] = [], i32: [Int32] = [], b: [Bool] = []
                _ = try? plain.decodeByteArrays(count: count % 20, into: &s)
                _ = try? plain.decodeInt96(count: count % 5, into: &i64)
                _ = try? plain.decodeBools(count: count % 100, into: &b)
                _ = try? plain.decodeFixedLenByteArrays(count: count % 9, typeLength: count % 4, into: &s)
                _ = try? DeltaBinaryPackedDecoder.decodeInt64(raw, maxCount: count, into: &i64)
                _ = try? DeltaBinaryPackedDecoder.decodeInt32(raw, maxCount: count, into: &i32)
                _ = try? DeltaLengthByteArrayDecoder.decode(raw, count: count % 50, into: &s)
                _ = try? DeltaByteArrayDecoder.decode(raw, count: count % 50, maxTotalBytes: 1 << 20, into: &s)
                var d: [Double] = []
                _ = try? ByteStreamSplitDecoder.decodeDouble(raw, count: count % 10, into: &d)
            }
        }
    }

    @Test func mutatedValidStreamsNeverCrash() throws {
        var rng = SeededRandom(seed: 99)
        let delta = DeltaBinaryPackedTestEncoder.encode((0 ..< 300).map { Int64($0 * 7 % 41) }, bits: 32)
        let rle = RLEHybridEncoder.encode((0 ..< 300).map { UInt32($0 % 5 == 0 ? 3 : $0 % 8) }, bitWidth: 3)
        for _ in 0 ..< 2000 {
            for base in [delta, rle] {
                var bytes = base
                for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                    bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
                }
                bytes.withUnsafeBytes { raw in
                    var out: [Int32] = [], s = StringBuffer()
                    _ = try? DeltaBinaryPackedDecoder.decodeInt32(raw, maxCount: 300, into: &out)
                    _ = try? DeltaLengthByteArrayDecoder.decode(raw, count: 300, into: &s)
                    var values = [UInt32](repeating: 0, count: 300)
                    values.withUnsafeMutableBufferPointer { p in
                        if var d = try? RLEHybridDecoder(raw, bitWidth: 3), let b = p.baseAddress {
                            _ = try? d.decodeIndices(count: 300, dictionarySize: 8, into: b)
                        }
                    }
                }
            }
        }
    }
}
