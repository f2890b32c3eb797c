import StrataTestSupport
import Foundation
import StrataCompression
import StrataCore
import Testing
@testable import StrataStorage

/// Strata writes, pyarrow and DuckDB read: `Tests/interop/check_parquet.py` must find exactly the values we wrote.
///
/// Requires `python3` with pyarrow and duckdb (`scripts/setup.sh` installs them; CI always has them). Without them
/// the tests fail rather than skip, so a missing oracle is never mistaken for a pass.
@Suite struct ParquetInteropTests {
    static let codecs: [CompressionCodec] = [.zstd(level: 1), .lz4Raw, .uncompressed]

    /// Fails the test with setup instructions when the Python oracles are missing.
    static func requirePythonOracles() throws {
        guard Subprocess.pythonHas(["pyarrow", "duckdb"]) else {
            Issue.record("python3 with the pyarrow and duckdb modules is required by the interop tests; run scripts/setup.sh (CI installs them)")
            throw FixtureError("python3 oracles unavailable")
        }
    }

    /// Writes `batches` with `options`, dumps the canonical expectations next to the file, runs the checker.
    @discardableResult
    static func check(_ batches: [Batch], schema: Schema, options: ParquetWriteOptions, in dir: TempDirectory,
                      name: String) throws -> String
    {
        let file = dir.path(name + ".parquet")
        let writer = try ParquetFileWriter(path: file, schema: schema, options: options)
        for batch in batches { try writer.write(batch) }
        _ = try writer.close()
        let expected = dir.path(name + ".expected.jsonl")
        let schemaFile = dir.path(name + ".schema.json")
        try Canonical.jsonLines(batches).write(toFile: expected, atomically: false, encoding: .utf8)
        try Canonical.schemaJSON(schema).write(toFile: schemaFile, atomically: false, encoding: .utf8)
        let result = try Subprocess.run(["python3", RepoPaths.interopChecker, file, expected, schemaFile])
        #expect(result.status == 0, "check_parquet.py \(name) exited \(result.status):\n\(result.output)")
        return file
    }

    /// Whether the large variants run (`STRATA_SLOW_TESTS=1`, as `scripts/test.sh` documents).
    static let slow = ProcessInfo.processInfo.environment["STRATA_SLOW_TESTS"] == "1"

    /// Rows of every type in a few row groups and many pages, per codec, dictionary on: 200,000 rows with
    /// STRATA_SLOW_TESTS=1, 12,000 otherwise (the Python checker formats floats slowly, about 20,000 cells/s).
    @Test(arguments: codecs)
    func enginesReadWhatWeWrite(codec: CompressionCodec) throws {
        try Self.requirePythonOracles()
        let dir = try TempDirectory("strata-interop")
        let rows = Self.slow ? 200_000 : 12_000
        let batches = try (0..<4).map { try RandomData.batch(rows: rows / 4, seed: 900 + UInt64($0)) }
        var options = ParquetWriteOptions()
        options.codec = codec
        options.rowGroupBytes = rows * 20  // about 5 row groups
        options.pageBytes = rows  // tens of pages per chunk
        let reader = try ParquetFileReader(path: try Self.check(batches, schema: RandomData.schema(), options: options,
                                                                in: dir, name: "all_\(codec.name)"))
        #expect(reader.rowGroupCount >= 3, "\(reader.rowGroupCount) row groups")
    }

    /// Decimals as Strata writes them (INT64 up to 18 digits, FIXED_LEN_BYTE_ARRAY(16) beyond) read back value for
    /// value in pyarrow and DuckDB: the precision's extremes, ±1 unit, zero, NULLs and values beyond 64 bits.
    @Test func decimalsReadBackInOtherEngines() throws {
        try Self.requirePythonOracles()
        let dir = try TempDirectory("strata-interop")
        let types: [DataType] = [.decimal(precision: 15, scale: 2), .decimal(precision: 18, scale: 0),
                                 .decimal(precision: 4, scale: 4), .decimal(precision: 38, scale: 10),
                                 .decimal(precision: 20, scale: 0)]
        let schema = try Schema(types.enumerated().map { Field("d\($0.offset)", $0.element) })
        var g = SplitMix64(seed: 77)
        let rows = 2_000
        var builders = types.map { ColumnBuilder(type: $0, capacity: rows) }
        for row in 0..<rows {
            for (c, type) in types.enumerated() {
                let bound = DecimalMath.power(type.decimalPrecision) - 1
                let random = Int128(Int64(bitPattern: g.next())) * Int128(Int64(bitPattern: g.next())) % bound
                let picks: [Int128?] = [bound, -bound, 0, 1, -1, nil, random, random % 1000]
                if let units = picks[(row + c) % picks.count] {
                    builders[c].append(decimalUnits: units)
                } else {
                    builders[c].appendNull()
                }
            }
        }
        let batch = try Batch(schema: schema, columns: builders.map { $0.finish() })
        for codec in Self.codecs {
            var options = ParquetWriteOptions()
            options.codec = codec
            options.pageBytes = 4 << 10
            let file = try Self.check([batch], schema: schema, options: options, in: dir, name: "decimal_\(codec.name)")
            let back = try ParquetFileReader(path: file).readAllRowGroups()
            for (c, type) in types.enumerated() {
                let column = try Column.concatenate(back.map { $0.columns[c] }, type: type)
                #expect(column.values == batch.columns[c].values, "Strata reads its own \(type) column back")
            }
        }
    }

