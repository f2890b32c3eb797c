import StrataCore
import StrataExecution

/// JSON lines as DuckDB's writer (yyjson) produces them (`COPY … TO 'x.json' (FORMAT json)`): one object per row,
/// `{"a":1,"b":"x"}`, keys in column order, no header; NULL is `null`, dates and timestamps are strings.
///
/// - Strings: `"` and `\` escaped, `\b \t \n \f \r` for those controls, `\u00XX` (upper-case hex) for the other
///   bytes below 0x20; everything else (DEL, `/`, U+2028) as is.
/// - Doubles: the shortest round-trip digits, positional for magnitudes from 1e-6 to below 1e21
///   (`100000000000000000000.0`, `0.000001`), else with an exponent, `1e21`, `1.5e-7` (no `+`, no padding);
///   `NaN`, `Infinity`, `-Infinity` (not JSON, but what DuckDB writes). Floats are widened to double first
///   (`0.1f` is `0.10000000149011612`).
struct JSONLineFormat: LineFormat {
    let null: [UInt8] = Array("null".utf8)
    let quotesTemporalValues = true
    let rowEnd: [UInt8] = Array("}\n".utf8)
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    func header(_ schema: Schema) -> [UInt8] { [] }

    func cellPrefixes(_ schema: Schema) -> [[UInt8]] {
        schema.fields.enumerated().map { i, field in
            [UInt8(ascii: i == 0 ? "{" : ",")] + spelled(field.name) + [UInt8(ascii: ":")]
        }
    }

    func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        for (i, b) in bytes.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            start = i + 1
            out.append(UInt8(ascii: "\\"))
            switch b {
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
            default:
                out.append(contentsOf: "u00".utf8)
                out.append(Self.hexDigits[Int(b >> 4)])
                out.append(Self.hexDigits[Int(b & 15)])
            }
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
        out.append(UInt8(ascii: "\""))
    }

    func appendDouble(_ x: Double, to out: inout [UInt8]) {
        if x.isNaN { return out.append(contentsOf: "NaN".utf8) }
        if x.isInfinite { return out.append(contentsOf: (x < 0 ? "-Infinity" : "Infinity").utf8) }
        let (negative, digits, point) = ValueText.decimalDigits(x)
        guard let first = digits.first, point <= -6 || point > 21 else {
            return out.append(contentsOf: ValueText.positional(negative: negative, digits: digits, point: point).utf8)
        }
        if negative { out.append(UInt8(ascii: "-")) }
        out.append(first)
        if digits.count > 1 {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[1...])
        }
        out.append(UInt8(ascii: "e"))
        out.append(contentsOf: String(point - 1).utf8)
    }

    func appendFloat(_ x: Float, to out: inout [UInt8]) {
        appendDouble(Double(x), to: &out)
    }
}
