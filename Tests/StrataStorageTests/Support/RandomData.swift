import StrataCore
import StrataTestSupport

extension SplitMix64 {
    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    /// A uniformly chosen element.
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

/// Random batches covering every Strata type and the values that break naive encoders.
enum RandomData {
    /// Options of ``batch(rows:seed:options:)``.
    struct Options: Sendable {
        /// Fraction of null cells in nullable columns.
        var nullFraction = 0.1
        /// Whether the fields are nullable (false: no nulls at all, NOT NULL fields).
        var nullable = true
        /// When set, strings are drawn from this many distinct values (the dictionary path); otherwise almost
        /// every string is distinct (the dictionary overflows and falls back to PLAIN).
        var stringCardinality: Int?
    }

    /// One field of each type: b, i32, i64, f32, f64, s, d, ts.
    static func schema(nullable: Bool = true) -> Schema {
        let fields: [(String, DataType)] = [
            ("b", .bool), ("i32", .int32), ("i64", .int64), ("f32", .float), ("f64", .double), ("s", .string),
            ("d", .date), ("ts", .timestamp),
        ]
        return Schema(unchecked: fields.map { Field($0.0, $0.1, nullable: nullable) })
    }

    static let specialFloats: [Float] = [
        .nan, -.nan, .infinity, -.infinity, -0.0, 0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.1, 1e-5, 16_777_216, 17_179_869_184, Float(bitPattern: 0x0025_0000), 1.0, -1.5,
    ]
    static let specialDoubles: [Double] = [
        .nan, -.nan, .infinity, -.infinity, -0.0, 0.0, .leastNonzeroMagnitude, .leastNormalMagnitude,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.1, 1e-5, 1e16, 9_999_999_999_999_998, 1e22, 100.0,
        9_007_199_254_740_994, 2.2250738585072014e-308, -123_456.789,
    ]
    static let specialInt32: [Int32] = [.min, .max, .min + 1, .max - 1, 0, -1, 1]
    static let specialInt64: [Int64] = [
        .min, .max, .min + 1, .max - 1, 0, -1, 1, 9_007_199_254_740_993, -9_007_199_254_740_993, 1 << 32, -(1 << 31) - 1,
    ]
    static let specialStrings: [String] = [
        "", " ", "é", "日本語テキスト", "🦀 crab", "e\u{301}", "\u{200B}zero width", "quote \" and \\ backslash",
        "line\nbreak\ttab\r", "\u{0}nul inside", "\u{1F}", "ÅÄÖ åäö", String(repeating: "long ", count: 40),
        "Ωmega", "\u{FEFF}bom",
    ]
    /// 0001-01-01 ... 9999-12-31 as day numbers.
    static let dayRange: ClosedRange<Int32> = -719_162 ... 2_932_896
    static let specialDays: [Int32] = [0, -1, 1, -719_162, 2_932_896, -141_427 /* 1582-10-15 */, -25_567 /* 1900 */,
                                       11_016 /* 2000-02-29 */, -4_000]
    /// Microseconds of 0001-01-01T00:00:00 ... 9999-12-31T23:59:59.999999.
    static let microsRange: ClosedRange<Int64> = -62_135_596_800_000_000 ... 253_402_300_799_999_999
    static let specialMicros: [Int64] = [0, -1, 1, 1_700_000_000_123_456, -62_135_596_800_000_000,
                                         253_402_300_799_999_999, -1_000_001, 951_782_400_000_001]

