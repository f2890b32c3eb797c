import Testing
import StrataCore
@testable import StrataStorage

@Suite struct ThriftCompactTests {
    @Test func primitivesRoundTrip() throws {
        var writer = ThriftCompactWriter()
        let i64s: [Int64] = [0, 1, -1, 63, -64, 64, Int64.max, Int64.min, 1 << 40]
        let i32s: [Int32] = [0, -1, Int32.max, Int32.min, 14]
        let i16s: [Int16] = [0, -1, Int16.max, Int16.min]
        for v in i64s { writer.writeI64(v) }
        for v in i32s { writer.writeI32(v) }
        for v in i16s { writer.writeI16(v) }
        writer.writeI8(-128)
        writer.writeDouble(-2.5)
        writer.writeDouble(.infinity)
        writer.writeString("héllo")
        writer.writeBinary([0, 255, 7])
        writer.writeBinary([])
        let bytes = writer.bytes
        try bytes.withUnsafeBytes { buffer throws in
            var reader = ThriftCompactReader(buffer)
            for v in i64s { #expect(try reader.readI64() == v) }
            for v in i32s { #expect(try reader.readI32() == v) }
            for v in i16s { #expect(try reader.readI16() == v) }
            #expect(try reader.readI8() == -128)
            #expect(try reader.readDouble() == -2.5)
            #expect(try reader.readDouble() == .infinity)
            #expect(try reader.readString() == "héllo")
            #expect(try reader.readBinary() == [0, 255, 7])
            #expect(try reader.readBinary() == [])
            #expect(reader.remaining == 0)
        }
    }

    @Test func zigzagMatchesSpecExamples() {
        var writer = ThriftCompactWriter()
        writer.writeI32(14)
        writer.writeI32(-1)
        writer.writeI32(3)
        writer.writeI64(-64)
        #expect(writer.bytes == [0x1C, 0x01, 0x06, 0x7F])
    }

    @Test func shortAndLongFieldHeaders() throws {
        var writer = ThriftCompactWriter()
        writer.writeStructBegin()
        writer.writeI32Field(1, 7)          // short: delta 1
        writer.writeI32Field(20, 1)         // long: delta 19
        writer.writeI32Field(5, 2)          // long: decreasing
        writer.writeI32Field(6, 3)          // short again, relative to 5
        writer.writeBoolField(21, true)     // short: delta 15
        writer.writeBoolField(32767, false) // long: reserved id
        writer.writeStructEnd()
        let expected: [UInt8] = [0x15, 0x0E, 0x05, 0x28, 0x02, 0x05, 0x0A, 0x04, 0x15, 0x06, 0xF1, 0x02, 0xFE, 0xFF,
                                 0x03, 0x00]
        #expect(writer.bytes == expected)
        try writer.bytes.withUnsafeBytes { buffer throws in
            var reader = ThriftCompactReader(buffer)
            let mark = try reader.readStructBegin()
            var seen: [ThriftFieldHeader] = []
            while let field = try reader.readFieldHeader() {
                seen.append(field)
                if !field.type.isBool { _ = try reader.readI32() }
            }
            reader.readStructEnd(mark)
            #expect(seen.map(\.id) == [1, 20, 5, 6, 21, 32767])
            #expect(seen.map(\.type) == [.i32, .i32, .i32, .i32, .boolTrue, .boolFalse])
            #expect(reader.remaining == 0)
        }
    }

    @Test func nestedStructsRestoreOuterFieldIDs() throws {
        var writer = ThriftCompactWriter()
        writer.writeStructBegin()
        writer.writeI32Field(3, 1)
        writer.writeFieldHeader(4, .struct)
        writer.writeStructBegin()
        writer.writeI32Field(10, 2)
        writer.writeStructEnd()
        writer.writeI32Field(5, 3) // short form: previous id is 4 again
        writer.writeStructEnd()
        #expect(writer.bytes == [0x35, 0x02, 0x1C, 0xA5, 0x04, 0x00, 0x15, 0x06, 0x00])
        try writer.bytes.withUnsafeBytes { buffer throws in
            var reader = ThriftCompactReader(buffer)
            let outer = try reader.readStructBegin()
            #expect(try reader.readFieldHeader() == ThriftFieldHeader(id: 3, type: .i32))
            _ = try reader.readI32()
            #expect(try reader.readFieldHeader() == ThriftFieldHeader(id: 4, type: .struct))
            let inner = try reader.readStructBegin()
            #expect(try reader.readFieldHeader() == ThriftFieldHeader(id: 10, type: .i32))
            _ = try reader.readI32()
            #expect(try reader.readFieldHeader() == nil)
            reader.readStructEnd(inner)
            #expect(try reader.readFieldHeader() == ThriftFieldHeader(id: 5, type: .i32))
            #expect(try reader.readI32() == 3)
            #expect(try reader.readFieldHeader() == nil)
            reader.readStructEnd(outer)
            #expect(reader.depth == 0)
        }
    }

    @Test func listHeadersShortAndLong() throws {
        var writer = ThriftCompactWriter()
        writer.writeListHeader(elementType: .i32, count: 3)
        writer.writeListHeader(elementType: .binary, count: 15)
        writer.writeListHeader(elementType: .boolFalse, count: 2)
        #expect(writer.bytes == [0x35, 0xF8, 0x0F, 0x21])
        let bytes = writer.bytes + Array(repeating: 0, count: 20)
        try bytes.withUnsafeBytes { buffer throws in
            var reader = ThriftCompactReader(buffer)
            #expect(try reader.readListHeader() == ThriftListHeader(elementType: .i32, count: 3))
            #expect(try reader.readListHeader() == ThriftListHeader(elementType: .binary, count: 15))
            #expect(try reader.readListHeader() == ThriftListHeader(elementType: .boolTrue, count: 2))
        }
    }

    @Test func boolListElements() throws {
        // Java/C++ style (elem type 1, 1 = true, 2 = false) and spec style (elem type 2, 0 = false).
        for bytes: [UInt8] in [[0x31, 1, 2, 1], [0x32, 1, 0, 1]] {
            let values = try bytes.withUnsafeBytes { buffer throws in
                var reader = ThriftCompactReader(buffer)
                return try reader.readList(of: .boolTrue) { try $0.readBoolElement() }
            }
            #expect(values == [true, false, true])
        }
        var writer = ThriftCompactWriter()
        writer.writeListHeader(elementType: .boolTrue, count: 2)
        writer.writeBoolElement(true)
        writer.writeBoolElement(false)
        #expect(writer.bytes == [0x21, 1, 2])
    }

    /// A KeyValue whose real fields are surrounded by unknown fields of every wire type.
    private func keyValueWithUnknownFields() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        w.writeBoolField(3, true)
        w.writeBoolField(4, false)
        w.writeI8Field(5, -3)
        w.writeI16Field(6, 300)
        w.writeStringField(1, "k")
        w.writeI32Field(7, -100_000)
        w.writeI64Field(8, Int64.min)
        w.writeDoubleField(9, 1.5)
        w.writeBinaryField(10, [1, 2, 3])
        w.writeI32ListField(11, Array(0 ..< 20))
        // list<struct> with nested list<list<i64>> and a map inside
        w.writeFieldHeader(12, .list)
        w.writeListHeader(elementType: .struct, count: 2)
        for _ in 0 ..< 2 {
            w.writeStructBegin()
            w.writeFieldHeader(1, .list)
            w.writeListHeader(elementType: .list, count: 2)
            for _ in 0 ..< 2 {
                w.writeListHeader(elementType: .i64, count: 2)
                w.writeI64(1)
                w.writeI64(-1)
            }
            w.writeFieldHeader(40, .map)
            w.writeVarUInt64(2)
            w.writeByte(0x85) // key binary, value i32
            w.writeString("a")
            w.writeI32(1)
            w.writeString("b")
            w.writeI32(2)
            w.writeBoolField(41, true)
            w.writeStructEnd()
        }
        // set<binary>
        w.writeFieldHeader(13, .set)
        w.writeListHeader(elementType: .binary, count: 1)
        w.writeString("x")
        // empty map
        w.writeFieldHeader(14, .map)
        w.writeVarUInt64(0)
        // map<i32, struct>
        w.writeFieldHeader(15, .map)
        w.writeVarUInt64(1)
        w.writeByte(0x5C)
        w.writeI32(9)
        w.writeStructBegin()
        w.writeDoubleField(2, 0)
        w.writeStructEnd()
        // map<bool, list<bool>>
        w.writeFieldHeader(16, .map)
        w.writeVarUInt64(1)
        w.writeByte(0x19)
        w.writeBoolElement(true)
        w.writeListHeader(elementType: .boolTrue, count: 2)
        w.writeBoolElement(false)
        w.writeBoolElement(true)
        // uuid
        w.writeFieldHeader(17, .uuid)
        for i in 0 ..< 16 { w.writeByte(UInt8(i)) }
        // bool list
        w.writeFieldHeader(18, .list)
        w.writeListHeader(elementType: .boolTrue, count: 3)
        for b in [true, false, true] { w.writeBoolElement(b) }
        // nested struct with a deeper struct
        w.writeFieldHeader(19, .struct)
        w.writeStructBegin()
        w.writeFieldHeader(100, .struct)
        w.writeStructBegin()
        w.writeStringField(1, "deep")
        w.writeStructEnd()
        w.writeStructEnd()
        w.writeStringField(2, "v")
        w.writeI32Field(32767, 1)
        w.writeStructEnd()
        return w.bytes
    }

    @Test func skipsUnknownFieldsOfEveryType() throws {
        let bytes = keyValueWithUnknownFields()
        let (value, consumed) = try decodeCounting(KeyValue.self, bytes)
        #expect(value == KeyValue(key: "k", value: "v"))
        #expect(consumed == bytes.count)
    }

    @Test func genericSkipConsumesExactlyOneValue() throws {
        let bytes = keyValueWithUnknownFields() + [0xAB]
        try bytes.withUnsafeBytes { buffer throws in
            var reader = ThriftCompactReader(buffer)
            try reader.skip(.struct)
            #expect(reader.remaining == 1)
            #expect(reader.depth == 0)
        }
    }

    @Test func knownFieldWithUnexpectedWireTypeIsSkipped() throws {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        w.writeStringField(1, "k")
        w.writeI32Field(2, 5) // value should be a string
        w.writeStructEnd()
        #expect(try decode(KeyValue.self, w.bytes) == KeyValue(key: "k", value: nil))

        // ColumnMetaData.bloom_filter_length (15) written as list<struct>, as one parquet-mr build does.
        let base = ColumnMetaData(type: .int32, encodings: [.plain], pathInSchema: ["x"], codec: .snappy, numValues: 1,
                                  totalUncompressedSize: 10, totalCompressedSize: 10, dataPageOffset: 4)
        var bytes = encode(base)
        bytes.removeLast()
        var tail = ThriftCompactWriter()
        tail.writeFieldHeader(15, .list)
        tail.writeListHeader(elementType: .struct, count: 1)
        tail.writeStructBegin()
        tail.writeI64Field(1, 3)
        tail.writeStructEnd()
        tail.writeFieldStop()
        bytes += tail.bytes
        #expect(try decode(ColumnMetaData.self, bytes) == base)

        // encodings (a list<i32>) arriving as list<binary>: treated as absent, hence missing.
        var wrong = ThriftCompactWriter()
        wrong.writeStructBegin()
        wrong.writeStringListField(2, ["PLAIN"])
        wrong.writeStructEnd()
        let error = strataError { _ = try decode(ColumnMetaData.self, wrong.bytes) }
        #expect(error?.code == .corrupt)
    }

    @Test func varintLongerThanTenBytesThrows() {
        let bytes = [UInt8](repeating: 0xFF, count: 11) + [0x01]
        let error = strataError {
            try bytes.withUnsafeBytes { buffer throws in
                var reader = ThriftCompactReader(buffer, baseOffset: 1000)
                _ = try reader.readVarUInt64()
            }
        }
        #expect(error?.code == .corrupt)
        #expect(error?.offset == 1000)
    }

    @Test func truncatedAndOverflowingVarintsThrow() {
        for bytes: [UInt8] in [[], [0x80], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]] {
            let error = strataError {
                try bytes.withUnsafeBytes { buffer throws in
                    var reader = ThriftCompactReader(buffer)
                    _ = try reader.readVarUInt64()
                }
            }
            #expect(error?.code == .corrupt)
        }
        // An i32 whose varint does not fit in 32 bits.
        let error = strataError {
            try [UInt8]([0xFF, 0xFF, 0xFF, 0xFF, 0x7F]).withUnsafeBytes { buffer throws in
                var reader = ThriftCompactReader(buffer)
                _ = try reader.readI32()
            }
        }
        #expect(error?.code == .corrupt)
    }

    @Test func badLengthsThrow() {
        let cases: [[UInt8]] = [
            [0xFF, 0xFF, 0xFF, 0xFF, 0x0F],       // 2^32 - 1: negative as i32
            [0x80, 0x80, 0x80, 0x80, 0x08],       // 2^31: negative as i32
            [0x05, 0x61, 0x62],                   // 5 bytes announced, 2 present
        ]
        for bytes in cases {
            let error = strataError {
                try bytes.withUnsafeBytes { buffer throws in
                    var reader = ThriftCompactReader(buffer)
                    _ = try reader.readBinary()
                }
            }
            #expect(error?.code == .corrupt, "\(bytes)")
        }
    }

    @Test func absurdListSizesThrow() {
        let cases: [[UInt8]] = [
            [0xF5, 0xE8, 0x07, 0x02, 0x04],             // 1000 i32 elements, 2 bytes left
            [0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],       // negative size
            [0xEC],                                     // 14 structs, nothing left
            [0x3E, 0x00, 0x00, 0x00],                   // invalid element type 14
        ]
        for bytes in cases {
            let error = strataError {
                try bytes.withUnsafeBytes { buffer throws in
                    var reader = ThriftCompactReader(buffer)
                    try reader.skip(.list)
                }
            }
            #expect(error?.code == .corrupt, "\(bytes)")
        }
        let map: [UInt8] = [0xE8, 0x07, 0x55, 0x02, 0x02] // map of 1000 i32 -> i32
        let error = strataError {
            try map.withUnsafeBytes { buffer throws in
                var reader = ThriftCompactReader(buffer)
                try reader.skip(.map)
            }
        }
        #expect(error?.code == .corrupt)
    }

    @Test func deepNestingIsRejected() {
        // 200 nested structs (field 1 of type struct each), then stops.
        let structs = [UInt8](repeating: 0x1C, count: 200) + [UInt8](repeating: 0, count: 201)
        // 200 nested lists of one list each.
        let lists = [UInt8](repeating: 0x19, count: 200) + [0x05, 0x02]
        for (bytes, type) in [(structs, ThriftWireType.struct), (lists, .list)] {
            let error = strataError {
                try bytes.withUnsafeBytes { buffer throws in
                    var reader = ThriftCompactReader(buffer)
                    try reader.skip(type)
                }
            }
            #expect(error?.code == .corrupt)
            #expect(error?.message.contains("nested") == true)
        }
        // Through a typed decoder: KeyValue field 2 arrives as a struct (skipped) that nests too deeply.
        let keyValue = [UInt8]([0x18, 0x01, 0x6B]) + structs
        #expect(strataError { _ = try decode(KeyValue.self, keyValue) }?.code == .corrupt)
    }

    @Test func invalidTypeCodesThrow() {
        for bytes: [UInt8] in [[0x1E], [0x1F], [0x0E, 0x02]] {
            #expect(strataError { _ = try decode(KeyValue.self, bytes) }?.code == .corrupt)
        }
    }

    @Test func fieldIDOverflowThrows() {
        // Long-form id 32767, then a short-form delta that would pass it.
        let bytes: [UInt8] = [0x05, 0xFE, 0xFF, 0x03, 0x02, 0x15, 0x02, 0x00]
        #expect(strataError { _ = try decode(KeyValue.self, bytes) }?.code == .corrupt)
    }

    @Test func writerResetKeepsNothing() {
        var writer = ThriftCompactWriter(reservingCapacity: 64)
        writer.writeStructBegin()
        writer.writeI32Field(9, 1)
        writer.reset()
        writer.writeStructBegin()
        writer.writeI32Field(1, 1)
        writer.writeStructEnd()
        #expect(writer.bytes == [0x15, 0x02, 0x00])
    }
}
