import StrataCore
import Testing
@testable import StrataStorage

@Suite struct RLEHybridTests {
    private func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [UInt32] {
        var out = [UInt32](repeating: 0, count: count)
        try bytes.withUnsafeBytes { raw in
            var decoder = try RLEHybridDecoder(raw, bitWidth: bitWidth)
            try out.withUnsafeMutableBufferPointer { p in
                if let base = p.baseAddress { try decoder.decode(count: count, into: base) }
            }
        }
        return out
    }

    @Test func specVector() throws {
        let encoded = RLEHybridEncoder.encode(Array(0 ..< 8), bitWidth: 3)
        #expect(encoded == [0x03, 0x88, 0xC6, 0xFA])
        #expect(try decode([0x03, 0x88, 0xC6, 0xFA], bitWidth: 3, count: 8) == Array(0 ..< 8))
    }

    @Test func longRunsBecomeRLE() {
        var encoder = RLEHybridEncoder(bitWidth: 1)
        encoder.append(repeating: 1, count: 1_000_000)
        #expect(encoder.finish() == [0x80, 0x89, 0x7A, 0x01])  // ULEB(2_000_000), value 1
    }

    @Test func roundTripsEveryWidth() throws {
        var rng = SeededRandom(seed: 42)
        for width in 0 ... 32 {
            let limit: UInt64 = width == 0 ? 0 : (UInt64(1) << UInt64(width)) - 1
            for length in [0, 1, 7, 8, 9, 63, 64, 65, 500, 1000, 5000] {
                var values: [UInt32] = []
                while values.count < length {
                    let v = UInt32(truncatingIfNeeded: UInt64.random(in: 0 ... limit, using: &rng))
                    let run = Int.random(in: 0 ..< 10, using: &rng) == 0 ? Int.random(in: 1 ... 300, using: &rng) : 1
                    values.append(contentsOf: repeatElement(v, count: min(run, length - values.count)))
                }
                var encoder = RLEHybridEncoder(bitWidth: width)
                var i = 0
                while i < values.count {  // mix both append paths
                    var j = i
                    while j < values.count, values[j] == values[i] { j += 1 }
                    if j - i > 20 { encoder.append(repeating: values[i], count: j - i) } else {
                        for k in i ..< j { encoder.append(values[k]) }
                    }
                    i = j
                }
                let bytes = encoder.finish()
                #expect(try decode(bytes, bitWidth: width, count: length) == values, "width \(width) n \(length)")
                // Decoding in uneven chunks gives the same values.
                var chunked = [UInt32](repeating: 0, count: length)
                try bytes.withUnsafeBytes { raw in
                    var decoder = try RLEHybridDecoder(raw, bitWidth: width)
                    try chunked.withUnsafeMutableBufferPointer { p in
                        var done = 0
                        while done < length, let base = p.baseAddress {
                            let n = min(length - done, Int.random(in: 1 ... 13, using: &rng))
                            try decoder.decode(count: n, into: base + done)
                            done += n
                        }
                    }
                }
                #expect(chunked == values)
            }
        }
    }

    @Test func truncatedInputThrows() throws {
        let encoded = RLEHybridEncoder.encode((0 ..< 100).map { UInt32($0 % 7) }, bitWidth: 3)
        for cut in 0 ..< encoded.count - 1 {
            #expect(throws: StrataError.self) { try decode(Array(encoded[0 ..< cut]), bitWidth: 3, count: 100) }
        }
        #expect(throws: StrataError.self) { try decode([0x04], bitWidth: 8, count: 2) }  // RLE value missing
        #expect(throws: StrataError.self) { try decode([0x02, 0x09], bitWidth: 3, count: 1) }  // value > width
        #expect(throws: StrataError.self) { try RLEHybridDecoder(UnsafeRawBufferPointer(start: nil, count: 0), bitWidth: 33) }
    }

