import StrataCore

/// The canonical JSON form of Strata values shared with the Python side (`Tests/interop/canonical.py`).
///
/// null -> null; bool -> true/false; int32 -> number; int64 -> decimal string; float/double -> shortest round-trip
/// decimal in Python `repr()` spelling ("nan", "inf", "-inf", "-0.0"); string -> string; date -> "YYYY-MM-DD";
/// timestamp -> decimal string of microseconds; timestamp_ns -> decimal string of nanoseconds; blob -> lower-case hex
/// of its bytes; time -> decimal string of microseconds since midnight; decimal -> its exact text with `scale` digits after the point.
package enum Canonical {
    /// The canonical JSON value of one cell.
    package static func json(_ value: Value) -> JSON {
        switch value {
        case .null: .null
        case let .bool(v): .bool(v)
        case let .int32(v): .number(String(v))
        case let .int64(v): .string(String(v))
        case let .float(v): .string(float(v))
        case let .double(v): .string(double(v))
        case let .string(v): .string(v)
        case let .date(v): .string(date(days: Int(v)))
        case let .timestamp(v), let .timestampNanos(v), let .time(v): .string(String(v))
        case let .blob(v): .string(hex(v))
        case let .decimal(units, _, scale): .string(DecimalMath.format(units.value, scale: Int(scale)))
        }
    }

    /// Lower-case hex digits of `bytes`, two per byte.
    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One row as a JSON object with the schema's column names as keys, in order.
    package static func row(_ batch: Batch, _ index: Int) -> JSON {
        .object(zip(batch.schema.fields, batch.columns).map { ($0.name, json($1.value(at: index))) })
    }

    /// The JSON Lines text of a batch (one canonical row per line).
    package static func jsonLines(_ batches: [Batch]) -> String {
        var out = ""
        for batch in batches {
            for r in 0..<batch.count {
                out += row(batch, r).description
                out += "\n"
            }
        }
        return out
    }

    /// The schema file the interop checker reads: `[{"name": ..., "type": ...}, ...]`.
    package static func schemaJSON(_ schema: Schema) -> String {
        JSON.array(schema.fields.map { .object([("name", .string($0.name)), ("type", .string($0.type.name))]) })
            .description
    }

    /// Python `repr()` of a double.
    package static func double(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        return pythonStyle(x.magnitude.description, negative: x < 0)
    }

    /// Python `repr()` of the shortest decimal that round-trips to the 32-bit float `x` (what canonical.py's
    /// `format_float32` prints), e.g. 0.1 for `Float(0.1)`, not the widened double's 0.10000000149011612.
    package static func float(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        // Swift's Float description is the shortest round-trip decimal of the 32-bit value.
        return pythonStyle(x.magnitude.description, negative: x < 0)
    }

    /// Re-spells a Swift shortest-decimal description (`123.45`, `1e-05`, `1.2345e+16`, `5e-324`) with the rules of
    /// CPython's `float_repr_style = 'short'`: digits d1..dn with decimal exponent such that the value is
    /// 0.d1..dn × 10^decpt; scientific notation when decpt <= -4 or decpt > 16, with `e`, a sign and at least two
    /// exponent digits; otherwise positional with at least one digit after the point.
    ///
    /// Swift's own spelling differs from Python's: Swift switches to exponents above 2^53 for doubles and 2^24 for
    /// floats, Python at 10^16 (`9999999999999998.0` is `9.999999999999998e+15` in Swift; `Float(17179869184)`
    /// is `1.717987e+10` in Swift, `17179870000.0` in Python), so only Swift's digits and exponent are used.
    package static func pythonStyle(_ description: String, negative: Bool) -> String {
        let parts = description.lowercased().split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var digits = Array(mantissa.filter { $0 != "." })
        var decpt = (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
            ?? mantissa.count) + exponent
        while digits.first == "0" {
            digits.removeFirst()
            decpt -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        precondition(!digits.isEmpty, "no significant digits in \(description)")
        var text = negative ? "-" : ""
        if decpt <= -4 || decpt > 16 {
            text.append(digits[0])
            if digits.count > 1 { text += "." + String(digits[1...]) }
            let e = decpt - 1
            let magnitude = String(abs(e))
            text += (e < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" + magnitude : magnitude)
        } else if decpt <= 0 {
            text += "0." + String(repeating: "0", count: -decpt) + String(digits)
        } else if decpt >= digits.count {
            text += String(digits) + String(repeating: "0", count: decpt - digits.count) + ".0"
        } else {
            text += String(digits[..<decpt]) + "." + String(digits[decpt...])
        }
        return text
    }

    /// `YYYY-MM-DD` of a day number since 1970-01-01 (proleptic Gregorian; year padded to 4 digits, "-" for
    /// negative years), Howard Hinnant's civil_from_days. Agrees with canonical.py's `format_date` from
    /// 0000-03-01 on; before that the Python version's floor division puts the era one too low.
    package static func date(days: Int) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count < width ? String(repeating: "0", count: width - s.count) + s : s
        }
        return (y < 0 ? "-" : "") + pad(abs(y), 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }
}
