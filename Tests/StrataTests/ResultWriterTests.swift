#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Strata
import StrataStorage
import Testing

/// The result writers: CSV and JSON byte for byte as DuckDB writes the same values, Parquet read back, the table box.
@Suite struct ResultWriterTests {
    // MARK: - Sample data

    /// Eighteen rows covering every type: NULLs, extremes, NaN and infinities, -0.0, values where the spellings
    /// switch between positional and exponent forms, dates and timestamps BC and past 9999, and strings that need
    /// quoting or escaping.
    ///
    /// The expected texts below come from DuckDB 2.0.0 (the `duckdb` Python module) with the same values:
    ///
    /// ```sql
    /// CREATE TABLE t AS SELECT b::BOOLEAN b, i::INTEGER i, l::BIGINT l, f::FLOAT f, d::DOUBLE d, s::VARCHAR s,
    ///     dt::DATE dt, ts::TIMESTAMP ts FROM (VALUES
    ///   (true, 1, 5, 1.5::FLOAT, 1.5::DOUBLE, 'plain', DATE '2024-01-05', TIMESTAMP '2024-01-05 10:11:12'),
    ///   (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    ///   (false, -2147483648, -9223372036854775808, 'nan'::FLOAT, 'nan'::DOUBLE, '', DATE '-0044-03-15',
    ///    TIMESTAMP '2024-01-05 10:11:12.123'),
    ///   (true, 2147483647, 9223372036854775807, 'inf'::FLOAT, 'inf'::DOUBLE, 'a,b', DATE '0000-01-01',
    ///    TIMESTAMP '1969-12-31 23:59:59.999999'),
    ///   (false, 0, 0, '-inf'::FLOAT, '-inf'::DOUBLE, 'say "hi" \ back', DATE '0001-01-01',
    ///    TIMESTAMP '0001-01-01 00:00:00'),
    ///   (true, -7, -7, 3.4e38::FLOAT, 1e300::DOUBLE, 'line1' || chr(10) || 'line2', DATE '9999-12-31',
    ///    TIMESTAMP '-0044-03-15 12:00:00.5'),
    ///   (false, 8, 8, 1e-40::FLOAT, 5e-324::DOUBLE, ' lead', DATE '1970-01-01', TIMESTAMP '2000-02-29 12:00:00.5'),
    ///   (true, 9, 9, 16777217::FLOAT, 123456789012345678::DOUBLE, 'trail ', DATE '1969-12-31',
    ///    TIMESTAMP '294247-01-10 04:00:54.775806'),
    ///   (false, 10, 10, 0.1::FLOAT, 0.1::DOUBLE, 'ünï€😀', DATE '2000-02-29', TIMESTAMP '1970-01-01 00:00:00'),
    ///   (true, 11, 11, '-0.0'::FLOAT, '-0.0'::DOUBLE, 'cr' || chr(13) || 'x', DATE '1900-03-01',
    ///    TIMESTAMP '1900-01-01 00:00:00.000001'),
    ///   (false, 12, 12, 1e16::FLOAT, 1e16::DOUBLE, 'tab' || chr(9) || 'x', DATE '2024-12-31', NULL),
    ///   (true, 13, 13, 0.3::FLOAT, 9007199254740993::DOUBLE, 'NULL', NULL, TIMESTAMP '2024-06-30 23:59:59'),
    ///   (false, 14, 14, 1e-7::FLOAT, 1e-7::DOUBLE,
    ///    'ctl' || chr(1) || chr(8) || chr(11) || chr(12) || chr(31) || chr(127) || '/', DATE '1583-10-15',
    ///    TIMESTAMP '1999-12-31 23:59:59.9'),
    ///   (true, 15, 15, 1e21::FLOAT, 1e21::DOUBLE, 'ls' || chr(8232) || 'x', DATE '10000-01-01',
    ///    TIMESTAMP '2262-04-11 23:47:16.854775'),
    ///   (false, 16, 16, 123.456::FLOAT, 1e20::DOUBLE, '"', DATE '1960-06-15', TIMESTAMP '1960-06-15 06:30:00.25'),
    ///   (true, 17, 17, 1e-6::FLOAT, 0.000001::DOUBLE, ',', DATE '1970-01-02', TIMESTAMP '1970-01-02 00:00:00'),
    ///   (false, 18, 18, 2.5e-5::FLOAT, 6.02214076e23::DOUBLE, 'x""y', DATE '1970-01-03',
    ///    TIMESTAMP '1970-01-03 00:00:00'),
    ///   (true, 19, 19, -1.25::FLOAT, -2.5e-8::DOUBLE, '日本語', DATE '1970-01-04', TIMESTAMP '1970-01-04 00:00:00')
    /// ) v(b, i, l, f, d, s, dt, ts);
    /// ```
    /// The day and microsecond numbers are DuckDB's `dt - DATE '1970-01-01'` and `epoch_us(ts)` of those rows.
    static func sample() throws -> Batch {
        let schema = try Schema([Field("b", .bool), Field("i", .int32), Field("l", .int64), Field("f", .float),
                                 Field("d", .double), Field("s", .string), Field("dt", .date),
                                 Field("ts", .timestamp)])
        let bools: [Bool?] = [true, nil] + (2..<18).map { $0 % 2 == 1 }
        let ints: [Int32?] = [1, nil, .min, .max, 0, -7] + (8...19).map { Int32($0) }
        let longs: [Int64?] = [5, nil, .min, .max, 0, -7] + (8...19).map { Int64($0) }
        let floats: [Float?] = [1.5, nil, .nan, .infinity, -.infinity, 3.4e38, Float(1e-40 as Double),
                                Float(Int32(16_777_217)), 0.1, -0.0, 1e16, 0.3, 1e-7, 1e21, 123.456, 1e-6, 2.5e-5,
                                -1.25]
        let doubles: [Double?] = [1.5, nil, .nan, .infinity, -.infinity, 1e300, .leastNonzeroMagnitude,
                                  Double(Int64(123_456_789_012_345_678)), 0.1, -0.0, 1e16,
                                  Double(Int64(9_007_199_254_740_993)), 1e-7, 1e21, 1e20, 0.000001, 6.02214076e23,
                                  -2.5e-8]
        let strings: [String?] = ["plain", nil, "", "a,b", "say \"hi\" \\ back", "line1\nline2", " lead", "trail ",
                                  "ünï€😀", "cr\rx", "tab\tx", "NULL", "ctl\u{1}\u{8}\u{B}\u{C}\u{1F}\u{7F}/",
                                  "ls\u{2028}x", "\"", ",", "x\"\"y", "日本語"]
        let days: [Int32?] = [19727, nil, -735_525, -719_528, -719_162, 2_932_896, 0, -1, 11016, -25508, 20088, nil,
                              -141_062, 2_932_897, -3487, 1, 2, 3]
        let micros: [Int64?] = [1_704_449_472_000_000, nil, 1_704_449_472_123_000, -1, -62_135_596_800_000_000,
                                -63_549_316_799_500_000, 951_825_600_500_000, 9_223_372_036_854_775_806, 0,
                                -2_208_988_799_999_999, nil, 1_719_791_999_000_000, 946_684_799_900_000,
                                9_223_372_036_854_775, -301_253_399_750_000, 86_400_000_000, 172_800_000_000,
                                259_200_000_000]
        return try Batch(schema: schema, columns: [
            Column(type: .bool, values: bools.map { $0.map(Value.bool) ?? .null }),
            Column(type: .int32, values: ints.map { $0.map(Value.int32) ?? .null }),
            Column(type: .int64, values: longs.map { $0.map(Value.int64) ?? .null }),
            Column(type: .float, values: floats.map { $0.map(Value.float) ?? .null }),
            Column(type: .double, values: doubles.map { $0.map(Value.double) ?? .null }),
            Column(type: .string, values: strings.map { $0.map(Value.string) ?? .null }),
            Column(type: .date, values: days.map { $0.map(Value.date) ?? .null }),
            Column(type: .timestamp, values: micros.map { $0.map(Value.timestamp) ?? .null }),
        ])
    }

