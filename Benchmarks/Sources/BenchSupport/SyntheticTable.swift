import Strata

/// SplitMix64: a tiny, fast, deterministic generator (Steele, Lea and Flood, 2014). The same seed gives the same
/// data on every machine and toolchain, which `SystemRandomNumberGenerator` does not.
public struct SplitMix64: RandomNumberGenerator {
    @usableFromInline var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}

/// The synthetic table the Parquet benchmarks write and scan: ten typed columns, about 10% nulls in every column
/// but `id`, generated deterministically from a seed.
///
/// | column | type      | values                                                        |
/// |--------|-----------|---------------------------------------------------------------|
/// | id     | int64     | 0, 1, 2, … (row number; never null)                           |
/// | i32    | int32     | uniform over all Int32                                        |
/// | i64    | int64     | uniform over all Int64                                        |
/// | f64    | double    | uniform in [-1e6, 1e6)                                        |
/// | f32    | float     | uniform in [-1e3, 1e3)                                        |
/// | flag   | bool      | fair coin                                                     |
/// | cat    | string    | one of 100 names (`category-000` … `category-099`)            |
/// | text   | string    | 8–24 random characters from [A-Za-z0-9]                      |
/// | day    | date      | a day in 2000-01-01 … 2029-12-31                              |
/// | ts     | timestamp | a microsecond in 2020-01-01 … 2025-12-31 UTC                  |
public enum SyntheticTable {
    /// Rows per generated batch.
    public static let defaultBatchRows = 65_536
    /// The seed the benchmarks use.
    public static let defaultSeed: UInt64 = 0x5752_4154_4142_454E
    /// Probability that a value (outside `id`) is null.
    public static let nullFraction = 0.10

    /// The table's schema.
    public static let schema: Schema = {
        // The names are distinct literals: this cannot fail.
        try! Schema([
            Field("id", .int64, nullable: false),
            Field("i32", .int32),
            Field("i64", .int64),
            Field("f64", .double),
            Field("f32", .float),
            Field("flag", .bool),
            Field("cat", .string),
            Field("text", .string),
            Field("day", .date),
            Field("ts", .timestamp),
        ])
    }()

    private static let categories: [[UInt8]] = (0..<100).map { i in
        let digits = String(i)
        return Array(("category-" + String(repeating: "0", count: 3 - digits.count) + digits).utf8)
    }
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let firstDay: Int32 = 10_957 // 2000-01-01
    private static let dayCount: UInt64 = 10_958 // through 2029-12-31
    private static let firstMicros: Int64 = 1_577_836_800_000_000 // 2020-01-01T00:00:00Z
    private static let microsRange: UInt64 = 189_302_400_000_000 // six years, through 2025-12-31

    /// All `rows` rows as batches of `batchRows`, in order. Batch `k` depends only on `seed` and `k`.
    public static func batches(rows: Int, batchRows: Int = defaultBatchRows, seed: UInt64 = defaultSeed) -> [Batch] {
        precondition(rows >= 0 && batchRows > 0)
        var out: [Batch] = []
        out.reserveCapacity((rows + batchRows - 1) / batchRows)
        var start = 0
        while start < rows {
            let count = min(batchRows, rows - start)
            out.append(batch(index: out.count, firstRow: start, rows: count, seed: seed))
            start += count
        }
        return out
    }

    /// Uncompressed in-memory size of `batches` (value buffers, string offsets and validity words).
    public static func byteCount(_ batches: [Batch]) -> Int {
        batches.reduce(0) { $0 + $1.byteCount }
    }

    /// One batch: rows `firstRow ..< firstRow + rows`.
    public static func batch(index: Int, firstRow: Int, rows: Int, seed: UInt64) -> Batch {
        var rng = SplitMix64(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        func nulls() -> ValidityMask {
            var mask = ValidityMask(count: rows, allValid: true)
            let threshold = UInt64(nullFraction * 0x1p64)
            for i in 0..<rows where rng.next() < threshold { mask.set(i, valid: false) }
            return mask
        }
        func unit() -> Double { Double(rng.next() >> 11) * 0x1p-53 }

        let id = (0..<rows).map { Int64(firstRow + $0) }

        let i32Valid = nulls()
        let i32 = (0..<rows).map { i in i32Valid.isValid(i) ? Int32(truncatingIfNeeded: rng.next()) : 0 }
        let i64Valid = nulls()
        let i64 = (0..<rows).map { i in i64Valid.isValid(i) ? Int64(bitPattern: rng.next()) : 0 }
        let f64Valid = nulls()
        let f64 = (0..<rows).map { i in f64Valid.isValid(i) ? unit() * 2e6 - 1e6 : 0 }
        let f32Valid = nulls()
        let f32 = (0..<rows).map { i in f32Valid.isValid(i) ? Float(unit() * 2e3 - 1e3) : 0 }
        let flagValid = nulls()
        let flag = (0..<rows).map { i in flagValid.isValid(i) ? rng.next() & 1 == 1 : false }

        let catValid = nulls()
        var catOffsets: [Int32] = [0]
        catOffsets.reserveCapacity(rows + 1)
        var catBytes: [UInt8] = []
        catBytes.reserveCapacity(rows * 12)
        for i in 0..<rows {
            if catValid.isValid(i) { catBytes += categories[Int(rng.next() % 100)] }
            catOffsets.append(Int32(catBytes.count))
        }

        let textValid = nulls()
        var textOffsets: [Int32] = [0]
        textOffsets.reserveCapacity(rows + 1)
        var textBytes: [UInt8] = []
        textBytes.reserveCapacity(rows * 16)
        for i in 0..<rows {
            if textValid.isValid(i) {
                let length = 8 + Int(rng.next() % 17)
                var bits = rng.next()
                for k in 0..<length {
                    if k > 0, k % 10 == 0 { bits = rng.next() } // 6 bits per character: 10 per word
                    textBytes.append(alphabet[Int(bits & 63) % alphabet.count])
                    bits >>= 6
                }
            }
            textOffsets.append(Int32(textBytes.count))
        }

        let dayValid = nulls()
        let day = (0..<rows).map { i in dayValid.isValid(i) ? firstDay + Int32(rng.next() % dayCount) : 0 }
        let tsValid = nulls()
        let ts = (0..<rows).map { i in tsValid.isValid(i) ? firstMicros + Int64(rng.next() % microsRange) : 0 }

        // The buffers above match the schema by construction.
        return try! Batch(schema: schema, columns: [
            Column(type: .int64, data: .int64(id)),
            Column(type: .int32, data: .int32(i32), validity: i32Valid),
            Column(type: .int64, data: .int64(i64), validity: i64Valid),
            Column(type: .double, data: .double(f64), validity: f64Valid),
            Column(type: .float, data: .float(f32), validity: f32Valid),
            Column(type: .bool, data: .bool(flag), validity: flagValid),
            Column(type: .string, data: .string(StringBuffer(offsets: catOffsets, bytes: catBytes)),
                   validity: catValid),
            Column(type: .string, data: .string(StringBuffer(offsets: textOffsets, bytes: textBytes)),
                   validity: textValid),
            Column(type: .date, data: .int32(day), validity: dayValid),
            Column(type: .timestamp, data: .int64(ts), validity: tsValid),
        ])
    }
}
