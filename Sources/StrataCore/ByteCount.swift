/// Parses and formats byte sizes such as `512MB`, `1.5GiB` or `4096`.
///
/// Decimal units (KB, MB, GB, TB) are powers of 1000 and binary units (KiB, MiB, GiB, TiB) powers of 1024, as in
/// DuckDB. A bare number is bytes.
public enum ByteCount {
    /// Parses `text`; throws a clear error for anything else.
    public static func parse(_ text: String) throws(StrataError) -> Int {
        let trimmed = text.filter { $0 != " " }
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).lowercased()
        let multipliers: [String: Double] = [
            "": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
            "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
        ]
        guard let number = Double(digits), number >= 0, let multiplier = multipliers[unit] else {
            throw StrataError(.invalidArgument,
                              "invalid size \"\(text)\"; expected a number with an optional unit such as 512MB or 1GiB")
        }
        let bytes = (number * multiplier).rounded()
        guard bytes < 9.0e18 else { throw StrataError(.invalidArgument, "size \"\(text)\" is too large") }
        return Int(bytes)
    }

    /// Formats `bytes` with a binary unit, e.g. `1.5 MiB`.
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        return "\(rounded) \(units[unit])"
    }
}