    /// DuckDB: `COPY t TO 'x.csv'` for the table of ``sample()`` (lines joined by "\n"; row 6's string holds a
    /// line break inside its quotes).
    static let expectedCSV: [String] = [
        #"b,i,l,f,d,s,dt,ts"#,
        #"true,1,5,1.5,1.5,plain,2024-01-05,2024-01-05 10:11:12"#,
        #",,,,,,,"#,
        #"false,-2147483648,-9223372036854775808,nan,nan,"",0045-03-15 (BC),2024-01-05 10:11:12.123"#,
        #"true,2147483647,9223372036854775807,inf,inf,"a,b",0001-01-01 (BC),1969-12-31 23:59:59.999999"#,
        #"false,0,0,-inf,-inf,"say ""hi"" \ back",0001-01-01,0001-01-01 00:00:00"#,
        #"true,-7,-7,3.4e+38,1e+300,"line1"#,
        #"line2",9999-12-31,0045-03-15 (BC) 12:00:00.5"#,
        #"false,8,8,1e-40,5e-324, lead,1970-01-01,2000-02-29 12:00:00.5"#,
        #"true,9,9,16777216.0,1.2345678901234568e+17,trail ,1969-12-31,294247-01-10 04:00:54.775806"#,
        #"false,10,10,0.1,0.1,ünï€😀,2000-02-29,1970-01-01 00:00:00"#,
        #"true,11,11,-0.0,-0.0,"cr\#rx",1900-03-01,1900-01-01 00:00:00.000001"#,
        #"false,12,12,1e+16,1e+16,tab\#tx,2024-12-31,"#,
        #"true,13,13,0.3,9007199254740992.0,NULL,,2024-06-30 23:59:59"#,
        #"false,14,14,1e-07,1e-07,ctl\#u{1}\#u{8}\#u{B}\#u{C}\#u{1F}\#u{7F}/,1583-10-15,1999-12-31 23:59:59.9"#,
        #"true,15,15,1e+21,1e+21,ls\#u{2028}x,10000-01-01,2262-04-11 23:47:16.854775"#,
        #"false,16,16,123.456,1e+20,"""",1960-06-15,1960-06-15 06:30:00.25"#,
        #"true,17,17,1e-06,1e-06,",",1970-01-02,1970-01-02 00:00:00"#,
        #"false,18,18,2.5e-05,6.02214076e+23,"x""""y",1970-01-03,1970-01-03 00:00:00"#,
        #"true,19,19,-1.25,-2.5e-08,日本語,1970-01-04,1970-01-04 00:00:00"#,
    ]