    @Test func validityDecoding() throws {
        var rng = SeededRandom(seed: 7)
        for length in [1, 5, 64, 65, 200, 3000] {
            for density in [0, 1, 2, 10] {
                let flags = (0 ..< length).map { i in
                    density == 0 ? true : (i / 97) % 3 == 0 ? false : Int.random(in: 0 ..< density, using: &rng) != 0
                }
                var encoder = RLEHybridEncoder(bitWidth: 1)
                let mask = ValidityMask(flags)
                encoder.appendLevels(validity: density == 0 ? nil : mask, range: 0 ..< length)
                let bytes = encoder.finish()
                let (decoded, nulls) = try bytes.withUnsafeBytes { raw in
                    var decoder = try RLEHybridDecoder(raw, bitWidth: 1)
                    return try decoder.decodeValidity(count: length)
                }
                #expect(nulls == flags.filter { !$0 }.count)
                if nulls == 0 { #expect(decoded == nil) } else { #expect(decoded == mask) }
            }
        }
    }

    @Test func dictionaryIndices() throws {
        var body: [UInt8] = [2]
        body += RLEHybridEncoder.encode([0, 1, 2, 3, 3, 1], bitWidth: 2)
        var out = [UInt32](repeating: 0, count: 6)
        try body.withUnsafeBytes { raw in
            var decoder = try RLEHybridDecoder(dictionaryIndices: raw)
            try out.withUnsafeMutableBufferPointer { p in
                try decoder.decodeIndices(count: 6, dictionarySize: 4, into: p.baseAddress!)
            }
        }
        #expect(out == [0, 1, 2, 3, 3, 1])
        #expect(throws: StrataError.self) {
            try body.withUnsafeBytes { raw in
                var decoder = try RLEHybridDecoder(dictionaryIndices: raw)
                try out.withUnsafeMutableBufferPointer { p in
                    try decoder.decodeIndices(count: 6, dictionarySize: 3, into: p.baseAddress!)
                }
            }
        }
        // Width 0: all indices are 0.
        let zero: [UInt8] = [0, 0x14]  // RLE run of 10, no value bytes
        try zero.withUnsafeBytes { raw in
            var decoder = try RLEHybridDecoder(dictionaryIndices: raw)
            try out.withUnsafeMutableBufferPointer { p in
                try decoder.decodeIndices(count: 6, dictionarySize: 1, into: p.baseAddress!)
            }
        }
        #expect(out == [0, 0, 0, 0, 0, 0])
    }

    @Test func lengthPrefixedBooleans() throws {
        let values = (0 ..< 50).map { $0 % 3 == 0 }
        let body = RLEHybridEncoder.encode(values.map { $0 ? 1 : 0 }, bitWidth: 1)
        var page = withUnsafeBytes(of: UInt32(body.count).littleEndian) { Array($0) } + body
        page += [0xAA]
        var decoded: [Bool] = []
        let consumed = try page.withUnsafeBytes { raw in
            let (section, consumed) = try RLEHybridDecoder.lengthPrefixedSection(raw)
            var decoder = try RLEHybridDecoder(section, bitWidth: 1)
            try decoder.decodeBooleans(count: 50, into: &decoded)
            return consumed
        }
        #expect(decoded == values)
        #expect(consumed == page.count - 1)
    }

    @Test func bitPackingRoundTrips() throws {
        var rng = SeededRandom(seed: 3)
        for width in 0 ... 64 {
            let values = (0 ..< 77).map { _ in width == 0 ? 0 : rng.next() >> UInt64(64 - width) }
            var packed: [UInt8] = []
            values.withUnsafeBufferPointer { BitPacking.pack64($0, bitWidth: width, into: &packed) }
            #expect(packed.count == BitPacking.byteCount(count: 77, bitWidth: width))
            var back = [UInt64](repeating: 9, count: 77)
            try packed.withUnsafeBytes { raw in
                try back.withUnsafeMutableBufferPointer { try BitPacking.unpack64(raw, bitWidth: width, count: 77, into: $0.baseAddress!) }
            }
            #expect(back == values, "width \(width)")
            if width <= 32 {
                let small = values.map { UInt32($0) }
                var packed32: [UInt8] = []
                small.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: width, into: &packed32) }
                #expect(packed32 == packed)
                var back32 = [UInt32](repeating: 9, count: 77)
                try packed.withUnsafeBytes { raw in
                    try back32.withUnsafeMutableBufferPointer { try BitPacking.unpack(raw, bitWidth: width, count: 77, into: $0.baseAddress!) }
                }
                #expect(back32 == small)
            }
        }
    }
}