    /// A batch of `rows` rows under ``schema(nullable:)``, fully determined by `seed`.
    static func batch(rows: Int, seed: UInt64, options: Options = Options()) throws -> Batch {
        var g = SplitMix64(seed: seed)
        let schema = schema(nullable: options.nullable)
        let nulls = options.nullable ? options.nullFraction : 0
        let pool: [String]? = options.stringCardinality.map { k in
            (0..<k).map { i in i < specialStrings.count ? specialStrings[i] : "value-\(i)-ü" }
        }
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows) }
        for _ in 0..<rows {
            for (c, field) in schema.fields.enumerated() {
                if nulls > 0, g.chance(nulls) {
                    builders[c].appendNull()
                    continue
                }
                let special = g.chance(0.1)
                switch field.type {
                case .bool:
                    builders[c].append(g.next() & 1 == 1)
                case .int32:
                    builders[c].append(special ? g.pick(specialInt32) : Int32(truncatingIfNeeded: g.next()))
                case .int64:
                    let v: Int64 = special ? g.pick(specialInt64)
                        : g.chance(0.5) ? Int64(bitPattern: g.next()) : Int64(bitPattern: g.next()) >> 40
                    builders[c].append(v)
                case .float:
                    builders[c].append(special ? g.pick(specialFloats) : randomFloat(&g))
                case .double:
                    builders[c].append(special ? g.pick(specialDoubles) : randomDouble(&g))
                case .string:
                    let s: String
                    if let pool { s = g.pick(pool) } else if special { s = g.pick(specialStrings) } else {
                        s = randomString(&g)
                    }
                    try builders[c].append(s)
                case .date:
                    builders[c].append(special ? g.pick(specialDays) : Int32.random(in: dayRange, using: &g))
                case .timestamp:
                    builders[c].append(special ? g.pick(specialMicros) : Int64.random(in: microsRange, using: &g))
                case .timestampNanos:
                    // Not in the random schema.
                    builders[c].append(Int64(bitPattern: g.next()))
                case .time:
                    // Not in the random schema.
                    try builders[c].append(.time(Int64(g.next() % 86_400_000_001)))
                case .blob:
                    // Not in the random schema.
                    try builders[c].append(.blob((0..<g.next() % 9).map { _ in UInt8(truncatingIfNeeded: g.next()) }))
                case .decimal:
                    // Not in the random schema; units within 18 digits fit every decimal column.
                    builders[c].append(decimalUnits: Int128(Int64(bitPattern: g.next()) % 1_000_000_000_000_000_000))
                }
            }
        }
        return try Batch(schema: schema, columns: builders.map { $0.finish() })
    }

    /// A float from random bits (any finite value, NaNs with payloads, infinities) or a short decimal.
    static func randomFloat(_ g: inout SplitMix64) -> Float {
        switch g.next() % 3 {
        case 0: return Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
        case 1: return Float(Int32(truncatingIfNeeded: g.next()) % 100_000) / 100
        default: return Float.random(in: -1e6 ... 1e6, using: &g)
        }
    }

    /// A double from random bits or a short decimal.
    static func randomDouble(_ g: inout SplitMix64) -> Double {
        switch g.next() % 3 {
        case 0: return Double(bitPattern: g.next())
        case 1: return Double(Int64(bitPattern: g.next()) % 10_000_000_000) / 1000
        default: return Double.random(in: -1e12 ... 1e12, using: &g)
        }
    }

    /// 0–24 characters mixing ASCII, accented letters, CJK and emoji.
    static func randomString(_ g: inout SplitMix64) -> String {
        let alphabet: [Character] = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,éüßçñ日本語中文🙂🦀")
        let length = Int(g.next() % 25)
        var s = ""
        for _ in 0..<length { s.append(g.pick(alphabet)) }
        return s
    }

    /// A table of `rows` rows with a sorted, distinct, non-null `id` (int64) and a nullable `v` (string).
    static func sortedBatch(rows: Int, start: Int64 = 0, seed: UInt64) throws -> Batch {
        var g = SplitMix64(seed: seed)
        var ids = ColumnBuilder(type: .int64, capacity: rows)
        var values = ColumnBuilder(type: .string, capacity: rows)
        for i in 0..<rows {
            ids.append(start + Int64(i))
            if g.chance(0.1) { values.appendNull() } else { try values.append("v\(g.next() % 1000)") }
        }
        let schema = Schema(unchecked: [Field("id", .int64, nullable: false), Field("v", .string)])
        return try Batch(schema: schema, columns: [ids.finish(), values.finish()])
    }
}