    /// DuckDB: `COPY t TO 'x.json' (FORMAT json)` for the table of ``sample()``.
    static let expectedJSON: [String] = [
        #"{"b":true,"i":1,"l":5,"f":1.5,"d":1.5,"s":"plain","dt":"2024-01-05","ts":"2024-01-05 10:11:12"}"#,
        #"{"b":null,"i":null,"l":null,"f":null,"d":null,"s":null,"dt":null,"ts":null}"#,
        #"{"b":false,"i":-2147483648,"l":-9223372036854775808,"f":NaN,"d":NaN,"s":"","dt":"0045-03-15 (BC)","# +
            #""ts":"2024-01-05 10:11:12.123"}"#,
        #"{"b":true,"i":2147483647,"l":9223372036854775807,"f":Infinity,"d":Infinity,"s":"a,b","# +
            #""dt":"0001-01-01 (BC)","ts":"1969-12-31 23:59:59.999999"}"#,
        #"{"b":false,"i":0,"l":0,"f":-Infinity,"d":-Infinity,"s":"say \"hi\" \\ back","dt":"0001-01-01","# +
            #""ts":"0001-01-01 00:00:00"}"#,
        #"{"b":true,"i":-7,"l":-7,"f":3.3999999521443642e38,"d":1e300,"s":"line1\nline2","dt":"9999-12-31","# +
            #""ts":"0045-03-15 (BC) 12:00:00.5"}"#,
        #"{"b":false,"i":8,"l":8,"f":9.99994610111476e-41,"d":5e-324,"s":" lead","dt":"1970-01-01","# +
            #""ts":"2000-02-29 12:00:00.5"}"#,
        #"{"b":true,"i":9,"l":9,"f":16777216.0,"d":123456789012345680.0,"s":"trail ","dt":"1969-12-31","# +
            #""ts":"294247-01-10 04:00:54.775806"}"#,
        #"{"b":false,"i":10,"l":10,"f":0.10000000149011612,"d":0.1,"s":"ünï€😀","dt":"2000-02-29","# +
            #""ts":"1970-01-01 00:00:00"}"#,
        #"{"b":true,"i":11,"l":11,"f":-0.0,"d":-0.0,"s":"cr\rx","dt":"1900-03-01","# +
            #""ts":"1900-01-01 00:00:00.000001"}"#,
        #"{"b":false,"i":12,"l":12,"f":10000000272564224.0,"d":10000000000000000.0,"s":"tab\tx","# +
            #""dt":"2024-12-31","ts":null}"#,
        #"{"b":true,"i":13,"l":13,"f":0.30000001192092896,"d":9007199254740992.0,"s":"NULL","dt":null,"# +
            #""ts":"2024-06-30 23:59:59"}"#,
        #"{"b":false,"i":14,"l":14,"f":1.0000000116860974e-7,"d":1e-7,"s":"ctl\u0001\b\u000B\f\u001F\#u{7F}/","# +
            #""dt":"1583-10-15","ts":"1999-12-31 23:59:59.9"}"#,
        #"{"b":true,"i":15,"l":15,"f":1.0000000200408773e21,"d":1e21,"s":"ls\#u{2028}x","dt":"10000-01-01","# +
            #""ts":"2262-04-11 23:47:16.854775"}"#,
        #"{"b":false,"i":16,"l":16,"f":123.45600128173828,"d":100000000000000000000.0,"s":"\"","dt":"1960-06-15","# +
            #""ts":"1960-06-15 06:30:00.25"}"#,
        #"{"b":true,"i":17,"l":17,"f":9.999999974752427e-7,"d":0.000001,"s":",","dt":"1970-01-02","# +
            #""ts":"1970-01-02 00:00:00"}"#,
        #"{"b":false,"i":18,"l":18,"f":0.00002499999936844688,"d":6.02214076e23,"s":"x\"\"y","dt":"1970-01-03","# +
            #""ts":"1970-01-03 00:00:00"}"#,
        #"{"b":true,"i":19,"l":19,"f":-1.25,"d":-2.5e-8,"s":"日本語","dt":"1970-01-04","ts":"1970-01-04 00:00:00"}"#,
    ]

