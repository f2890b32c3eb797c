/// Counts as people read them: `12345678` as `12,345,678`.
package enum CountText {
    /// `n` with its digits grouped by thousands.
    package static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}
