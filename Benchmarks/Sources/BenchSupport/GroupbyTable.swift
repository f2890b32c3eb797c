import Strata

/// Rows shaped like the h2oai db-benchmark groupby data (`G1_<rows>_<K>_0_0.csv`, no nulls), generated
/// deterministically: the same rows on every machine. With `K` groups:
///
/// | column | type   | values                                                          |
/// |--------|--------|-----------------------------------------------------------------|
/// | id1    | string | `id001` … `id<K>` (three digits for K = 100)                    |
/// | id2    | string | the same                                                        |
/// | id3    | string | `id0000000001` … (ten digits), one of `rows / K` values         |
/// | id4    | int64  | 1 … K                                                           |
/// | id5    | int64  | 1 … K                                                           |
/// | id6    | int64  | 1 … rows / K                                                    |
/// | v1     | int64  | 1 … 5                                                           |
/// | v2     | int64  | 1 … 15                                                          |
/// | v3     | double | [0, 100] with six decimals                                      |
///
/// A CSV line reads like `id016,id046,id0000109849,84,8,6032,4,13,60.736908`.
public struct GroupbyTable: Sendable {
    /// The columns, in file order.
    public static let fields: [Field] = ["id1", "id2", "id3"].map { Field($0, .string) }
        + ["id4", "id5", "id6", "v1", "v2"].map { Field($0, .int64) } + [Field("v3", .double)]
    /// The seed the benchmarks use.
    public static let defaultSeed: UInt64 = 0x4742_5931_5F31_4532

    /// Number of rows.
    public let rows: Int
    /// `K`: distinct values of id1, id2, id4 and id5.
    public let groups: Int

    // id1…id6, v1, v2 as numbers; v3 in millionths.
    private let ids: [[Int64]]
    private let values: [[Int64]]
    private let v3Micros: [Int64]
    private let smallIdDigits: Int

    /// Generates `rows` rows with `groups` groups from `seed`.
    public init(rows: Int, groups: Int = 100, seed: UInt64 = defaultSeed) {
        precondition(rows > 0 && groups > 0)
        var rng = SplitMix64(seed: seed)
        let large = max(1, rows / groups)
        func draw(_ n: Int) -> [Int64] { (0..<rows).map { _ in Int64(1 + rng.next() % UInt64(n)) } }
        ids = [draw(groups), draw(groups), draw(large), draw(groups), draw(groups), draw(large)]
        values = [draw(5), draw(15)]
        v3Micros = (0..<rows).map { _ in Int64(rng.next() % 100_000_001) }
        self.rows = rows
        self.groups = groups
        smallIdDigits = max(3, String(groups).count)
    }

    /// The table's schema.
    public static func schema() throws -> Schema {
        try Schema(fields)
    }

    /// The rows as batches of `batchRows`, in order.
    public func batches(batchRows: Int = SyntheticTable.defaultBatchRows) throws -> [Batch] {
        precondition(batchRows > 0)
        let schema = try Self.schema()
        let numeric = Array(ids[3...]) + values
        var out: [Batch] = []
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + batchRows)
            var columns: [Column] = []
            for (c, digits) in [smallIdDigits, smallIdDigits, 10].enumerated() {
                var offsets: [Int32] = [0]
                offsets.reserveCapacity(range.count + 1)
                var bytes: [UInt8] = []
                bytes.reserveCapacity(range.count * (digits + 2))
                for row in range {
                    Self.appendID(ids[c][row], digits: digits, to: &bytes)
                    offsets.append(Int32(bytes.count))
                }
                columns.append(try Column(type: .string, data: .string(StringBuffer(offsets: offsets, bytes: bytes))))
            }
            for column in numeric {
                columns.append(try Column(type: .int64, data: .int64(Array(column[range]))))
            }
            columns.append(try Column(type: .double, data: .double(v3Micros[range].map { Double($0) / 1e6 })))
            out.append(try Batch(schema: schema, columns: columns))
            start = range.upperBound
        }
        return out
    }

    /// The rows as CSV text without a header, one `\n`-terminated line per row; with `quoteStrings`, the three
    /// string fields are in double quotes.
    public func csv(quoteStrings: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows * (quoteStrings ? 56 : 50))
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let numeric = Array(ids[3...]) + values
        for row in 0..<rows {
            for (c, digits) in [smallIdDigits, smallIdDigits, 10].enumerated() {
                if quoteStrings { out.append(quote) }
                Self.appendID(ids[c][row], digits: digits, to: &out)
                if quoteStrings { out.append(quote) }
                out.append(comma)
            }
            for column in numeric {
                Self.appendDigits(column[row], width: 1, to: &out)
                out.append(comma)
            }
            let micros = v3Micros[row]
            Self.appendDigits(micros / 1_000_000, width: 1, to: &out)
            out.append(UInt8(ascii: "."))
            Self.appendDigits(micros % 1_000_000, width: 6, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Appends `id` and `value` zero-padded to `digits` digits.
    private static func appendID(_ value: Int64, digits: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "i"))
        out.append(UInt8(ascii: "d"))
        appendDigits(value, width: digits, to: &out)
    }

    /// Appends the decimal digits of `value` (not negative), zero-padded to at least `width` digits.
    private static func appendDigits(_ value: Int64, width: Int, to out: inout [UInt8]) {
        var count = 1
        var power: Int64 = 10
        while count < 19 && power <= value {
            count += 1
            power &*= 10
        }
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(count, width)))
        var rest = value
        var index = out.count - 1
        repeat {
            out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        } while rest > 0
    }
}