    /// One row under names that need quoting or escaping.
    static func oddNames() throws -> Batch {
        let schema = try Schema([Field("a,b", .int32), Field("say \"hi\"", .string), Field("ünï", .double),
                                 Field(" x ", .bool), Field("tab\tand\nnewline", .date)])
        return try Batch(schema: schema, columns: [
            Column(type: .int32, values: [.int32(1)]), Column(type: .string, values: [.string("x")]),
            Column(type: .double, values: [.double(2.5)]), Column(type: .bool, values: [.bool(true)]),
            Column(type: .date, values: [.null]),
        ])
    }

    /// DuckDB: `COPY (SELECT 1::INTEGER AS "a,b", 'x'::VARCHAR AS "say ""hi""", 2.5::DOUBLE AS "ünï", true AS " x ",
    /// NULL::DATE AS "tab<TAB>and<LF>newline") TO 'x.csv'`, and the same with `(FORMAT json)`.
    static let expectedNamesCSV: [String] = [
        #""a,b","say ""hi""",ünï, x ,"tab\#tand"#,
        #"newline""#,
        #"1,x,2.5,true,"#,
    ]
    static let expectedNamesJSON: [String] = [
        #"{"a,b":1,"say \"hi\"":"x","ünï":2.5," x ":true,"tab\tand\nnewline":null}"#,
    ]

    // MARK: - Helpers

    /// What the writer of `format` produces for `batches` of `schema` in a file.
    static func output(_ format: ResultFormat, _ batches: [Batch], schema: Schema) throws -> [UInt8] {
        let dir = try TempDirectory()
        let path = dir.path("out")
        let writer = try makeResultWriter(format: format, output: .file(path))
        try writer.begin(schema: schema)
        for batch in batches { try writer.write(batch) }
        try writer.finish()
        return Array(FileManager.default.contents(atPath: path) ?? Data())
    }

    /// `lines` as a file's text: each followed by "\n".
    static func text(_ lines: [String]) -> [UInt8] {
        Array(lines.map { $0 + "\n" }.joined().utf8)
    }

    /// The first line in which two texts differ, or nil when they are the same bytes.
    static func firstDifferentLine(_ actual: [UInt8], _ expected: [UInt8]) -> String? {
        guard actual != expected else { return nil }
        let newline = UInt8(ascii: "\n")
        let a = actual.split(separator: newline, omittingEmptySubsequences: false)
        let e = expected.split(separator: newline, omittingEmptySubsequences: false)
        for i in 0..<max(a.count, e.count) where i >= a.count || i >= e.count || a[i] != e[i] {
            let text = { (lines: [ArraySlice<UInt8>]) in
                i < lines.count ? String(decoding: lines[i], as: UTF8.self) : "(none)"
            }
            return "line \(i + 1): \(text(a).debugDescription), expected \(text(e).debugDescription)"
        }
        return "the same lines, different bytes"
    }

    /// Rows `range` of `batch`.
    static func rows(_ batch: Batch, _ range: Range<Int>) throws -> Batch {
        try Batch(schema: batch.schema, columns: batch.columns.map { $0.slice(range) })
    }

