import Strata

/// Number formatting shared by the commands.
enum Formatting {
    static func bytes(_ n: Int64) -> String { ByteCount.format(Int(n)) }

    static func ratio(_ r: Double) -> String {
        let rounded = (r * 100).rounded() / 100
        return "\(rounded)x"
    }

    static func seconds(_ s: Double) -> String {
        let rounded = (s * 1000).rounded() / 1000
        return "\(rounded) s"
    }

    /// `1 row`, `12,345 rows`.
    static func rows(_ n: Int64) -> String { n == 1 ? "1 row" : count(n) + " rows" }

    /// `12345678` as `12,345,678`.
    static func count(_ n: Int64) -> String { CountText.grouped(n) }

    /// Megabytes (10^6 bytes) per second with one decimal.
    static func rate(_ bytes: Int64, seconds: Double) -> String {
        guard seconds > 0 else { return "-" }
        return "\((Double(bytes) / 1e6 / seconds * 10).rounded() / 10) MB/s"
    }
}
