/// DuckDB's text form of BLOB values, both ways.
///
/// A byte prints as itself when it is printable ASCII (0x20...0x7E) other than `\`, `'` and `"`, else as `\xHH`
/// with two upper-case hex digits (DuckDB's `Blob::ToString`), so the text is always ASCII. Parsing takes
/// ASCII characters as themselves and `\xHH` (either case of hex digit) as one byte; any other byte or escape fails,
/// as DuckDB's VARCHAR → BLOB cast does.
package enum BlobText {
    /// Appends the text of `bytes` to `out`.
    @inlinable
    package static func append<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        for byte in bytes {
            if byte >= 0x20, byte <= 0x7E, byte != UInt8(ascii: "\\"), byte != UInt8(ascii: "'"),
               byte != UInt8(ascii: "\"")
            {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "x"))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            }
        }
    }

    /// The text of `bytes`.
    package static func format<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the bytes `text` stands for to `out`; `false` (with `out` partly appended) when it holds a non-ASCII
    /// byte or a `\` not followed by `x` and two hex digits.
    package static func parse(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        var i = 0
        while i < text.count {
            let byte = text[i]
            guard byte < 0x80 else { return false }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                i += 1
                continue
            }
            guard i + 3 < text.count, text[i + 1] == UInt8(ascii: "x"), let high = hexValue(text[i + 2]),
                  let low = hexValue(text[i + 3]) else { return false }
            out.append(high << 4 | low)
            i += 4
        }
        return true
    }

    @usableFromInline
    static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