    /// The table box for `batches` of `schema`, at most `maxWidth` wide.
    static func table(_ batches: [Batch], schema: Schema, maxWidth: Int = 120) throws -> String {
        let dir = try TempDirectory()
        let path = dir.path("out.txt")
        let writer = TableResultWriter(sink: try ByteSink(.file(path)), maxWidth: maxWidth)
        try writer.begin(schema: schema)
        for batch in batches { try writer.write(batch) }
        try writer.finish()
        return String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// A batch of one int64 column `n` holding `range`.
    static func numbers(_ range: Range<Int>) throws -> Batch {
        try Batch(schema: Schema([Field("n", .int64)]),
                  columns: [Column(type: .int64, values: range.map { .int64(Int64($0)) })])
    }

    // MARK: - CSV and JSON

    @Test func csvMatchesDuckDB() throws {
        let sample = try Self.sample()
        let csv = try Self.output(.csv, [sample], schema: sample.schema)
        #expect(Self.firstDifferentLine(csv, Self.text(Self.expectedCSV)) == nil)
    }

    @Test func jsonMatchesDuckDB() throws {
        let sample = try Self.sample()
        let json = try Self.output(.json, [sample], schema: sample.schema)
        #expect(Self.firstDifferentLine(json, Self.text(Self.expectedJSON)) == nil)
    }

    /// The types Parquet files from other engines brought in, written as DuckDB 2.0 writes them:
    /// ```sql
    /// COPY (SELECT * FROM (VALUES (1, make_timestamp_ns(1704164645123456789)), (2, make_timestamp_ns(-1)),
    ///   (3, make_timestamp_ns(1704164645100000000)), (4, NULL), (5, make_timestamp_ns(0))) t(id, ts)) TO 'x.csv'
    /// ```
    /// and the same with `(FORMAT json)`.
    @Test func newTypesMatchDuckDB() throws {
        let schema = try Schema([Field("id", .int32), Field("ts", .timestampNanos)])
        let nanos: [Value] = [.timestampNanos(1_704_164_645_123_456_789), .timestampNanos(-1),
                              .timestampNanos(1_704_164_645_100_000_000), .null, .timestampNanos(0)]
        let batch = try Batch(schema: schema, columns: [
            Column(type: .int32, values: (1...5).map { .int32(Int32($0)) }), Column(type: .timestampNanos, values: nanos),
        ])
        #expect(try Self.output(.csv, [batch], schema: schema) == Self.text([
            "id,ts", "1,2024-01-02 03:04:05.123456789", "2,1969-12-31 23:59:59.999999999", "3,2024-01-02 03:04:05.1",
            "4,", "5,1970-01-01 00:00:00",
        ]))
        #expect(try Self.output(.json, [batch], schema: schema) == Self.text([
            #"{"id":1,"ts":"2024-01-02 03:04:05.123456789"}"#, #"{"id":2,"ts":"1969-12-31 23:59:59.999999999"}"#,
            #"{"id":3,"ts":"2024-01-02 03:04:05.1"}"#, #"{"id":4,"ts":null}"#, #"{"id":5,"ts":"1970-01-01 00:00:00"}"#,
        ]))
    }

    /// Blobs in DuckDB's text, then quoted and escaped as strings are:
    /// ```sql
    /// COPY (SELECT * FROM (VALUES (1, '\xAA\x00abc,\x22'::BLOB), (2, '\x5C'::BLOB), (3, '\x7F\x1F~ '::BLOB),
    ///   (4, ''::BLOB), (5, NULL), (6, '\x27'::BLOB)) t(id, b)) TO 'x.csv'
    /// ```
    /// and the same with `(FORMAT json)`.
    @Test func blobsMatchDuckDB() throws {
        let schema = try Schema([Field("id", .int32), Field("b", .blob)])
        let blobs: [Value] = [.blob([0xAA, 0x00] + Array("abc,\"".utf8)), .blob([0x5C]), .blob([0x7F, 0x1F, 0x7E, 0x20]),
                              .blob([]), .null, .blob([0x27])]
        let batch = try Batch(schema: schema, columns: [
            Column(type: .int32, values: (1...6).map { .int32(Int32($0)) }), Column(type: .blob, values: blobs),
        ])
        #expect(try Self.output(.csv, [batch], schema: schema) == Self.text([
            "id,b", #"1,"\xAA\x00abc,\x22""#, #"2,\x5C"#, #"3,\x7F\x1F~ "#, #"4,"""#, "5,", #"6,\x27"#,
        ]))
        #expect(try Self.output(.json, [batch], schema: schema) == Self.text([
            #"{"id":1,"b":"\\xAA\\x00abc,\\x22"}"#, #"{"id":2,"b":"\\x5C"}"#, #"{"id":3,"b":"\\x7F\\x1F~ "}"#,
            #"{"id":4,"b":""}"#, #"{"id":5,"b":null}"#, #"{"id":6,"b":"\\x27"}"#,
        ]))
    }

    /// Times as DuckDB writes them:
    /// `COPY (SELECT '12:34:56.789'::TIME a, '00:00:00'::TIME b, NULL::TIME c, '24:00:00'::TIME d) TO 'x.csv'`, and
    /// the same with `(FORMAT json)`.
    @Test func timesMatchDuckDB() throws {
        let schema = try Schema([Field("a", .time), Field("b", .time), Field("c", .time), Field("d", .time)])
        let batch = try Batch(schema: schema, columns: [
            Column(type: .time, values: [.time(45_296_789_000)]), Column(type: .time, values: [.time(0)]),
            Column(type: .time, values: [.null]), Column(type: .time, values: [.time(86_400_000_000)]),
        ])
        #expect(try Self.output(.csv, [batch], schema: schema) == Self.text(["a,b,c,d", "12:34:56.789,00:00:00,,24:00:00"]))
        #expect(try Self.output(.json, [batch], schema: schema) == Self.text([
            #"{"a":"12:34:56.789","b":"00:00:00","c":null,"d":"24:00:00"}"#,
        ]))
    }

    @Test func namesAreQuotedAndEscapedLikeValues() throws {
        let batch = try Self.oddNames()
        #expect(try Self.output(.csv, [batch], schema: batch.schema) == Self.text(Self.expectedNamesCSV))
        #expect(try Self.output(.json, [batch], schema: batch.schema) == Self.text(Self.expectedNamesJSON))
    }

    @Test func batchesStreamIntoTheSameText() throws {
        let sample = try Self.sample()
        let parts = [try Self.rows(sample, 0..<5), try Self.rows(sample, 5..<5), try Self.rows(sample, 5..<18)]
        #expect(try Self.output(.csv, parts, schema: sample.schema) == Self.text(Self.expectedCSV))
        #expect(try Self.output(.json, parts, schema: sample.schema) == Self.text(Self.expectedJSON))
    }

    @Test func emptyResults() throws {
        let schema = try Schema([Field("a", .int32), Field("b", .string)])
        // DuckDB: COPY (SELECT 1::INTEGER AS a, 'x' AS b WHERE false) TO 'x.csv' writes the header only, and
        // with (FORMAT json) an empty file.
        #expect(try Self.output(.csv, [], schema: schema) == Self.text(["a,b"]))
        #expect(try Self.output(.json, [], schema: schema) == [])
        #expect(try Self.output(.csv, [], schema: Schema([])) == [])
    }

    @Test func outputLargerThanTheBufferIsComplete() throws {
        // 200,000 numbers: several 64 KiB flushes, and batches that straddle them.
        let batches = try stride(from: 0, to: 200_000, by: 30_000).map {
            try Self.numbers($0..<min($0 + 30_000, 200_000))
        }
        let csv = try Self.output(.csv, batches, schema: batches[0].schema)
        #expect(csv == Self.text(["n"] + (0..<200_000).map(String.init)))
        let json = try Self.output(.json, batches, schema: batches[0].schema)
        #expect(json == Self.text((0..<200_000).map { "{\"n\":\($0)}" }))
    }

    @Test func misuseIsRejected() throws {
        let dir = try TempDirectory()
        let sample = try Self.sample()
        let writer = try makeResultWriter(format: .csv, output: .file(dir.path("x.csv")))
        #expect(throws: StrataError.self) { try writer.write(sample) }
        try writer.begin(schema: sample.schema)
        let other = try Self.numbers(0..<3)
        #expect { try writer.write(other) } throws: { ($0 as? StrataError)?.code == .schemaMismatch }
        #expect(throws: StrataError.self) { try writer.begin(schema: sample.schema) }
        try writer.finish()
        #expect(throws: StrataError.self) { try writer.finish() }
    }

    // MARK: - Output sink

    @Test func parquetToStandardOutputIsAnError() {
        #expect {
            _ = try makeResultWriter(format: .parquet, output: .standardOutput)
        } throws: { error in
            guard let error = error as? StrataError else { return false }
            return error.code == .invalidArgument && error.message == "parquet output needs --output PATH"
        }
    }

    @Test func unwritablePathIsAnIOError() throws {
        let dir = try TempDirectory()
        let path = dir.path("missing/out.csv")
        #expect {
            _ = try makeResultWriter(format: .csv, output: .file(path))
        } throws: { error in
            guard let error = error as? StrataError else { return false }
            return error.code == .io && error.path == path
        }
    }

    @Test func aClosedPipeIsOutputClosed() throws {
        let dir = try TempDirectory()
        let fifo = dir.path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader opens the pipe (so opening it for writing does not block), then goes away.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        let sink = try ByteSink(.file(fifo))
        close(reader)
        try sink.write(Array(repeating: UInt8(ascii: "x"), count: 100))
        #expect {
            try sink.flush()
        } throws: { error in
            guard let error = error as? StrataError else { return false }
            return error.code == .io && error.message == "output closed" && error.path == fifo
        }
    }

    // MARK: - Parquet

    @Test func parquetReadsBackTheSameValues() throws {
        let dir = try TempDirectory()
        let path = dir.path("out.parquet")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("old".utf8)))
        let sample = try Self.sample()
        let writer = try makeResultWriter(format: .parquet, output: .file(path))
        try writer.begin(schema: sample.schema)
        try writer.write(try Self.rows(sample, 0..<7))
        try writer.write(try Self.rows(sample, 7..<18))
        // The old file stays until the new one is complete.
        #expect(FileManager.default.contents(atPath: path) == Data("old".utf8))
        try writer.finish()

        let reader = try ParquetFileReader(path: path)
        #expect(reader.schema.fields.map(\.name) == sample.schema.fields.map(\.name))
        let codecs = reader.metadata.rowGroups.flatMap { $0.columns.compactMap { $0.metaData?.codec } }
        #expect(!codecs.isEmpty && codecs.allSatisfy { $0 == .zstd })
        let batches = try (0..<reader.rowGroupCount).map {
            try reader.readRowGroup($0, columns: Array(0..<sample.schema.count))
        }
        let back = try concatenate(batches, schema: reader.schema)
        #expect(firstDifference(sample, back) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.parquet"])
    }

    @Test func parquetFailingMidwayLeavesNoFile() throws {
        let dir = try TempDirectory()
        let path = dir.path("out.parquet")
        let sample = try Self.sample()
        let writer = try makeResultWriter(format: .parquet, output: .file(path))
        try writer.begin(schema: sample.schema)
        try writer.write(try Self.rows(sample, 0..<9))
        #expect { try writer.write(try Self.numbers(0..<5)) } throws: { error in
            (error as? StrataError)?.code == .schemaMismatch && (error as? StrataError)?.path == path
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(throws: StrataError.self) { try writer.finish() }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func parquetAbandonedBeforeFinishLeavesNoFile() throws {
        let dir = try TempDirectory()
        let sample = try Self.sample()
        do {
            let writer = try makeResultWriter(format: .parquet, output: .file(dir.path("out.parquet")))
            try writer.begin(schema: sample.schema)
            try writer.write(sample)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 1)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)

        let writer = ParquetResultWriter(path: dir.path("aborted.parquet"))
        try writer.begin(schema: sample.schema)
        try writer.write(sample)
        writer.abort()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    // MARK: - Table

    /// id, name, score, day: a number, NULLs, wide characters, a BC date.
    static func small() throws -> Batch {
        let schema = try Schema([Field("id", .int64), Field("name", .string), Field("score", .double),
                                 Field("day", .date)])
        return try Batch(schema: schema, columns: [
            Column(type: .int64, values: [.int64(1), .int64(22), .int64(-3)]),
            Column(type: .string, values: [.string("alpha"), .null, .string("日本語")]),
            Column(type: .double, values: [.double(2.5), .null, .double(-0.125)]),
            Column(type: .date, values: [.date(19727), .null, .date(-719_528)]),
        ])
    }

    @Test func tableBox() throws {
        let batch = try Self.small()
        let expected = """
            ┌───────┬────────┬────────┬─────────────────┐
            │  id   │  name  │ score  │       day       │
            │ int64 │ string │ double │      date       │
            ├───────┼────────┼────────┼─────────────────┤
            │     1 │ alpha  │    2.5 │ 2024-01-05      │
            │    22 │ NULL   │   NULL │ NULL            │
            │    -3 │ 日本語 │ -0.125 │ 0001-01-01 (BC) │
            └───────┴────────┴────────┴─────────────────┘
                               3 rows

            """
        let box = try Self.table([batch], schema: batch.schema)
        #expect(box == expected)
    }

    @Test func tableWithoutRowsOrColumns() throws {
        let schema = try Schema([Field("a", .int32)])
        let expected = """
            ┌───────┐
            │   a   │
            │ int32 │
            └───────┘
             0 rows

            """
        #expect(try Self.table([], schema: schema) == expected)
        let empty = try Batch(schema: schema, columns: [Column(type: .int32, values: [])])
        #expect(try Self.table([empty, empty], schema: schema) == expected)
        #expect(try Self.table([], schema: Schema([])) == "(no columns)\n0 rows\n")
        let one = try Batch(schema: schema, columns: [Column(type: .int32, values: [.int32(7)])])
        #expect(try Self.table([one], schema: schema).hasSuffix("└───────┘\n  1 row\n"))
    }

    @Test func tableShowsHeadAndTailOfLongResults() throws {
        // 1000 rows in batches of 1, 7 and 64 rows, so the tail ring wraps inside and across batches.
        var batches: [Batch] = [], start = 0, sizes = [1, 7, 64].makeIterator()
        while start < 1000 {
            let size = min(sizes.next() ?? 64, 1000 - start)
            batches.append(try Self.numbers(start..<start + size))
            start += size
        }
        let lines = try Self.table(batches, schema: batches[0].schema).split(separator: "\n").map(String.init)
        let body = lines.dropFirst(4).prefix(41).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) }
        let expected: [String] = (0..<20).map { String($0) } + ["·"] + (980..<1000).map { String($0) }
        #expect(Array(body) == expected)
        #expect(lines.count == 4 + 41 + 2)
        #expect(lines.last?.trimmingCharacters(in: .whitespaces) == "1000 rows (40 shown)")
    }

    @Test func tableShowsFortyRowsWhole() throws {
        let forty = try Self.table([try Self.numbers(0..<40)], schema: Self.numbers(0..<0).schema)
        #expect(!forty.contains("·"))
        #expect(forty.hasSuffix(" 40 rows\n"))
        let fortyOne = try Self.table([try Self.numbers(0..<25), try Self.numbers(25..<41)],
                                      schema: Self.numbers(0..<0).schema)
        #expect(fortyOne.contains("│     · │"))
        #expect(!fortyOne.contains("│    20 │"))
        #expect(fortyOne.hasSuffix("41 rows (40 shown)\n"))
    }

    @Test func tableCutsLongCells() throws {
        let long = String(repeating: "abcdefghij", count: 5), wide = String(repeating: "日本語", count: 10)
        let name = "a_column_name_much_longer_than_thirty_two"
        let schema = try Schema([Field("s", .string), Field(name, .int32)])
        let batch = try Batch(schema: schema, columns: [
            Column(type: .string, values: [.string(long), .string(wide), .string("a\tb\nc")]),
            Column(type: .int32, values: [.int32(1), .int32(2), .int32(3)]),
        ])
        let box = try Self.table([batch], schema: schema)
        #expect(box.contains("│ " + long.prefix(31) + "… │"))
        // 15 wide characters take 30 columns; the 16th would pass 31, so one space pads the cell to 32.
        #expect(box.contains("│ " + wide.prefix(15) + "…  │"))
        #expect(box.contains("│ a\\tb\\nc "))
        #expect(box.contains(" " + name.prefix(31) + "… "))
    }

    @Test func tableLeavesOutMiddleColumnsToFitTheWidth() throws {
        let fields = (0..<30).map { Field("column_\($0)", .int32) }
        let schema = try Schema(fields)
        let batch = try Batch(schema: schema, columns: fields.indices.map {
            try Column(type: .int32, values: [.int32(Int32($0))])
        })
        let box = try Self.table([batch], schema: schema, maxWidth: 80)
        let lines = box.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines[0].count > 70)
        #expect(lines[1].hasPrefix("│ column_0 │ column_1 │"))
        #expect(lines[1].hasSuffix("│ column_28 │ column_29 │"))
        #expect(lines[1].contains("│ … │"))
        #expect(lines[4].contains("│ … │"))
        let shown = lines[1].split(separator: "│").filter { $0.contains("column_") }.count
        #expect(lines.last?.hasSuffix("30 columns (\(shown) shown)") == true)
        #expect(lines.last?.hasPrefix("  1 row ") == true)
        // Everything fits at 400 columns.
        #expect(!(try Self.table([batch], schema: schema, maxWidth: 400)).contains("…"))
    }
}