    /// The types Parquet files from other engines brought in, as Strata writes them, read back value for value in
    /// pyarrow and DuckDB: timestamp_ns as TIMESTAMP(NANOS, UTC) (DuckDB's TIMESTAMPTZ_NS) with sub-microsecond
    /// digits, values before the epoch and near both ends of the nanosecond range; blob as BYTE_ARRAY without
    /// annotation (pyarrow's binary, DuckDB's BLOB) with bytes that are no UTF-8; time as TIME(MICROS,
    /// isAdjustedToUTC=false) from midnight to 24:00:00; dictionary on and off.
    @Test func newTypesReadBackInOtherEngines() throws {
        try Self.requirePythonOracles()
        let dir = try TempDirectory("strata-interop")
        var g = SplitMix64(seed: 78)
        let rows = 3_000
        let nanos: [Value] = [.timestampNanos(0), .timestampNanos(-1), .timestampNanos(1), .timestampNanos(-1_001),
                              .timestampNanos(1_704_164_645_123_456_789), .timestampNanos(Int64.max - 1),
                              .timestampNanos(Int64.min + 2), .null]
        let columns: [(String, DataType, (Int) -> Value)] = [
            ("ts_ns", .timestampNanos, { row in
                row < nanos.count ? nanos[row] : (row % 11 == 0 ? .null : .timestampNanos(Int64(bitPattern: g.next()) >> 1))
            }),
            ("ts_ns_few", .timestampNanos, { row in .timestampNanos(Int64(row % 5) * 1_000_000_007 - 3) }),
            ("bin", .blob, { row in
                if row % 13 == 0 { return .null }
                let count = Int(g.next() % 20)
                return .blob((0..<count).map { _ in UInt8(truncatingIfNeeded: g.next()) })
            }),
            ("bin_few", .blob, { row in .blob([[], [0], [0xFF, 0xFE], Array("é".utf8), [0x5C, 0x78]][row % 5]) }),
            ("t", .time, { row in
                row % 17 == 0 ? .null : .time([0, 86_400_000_000, 86_399_999_999, Int64(g.next() % 86_400_000_000)][row % 4])
            }),
        ]
        let schema = try Schema(columns.map { Field($0.0, $0.1) })
        var builders = columns.map { ColumnBuilder(type: $0.1, capacity: rows) }
        for row in 0..<rows {
            for (c, column) in columns.enumerated() { try builders[c].append(column.2(row)) }
        }
        let batch = try Batch(schema: schema, columns: builders.map { $0.finish() })
        for (label, dictionary) in [("dict", true), ("plain", false)] {
            var options = ParquetWriteOptions()
            options.pageBytes = 4 << 10
            options.dictionary = dictionary
            let file = try Self.check([batch], schema: schema, options: options, in: dir, name: "new_types_\(label)")
            let back = try ParquetFileReader(path: file).readAllRowGroups()
            for (c, column) in columns.enumerated() {
                let read = try Column.concatenate(back.map { $0.columns[c] }, type: column.1)
                #expect(read.values == batch.columns[c].values, "Strata reads its own \(column.0) column back")
            }
        }
    }

    /// The other paths: dictionary off, low-cardinality strings (dictionary pages), NOT NULL fields (no
    /// definition levels), tiny pages, an empty file.
    @Test func encodingVariants() throws {
        try Self.requirePythonOracles()
        let dir = try TempDirectory("strata-interop")
        var small = ParquetWriteOptions()
        small.rowGroupBytes = 256 << 10
        small.pageBytes = 4 << 10
        small.dictionaryPageLimit = 8 << 10

        var plain = small
        plain.dictionary = false
        try Self.check([try RandomData.batch(rows: 3_000, seed: 950)], schema: RandomData.schema(), options: plain,
                       in: dir, name: "plain")

        var lowOptions = RandomData.Options()
        lowOptions.stringCardinality = 20
        try Self.check([try RandomData.batch(rows: 3_000, seed: 951, options: lowOptions)],
                       schema: RandomData.schema(), options: small, in: dir, name: "low_cardinality")

        var required = RandomData.Options()
        required.nullable = false
        try Self.check([try RandomData.batch(rows: 3_000, seed: 952, options: required)],
                       schema: RandomData.schema(nullable: false), options: small, in: dir, name: "required")

        try Self.check([], schema: RandomData.schema(), options: small, in: dir, name: "empty")
        try Self.check([try RandomData.batch(rows: 1, seed: 953)], schema: RandomData.schema(), options: small,
                       in: dir, name: "one_row")
    }
}
