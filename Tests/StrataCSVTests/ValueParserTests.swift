import Foundation
import StrataCore
import Testing
@testable import StrataCSV
import StrataTestSupport

// Every parser is called on an exact-size heap copy of the text (`withExactBytes`), never on a padded buffer.

private func int64(_ s: String, lenient: Bool) -> Int64? {
    withExactBytes(s) { ValueParser.int64($0, $1, lenient: lenient) }
}

private func double(_ s: String, lenient: Bool) -> Double? {
    withExactBytes(s) { ValueParser.double($0, $1, lenient: lenient) }
}

private func bool(_ s: String, lenient: Bool) -> Bool? {
    withExactBytes(s) { ValueParser.bool($0, $1, lenient: lenient) }
}

private func date(_ s: String) -> Int32? {
    withExactBytes(s) { ValueParser.date($0, $1) }
}

private func timestamp(_ s: String, lenient: Bool = false) -> Int64? {
    withExactBytes(s) { ValueParser.timestamp($0, $1, lenient: lenient) }
}

private func classify(_ s: String) -> ValueKind {
    withExactBytes(s) { ValueParser.classify($0, $1) }
}

private func classify(_ bytes: [UInt8]) -> ValueKind {
    withExactBytes(bytes) { ValueParser.classify($0, $1) }
}

/// Microseconds since the epoch of a UTC wall-clock time.
private func micros(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, _ us: Int = 0) -> Int64 {
    Int64(CivilDate.days(year: y, month: mo, day: d)) * 86_400_000_000
        + Int64(h * 3600 + mi * 60 + s) * 1_000_000 + Int64(us)
}

/// Bit-for-bit equality of optional doubles (so -0.0 differs from 0.0 and NaN equals NaN of any payload).
private func sameBits(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case let (x?, y?): x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
    default: false
    }
}

@Suite struct ValueParserInt64Tests {
    @Test func strictAndLenientEdgeCases() {
        // text, strict, lenient
        let cases: [(String, Int64?, Int64?)] = [
            ("0", 0, 0),
            ("7", 7, 7),
            ("-7", -7, -7),
            ("10", 10, 10),
            ("9223372036854775807", .max, .max),
            ("-9223372036854775808", .min, .min),
            ("9223372036854775808", nil, nil),       // Int64.max + 1
            ("-9223372036854775809", nil, nil),      // Int64.min - 1
            ("92233720368547758070", nil, nil),      // ten times too big
            ("18446744073709551616", nil, nil),      // 2^64 (would wrap to 0 in an unchecked accumulator)
            ("99999999999999999999", nil, nil),
            ("-0", nil, 0),
            ("-00", nil, 0),
            ("00", nil, 0),
            ("007", nil, 7),
            ("-007", nil, -7),
            ("+5", nil, 5),
            ("+0", nil, 0),
            ("+007", nil, 7),
            ("0009223372036854775807", nil, .max),   // leading zeros do not count towards overflow
            ("-0009223372036854775808", nil, .min),
            ("+9223372036854775808", nil, nil),
            ("", nil, nil),
            ("-", nil, nil),
            ("+", nil, nil),
            ("--5", nil, nil),
            ("+-5", nil, nil),
            ("-+5", nil, nil),
            (" 5", nil, nil),
            ("5 ", nil, nil),
            ("5\n", nil, nil),
            ("1e3", nil, nil),
            ("1.0", nil, nil),
            ("0x10", nil, nil),
            ("1_000", nil, nil),
            ("١", nil, nil),                          // Arabic-Indic digit one
            ("5/", nil, nil),                         // '/' is '0' - 1
            ("5:", nil, nil),                         // ':' is '9' + 1
        ]
        for (text, strict, lenient) in cases {
            #expect(int64(text, lenient: false) == strict, "strict \(text.debugDescription)")
            #expect(int64(text, lenient: true) == lenient, "lenient \(text.debugDescription)")
        }
    }

    @Test func randomIntegersRoundTrip() {
        var g = SplitMix64(seed: 0x1A7)
        for i in 0..<20_000 {
            let shift = UInt64(i % 64)
            let v = Int64(bitPattern: g.next()) >> shift
            let text = String(v)
            #expect(int64(text, lenient: false) == v, "\(text)")
            #expect(int64(text, lenient: true) == v, "\(text)")
            // Lenient also takes a '+' and leading zeros; strict refuses both.
            let padded = v < 0 ? "-00" + String(v.magnitude) : (g.chance(0.5) ? "+" : "") + "000" + text
            #expect(int64(padded, lenient: true) == v, "\(padded)")
            #expect(int64(padded, lenient: false) == nil, "\(padded)")
            // One more digit overflows unless the value is small.
            let longer = text + "0"
            let expected: Int64? = v.multipliedReportingOverflow(by: 10).overflow ? nil : v * 10
            #expect(int64(longer, lenient: false) == (v == 0 ? nil : expected), "\(longer)")
        }
    }
}

@Suite struct ValueParserDoubleTests {
    /// Text in the strict grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` or `-?\.[0-9]+(…)?` with 1–25
    /// significant digits and a decimal exponent in −330…310.
    private static func randomDecimal(_ g: inout SplitMix64) -> String {
        let count = g.int(1...25)
        var digits = String(g.int(1...9))
        for _ in 1..<count { digits += String(g.int(0...9)) }
        var text = g.chance(0.5) ? "-" : ""
        let point = g.int(0...count)
        if point == 0 {
            // "0.000ddd" or ".000ddd"
            text += (g.chance(0.8) ? "0." : ".") + String(repeating: "0", count: g.int(0...4)) + digits
        } else if point == count {
            text += digits
        } else {
            let cut = digits.index(digits.startIndex, offsetBy: point)
            text += digits[..<cut] + "." + digits[cut...]
        }
        if g.chance(0.75) {
            // Spread the total decimal exponent over −330…310.
            let exponent = g.int(-330...310) + (count - point) - 1
            text += g.chance(0.5) ? "e" : "E"
            if exponent < 0 {
                text += "-"
            } else if g.chance(0.3) {
                text += "+"
            }
            text += (g.chance(0.1) ? "00" : "") + String(exponent.magnitude)
        }
        return text
    }

    /// Text of a double as a program would print it: Swift's shortest form or a printf format.
    private static func printed(_ v: Double, _ g: inout SplitMix64) -> String {
        switch g.next() % 4 {
        case 0: return v.description
        case 1: return String(format: "%.17e", v)
        case 2: return String(format: "%.\(g.int(1...20))g", v)
        default: return String(format: "%.\(g.int(0...120))f", v)
        }
    }

    /// ~200k texts: strict must agree with `Double(String)` bit for bit (nil when the value is not finite), and
    /// lenient must agree with strict on the strict grammar.
    @Test func strictMatchesStandardLibraryOnRandomInputs() {
        var g = SplitMix64(seed: 0xD0_0B1E)
        var checked = 0, tooLong = 0
        var failures: [String] = []
        func check(_ text: String) {
            guard let reference = Double(text) else {
                failures.append("generator produced \(text.debugDescription), which Double(String) rejects")
                return
            }
            let expected: Double? = reference.isFinite ? reference : nil
            let strict = double(text, lenient: false)
            if !sameBits(strict, expected) {
                failures.append("strict \(text): \(String(describing: strict)) expected \(String(describing: expected))")
            }
            let lenient = double(text, lenient: true)
            if !sameBits(lenient, reference) {
                failures.append("lenient \(text): \(String(describing: lenient)) expected \(reference)")
            }
            checked += 1
        }
        var produced = 0
        while produced < 100_000 {
            let v = Double(bitPattern: g.next())
            guard v.isFinite else { continue }
            let text = Self.printed(v, &g)
            // %f of a huge value is hundreds of digits: keep those, but they are not the point.
            if text.utf8.count >= 400 { tooLong += 1 }
            check(text)
            produced += 1
        }
        for _ in 0..<100_000 { check(Self.randomDecimal(&g)) }
        #expect(checked == 200_000)
        #expect(tooLong > 0, "some %f texts should take the long-input path")
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5))")
    }

    @Test func fastPathBoundaries() {
        // Mantissas around 2^53 and powers of ten around 22, where the exact fast path stops.
        let texts = [
            "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740995", "-9007199254740993",
            "9007199254740993e1", "900719925474099.3", "1e22", "1e23", "9e22", "1e-22", "1e-23", "123456789e-22",
            "4.9406564584124654e-324", "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
            "1.7976931348623157e308", "1.7976931348623158e308", "2.2250738585072011e-308", "2.2250738585072012e-308",
            "0.1", "0.3", "1234567890123456789", "12345678901234567890", "1234567890123456789012345",
            "0.000000000000000000000000000000000001", "123456789012345678901234567890e-30",
            "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
            "0e0", "-0e0", "0.0", "-0.0", "0.000e-500", "-0", "0e99999999999", "1e-99999999999",
        ]
        for text in texts {
            let reference = Double(text)!
            #expect(sameBits(double(text, lenient: false), reference.isFinite ? reference : nil), "\(text)")
            #expect(sameBits(double(text, lenient: true), reference), "\(text)")
        }
        #expect(double("-0", lenient: false)?.sign == .minus)
        #expect(double("1e309", lenient: false) == nil)
        #expect(double("-1e309", lenient: false) == nil)
        #expect(double("1e309", lenient: true) == .infinity)
        #expect(double("1.5E+400", lenient: false) == nil)
    }

    /// What the strict grammar forbids, and what lenient makes of it.
    @Test func strictRejectsAndLenientAccepts() {
        // text, lenient value (nil: lenient rejects too)
        let cases: [(String, Double?)] = [
            ("007", 7), ("01.5", 1.5), ("-01.5", -1.5), ("00.5", 0.5), ("00", 0), ("-00", -0.0), ("00e5", 0),
            ("+5", 5), ("+1.5e3", 1500), ("+.5", 0.5), ("+0", 0),
            ("5.", 5), ("-5.", -5), ("5.e2", 500), ("0.", 0),
            ("inf", .infinity), ("INF", .infinity), ("-inf", -.infinity), ("+inf", .infinity),
            ("Infinity", .infinity), ("-INFINITY", -.infinity),
            ("nan", .nan), ("NaN", .nan), ("-nan", .nan), ("NAN", .nan),
            // Rejected by both:
            ("0x1p3", nil), ("0X10", nil), ("-0x1", nil), (" 1.5", nil), ("1.5 ", nil), ("1 5", nil), ("\t1", nil),
            ("1.5\n", nil), ("", nil), (".", nil), ("-", nil), ("+", nil), ("-.", nil), ("e5", nil), (".e5", nil),
            ("1e", nil), ("1e+", nil), ("1e-", nil), ("1ee5", nil), ("1e5e5", nil), ("1.5.2", nil), ("1..5", nil),
            ("--1", nil), ("+-1", nil), ("1,5", nil), ("1_000.5", nil), ("infinit", nil), ("infinityy", nil),
            ("nana", nil), ("in", nil), ("inf5", nil), ("5inf", nil), ("1e5.5", nil), ("1d5", nil), ("1f", nil),
        ]
        for (text, lenient) in cases {
            #expect(double(text, lenient: false) == nil, "strict must reject \(text.debugDescription)")
            #expect(sameBits(double(text, lenient: true), lenient), "lenient \(text.debugDescription)")
        }
    }

    @Test func lenientVariantsOfRandomDecimals() {
        var g = SplitMix64(seed: 0x1E_4E47)
        for _ in 0..<10_000 {
            let text = Self.randomDecimal(&g)
            guard let strict = double(text, lenient: false) else { continue }
            let negative = text.hasPrefix("-")
            let body = negative ? String(text.dropFirst()) : text
            // A '+' and leading zeros change nothing under lenient and are refused by strict.
            var variants = [(negative ? "-" : "") + "00" + body]
            if !negative { variants += ["+" + body, "+0" + body] }
            for variant in variants {
                #expect(sameBits(double(variant, lenient: true), strict), "\(variant)")
                #expect(double(variant, lenient: false) == nil, "\(variant)")
            }
        }
    }

    /// Inputs of 400 bytes or more take a separate path (straight to strtod): the grammar must be the same there.
    @Test func longInputsFollowTheSameGrammar() {
        let zeros = String(repeating: "0", count: 420)
        // Accepted by strict, equal to Double(String).
        for text in ["0." + zeros + "15", "1." + zeros + "1", "-1" + "." + zeros, "1" + zeros.prefix(300) + "." + zeros.prefix(120) + "5",
                     "0." + zeros + "1e400", "." + zeros + "7"] {
            #expect(text.utf8.count >= 400)
            #expect(sameBits(double(text, lenient: false), Double(text)!), "\(text.prefix(20))…")
        }
        // Not finite: refused by strict, infinity for lenient.
        let huge = "1" + zeros
        #expect(double(huge, lenient: false) == nil)
        #expect(double(huge, lenient: true) == .infinity)
        // Forbidden by strict whatever the length.
        let hex = "0x1" + zeros
        #expect(double(hex, lenient: false) == nil)
        #expect(double(hex, lenient: true) == nil)
        #expect(double(" 1." + zeros, lenient: false) == nil)
        #expect(double("1." + zeros + " ", lenient: true) == nil)
        #expect(double("+1." + zeros, lenient: false) == nil, "leading '+'")
        #expect(double("01." + zeros, lenient: false) == nil, "leading zero")
        #expect(double("1" + zeros + ".e-300", lenient: false) == nil, "no fraction digits after the point")
        // So such a field is sniffed as a double, and its text would not survive.
        #expect(classify("01." + zeros) == .string)
        #expect(double("1" + zeros + ".e-300", lenient: true) == 1e120)
        #expect(classify("+1." + zeros) == .string)
    }
}

@Suite struct ValueParserBoolTests {
    @Test func strictAndLenient() {
        // text, strict, lenient
        let cases: [(String, Bool?, Bool?)] = [
            ("true", true, true), ("TRUE", true, true), ("True", true, true), ("tRuE", true, true),
            ("false", false, false), ("FALSE", false, false), ("False", false, false), ("fAlSe", false, false),
            ("t", nil, true), ("T", nil, true), ("f", nil, false), ("F", nil, false),
            ("1", nil, true), ("0", nil, false), ("yes", nil, true), ("YES", nil, true), ("Yes", nil, true),
            ("no", nil, false), ("NO", nil, false), ("nO", nil, false),
            ("", nil, nil), ("2", nil, nil), ("y", nil, nil), ("n", nil, nil), ("on", nil, nil), ("off", nil, nil),
            ("truee", nil, nil), ("tru", nil, nil), (" true", nil, nil), ("true ", nil, nil), ("fals", nil, nil),
            ("falsee", nil, nil), ("yess", nil, nil), ("ye", nil, nil), ("nope", nil, nil), ("10", nil, nil),
            ("00", nil, nil), ("01", nil, nil),
            // Bytes that become 't' / 'f' / '1' / '0' / letters when OR-ed with 0x20 must not sneak through.
            ("\u{11}", nil, nil), ("\u{10}", nil, nil), ("\u{14}", nil, nil), ("\u{06}", nil, nil),
            ("4RUE", nil, nil), ("TR\u{15}E", nil, nil), ("\u{14}rue", nil, nil), ("FA\u{0C}SE", nil, nil),
            ("\u{19}ES", nil, nil), ("\u{0E}O", nil, nil),
        ]
        for (text, strict, lenient) in cases {
            #expect(bool(text, lenient: false) == strict, "strict \(text.debugDescription)")
            #expect(bool(text, lenient: true) == lenient, "lenient \(text.debugDescription)")
        }
    }

    @Test func noOtherShortTextIsABool() {
        // Every 1- and 2-byte text, and every case variant of the accepted words, against the rules.
        var accepted: [String: Bool] = [:]
        for word in ["true", "false", "t", "f", "yes", "no"] {
            let letters = Array(word.utf8)
            for mask in 0..<(1 << letters.count) {
                var variant = letters
                for k in letters.indices where mask & (1 << k) != 0 { variant[k] &= ~0x20 }
                accepted[String(decoding: variant, as: UTF8.self)] = word == "true" || word == "t" || word == "yes"
            }
        }
        accepted["1"] = true
        accepted["0"] = false
        for a in 0...255 {
            for b in -1...255 {
                let bytes = b < 0 ? [UInt8(a)] : [UInt8(a), UInt8(b)]
                // Non-ASCII bytes decode to U+FFFD, which is in no accepted word.
                let expected = accepted[String(decoding: bytes, as: UTF8.self)]
                let actual = withExactBytes(bytes) { ValueParser.bool($0, $1, lenient: true) }
                if actual != expected {
                    Issue.record("lenient bool of \(show(bytes)): \(String(describing: actual))")
                }
            }
        }
        for (word, value) in accepted where word.count >= 3 {
            #expect(bool(word, lenient: true) == value, "\(word)")
            #expect(bool(word, lenient: false) == (word.count >= 4 ? value : nil), "\(word)")
        }
    }
}

@Suite struct ValueParserDateTests {
    @Test func validAndInvalidDates() {
        let valid: [(String, Int)] = [
            ("1970-01-01", 0), ("1969-12-31", -1), ("1970-01-02", 1), ("2000-02-29", 11_016), ("2024-02-29", 19_782),
            ("0000-01-01", -719_528), ("0000-02-29", -719_469), ("0001-01-01", -719_162), ("9999-12-31", 2_932_896),
            ("1600-02-29", CivilDate.days(year: 1600, month: 2, day: 29)), ("2024-12-31", 20_088),
        ]
        for (text, days) in valid {
            #expect(date(text) == Int32(days), "\(text)")
            #expect(CivilDate.days(year: Int(text.prefix(4))!, month: Int(text.dropFirst(5).prefix(2))!,
                                   day: Int(text.suffix(2))!) == days, "test table: \(text)")
        }
        let invalid = [
            "2023-02-29", "1900-02-29", "2100-02-29", "0001-02-29", "2024-02-30", "2024-04-31", "2024-06-31",
            "2024-09-31", "2024-11-31", "2024-01-32", "2024-13-01", "2024-00-10", "2024-01-00", "0000-00-00",
            "2024-1-01", "2024-01-1", "24-01-01", "2024/01/01", "2024-01-01 ", " 2024-01-01", "2024-01-01T",
            "20240101", "+024-01-01", "-024-01-01", "2024-0a-01", "2O24-01-01", "2024--1-01", "2024-01-+1", "",
            "２０２４-01-01",
        ]
        for text in invalid { #expect(date(text) == nil, "\(text)") }
    }

    @Test func everyFormattedDayParsesBack() {
        var g = SplitMix64(seed: 0xDA7E)
        let first = CivilDate.days(year: 0, month: 1, day: 1), last = CivilDate.days(year: 9999, month: 12, day: 31)
        for i in 0..<20_000 {
            let day = i < 2_000 ? (i.isMultiple(of: 2) ? first + i / 2 : last - i / 2) : g.int(first...last)
            let text = CivilDate.format(days: Int32(day))
            #expect(date(text) == Int32(day), "\(text)")
            #expect(classify(text) == .date, "\(text)")
        }
    }
}

@Suite struct ValueParserTimestampTests {
    @Test func acceptedForms() {
        let base = micros(2024, 3, 9, 13, 45, 30)
        let cases: [(String, Int64)] = [
            ("1970-01-01T00:00", 0),
            ("1970-01-01 00:00", 0),
            ("1970-01-01T00:00:00", 0),
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:00z", 0),
            ("1969-12-31T23:59:59.5", -500_000),
            ("1969-12-31T23:59:59.999999", -1),
            ("2024-03-09T13:45", micros(2024, 3, 9, 13, 45)),
            ("2024-03-09T13:45Z", micros(2024, 3, 9, 13, 45)),
            ("2024-03-09T13:45+01:00", micros(2024, 3, 9, 12, 45)),
            ("2024-03-09T13:45:30", base),
            ("2024-03-09 13:45:30", base),
            ("2024-03-09T13:45:30.1", base + 100_000),
            ("2024-03-09T13:45:30.12", base + 120_000),
            ("2024-03-09T13:45:30.123", base + 123_000),
            ("2024-03-09T13:45:30.1234", base + 123_400),
            ("2024-03-09T13:45:30.12345", base + 123_450),
            ("2024-03-09T13:45:30.123456", base + 123_456),
            ("2024-03-09T13:45:30.1234560", base + 123_456),
            ("2024-03-09T13:45:30.12345600", base + 123_456),
            ("2024-03-09T13:45:30.123456000", base + 123_456),
            ("2024-03-09T13:45:30.000000000", base),
            ("2024-03-09T13:45:30.000001", base + 1),
            ("2024-03-09T13:45:30+02:00", base - 7_200_000_000),
            ("2024-03-09T13:45:30-02:00", base + 7_200_000_000),
            ("2024-03-09T13:45:30+0530", base - 19_800_000_000),
            ("2024-03-09T13:45:30-0930", base + 34_200_000_000),
            ("2024-03-09T13:45:30+05", base - 18_000_000_000),
            ("2024-03-09T13:45:30-11", base + 39_600_000_000),
            ("2024-03-09T13:45:30+00:00", base),
            ("2024-03-09T13:45:30-00:00", base),
            ("2024-03-09T13:45:30+23:59", base - 86_340_000_000),
            ("2024-03-09T13:45:30.5+01:00", base + 500_000 - 3_600_000_000),
            ("2024-03-09T13:45:30.123456Z", base + 123_456),
            ("1970-01-01T00:30+01:00", -1_800_000_000),
            ("2024-02-29T23:59:59", micros(2024, 2, 29, 23, 59, 59)),
            ("0000-01-01T00:00:00", micros(0, 1, 1)),
            ("9999-12-31T23:59:59.999999", 253_402_300_799_999_999),
            ("9999-12-31T23:59:59.999999-23:59", 253_402_300_799_999_999 + 86_340_000_000),
        ]
        for (text, expected) in cases {
            #expect(timestamp(text) == expected, "strict \(text)")
            #expect(timestamp(text, lenient: true) == expected, "lenient \(text)")
            #expect(classify(text) == .timestamp, "\(text)")
        }
    }

    @Test func rejectedForms() {
        let texts = [
            // sub-microsecond digits that are not zero
            "2024-03-09T13:45:30.1234567", "2024-03-09T13:45:30.000000001", "2024-03-09T13:45:30.123456780",
            "2024-03-09T13:45:30.0000001Z",
            // at most 9 fraction digits (nanoseconds), even when the extra ones are zeros
            "2024-03-09T13:45:30.0000000000", "2024-03-09T13:45:30.1234560000",
            // out-of-range fields
            "2024-03-09T24:00", "2024-03-09T24:00:00", "2024-03-09T23:60", "2024-03-09T23:59:60",
            "2024-03-09T99:00", "2024-02-30T00:00", "2023-02-29T00:00", "2024-13-01T00:00", "2024-00-01T00:00",
            "2024-03-09T13:45+24:00", "2024-03-09T13:45-24", "2024-03-09T13:45+01:60", "2024-03-09T13:45+0160",
            // malformed
            "2024-03-09t13:45", "2024-03-09_13:45", "2024-03-09T1:45", "2024-03-09T13:4", "2024-03-09T13", "2024-03-09T",
            "2024-03-09T13:45:", "2024-03-09T13:45:3", "2024-03-09T13:45:30.", "2024-03-09T13:45:30.Z",
            "2024-03-09T13:45:30,5", "2024-03-09T13:45.5", "2024-03-09T13:45:30 ", " 2024-03-09T13:45:30",
            "2024-03-09T13:45:30ZZ", "2024-03-09T13:45:30Z+01", "2024-03-09T13:45:30+1", "2024-03-09T13:45:30+01:",
            "2024-03-09T13:45:30+01:0", "2024-03-09T13:45:30+010", "2024-03-09T13:45:30+01000",
            "2024-03-09T13:45:30+01:00:00", "2024-03-09T13:45:30 +01:00", "2024-03-09T13:45:30UTC",
            "2024-03-09T13:45:30+a1", "2024-03-09T13:45:30-", "2024-03-09T13:45:30+", "2024-03-09T13:45:30.5.5",
            "2024-03-09T13-45", "2024-03-09 13:45 ", "2024-3-09T13:45",
        ]
        for text in texts {
            #expect(timestamp(text) == nil, "strict \(text)")
            #expect(timestamp(text, lenient: true) == nil, "lenient \(text)")
        }
    }

    @Test func bareDateIsATimestampOnlyWhenLenient() {
        #expect(timestamp("2024-03-09") == nil)
        #expect(timestamp("2024-03-09", lenient: true) == micros(2024, 3, 9))
        #expect(timestamp("1969-12-31", lenient: true) == -86_400_000_000)
        #expect(timestamp("2024-02-30", lenient: true) == nil)
        #expect(timestamp("2024-03-0", lenient: true) == nil)
    }

    @Test func randomTimestampsRoundTrip() {
        var g = SplitMix64(seed: 0x7157)
        let low = micros(0, 1, 1), high = micros(9999, 12, 31, 23, 59, 59, 999_999)
        for _ in 0..<20_000 {
            let utc = Int64.random(in: low...high, using: &g)
            // CivilDate's own formatting: ...THH:MM:SS[.ffffff]Z
            let formatted = CivilDate.format(micros: utc)
            #expect(timestamp(formatted) == utc, "\(formatted)")
            // The same instant as local time with an offset, in a random spelling.
            let offsetMinutes = g.int(-(23 * 60 + 59)...(23 * 60 + 59))
            let local = utc + Int64(offsetMinutes) * 60_000_000
            let perDay: Int64 = 86_400_000_000
            let days = Int(local >= 0 ? local / perDay : (local - perDay + 1) / perDay)
            let rest = local - Int64(days) * perDay
            let (y, mo, d) = CivilDate.civil(days: days)
            guard (0...9999).contains(y) else { continue }
            let seconds = Int(rest / 1_000_000), fraction = Int(rest % 1_000_000)
            func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
            var text = pad(y, 4) + "-" + pad(mo, 2) + "-" + pad(d, 2) + (g.chance(0.5) ? "T" : " ")
                + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
            let fractionDigits = g.int(6...9)
            text += "." + pad(fraction, 6) + String(repeating: "0", count: fractionDigits - 6)
            let sign = offsetMinutes < 0 ? "-" : "+"
            let oh = pad(abs(offsetMinutes) / 60, 2), om = pad(abs(offsetMinutes) % 60, 2)
            switch g.next() % 3 {
            case 0: text += sign + oh + ":" + om
            case 1: text += sign + oh + om
            default:
                // ±HH only: drop the minutes from the offset and the expectation.
                text += sign + oh
                let hoursOnly = (offsetMinutes < 0 ? -1 : 1) * (abs(offsetMinutes) / 60) * 60
                #expect(timestamp(text) == local - Int64(hoursOnly) * 60_000_000, "\(text)")
                continue
            }
            #expect(timestamp(text) == utc, "\(text)")
        }
    }
}

@Suite struct ValueParserClassifyTests {
    @Test func everyKind() {
        let cases: [(String, ValueKind)] = [
            ("", .null),
            ("0", .integer), ("7", .integer), ("-7", .integer), ("1234567890", .integer),
            ("9007199254740992", .integer), ("-9007199254740992", .integer),             // ±2^53: exact in a double
            ("9007199254740991", .integer),
            ("9007199254740993", .largeInteger), ("-9007199254740993", .largeInteger),   // just beyond ±2^53
            ("9223372036854775807", .largeInteger), ("-9223372036854775808", .largeInteger),
            ("9223372036854775808", .string), ("-9223372036854775809", .string),       // beyond Int64
            ("99999999999999999999", .string),
            ("007", .string), ("00", .string), ("-00", .string), ("-007", .string), ("+5", .string), (" 5", .string),
            ("5 ", .string), ("-", .string), (".", .string), ("-.", .string),
            ("-0", .double),                                                               // -0.0 is exact
            ("1.5", .double), ("-1.5", .double), (".5", .double), ("-.5", .double), ("0.0", .double),
            ("1e5", .double), ("1E-5", .double), ("9007199254740993.0", .double), ("1e400", .string),
            ("1.5E+400", .string), ("5.", .string), ("01.5", .string), ("0x10", .string), ("1,5", .string),
            ("nan", .string), ("inf", .string), ("-inf", .string), ("NaN", .string),
            ("true", .bool), ("TRUE", .bool), ("False", .bool), ("t", .string), ("yes", .string), ("1 ", .string),
            ("2024-01-01", .date), ("0000-01-01", .date), ("2024-02-30", .string), ("2024-1-01", .string),
            ("2024-01-01T00:00", .timestamp), ("2024-01-01 00:00:00Z", .timestamp),
            ("2024-01-01T00:00:00.123456+01:00", .timestamp),
            ("2024-01-01T00:00:00.0000001", .string), ("2024-01-01T24:00", .string), ("2024-01-01T", .string),
            ("abc", .string), ("é", .string), ("-abc", .string), (".abc", .string),
        ]
        for (text, kind) in cases { #expect(classify(text) == kind, "\(text.debugDescription)") }
        #expect(classify([0xFF, 0xFE]) == .string)
    }

    @Test func integersAroundTwoToThe53() {
        let limit: Int64 = 1 << 53
        for delta: Int64 in -3...3 {
            for sign: Int64 in [1, -1] {
                let v = sign * (limit + delta)
                #expect(classify(String(v)) == (v.magnitude > limit ? .largeInteger : .integer), "\(v)")
            }
        }
        var g = SplitMix64(seed: 53)
        for _ in 0..<5_000 {
            let v = Int64(bitPattern: g.next()) >> (g.next() % 64)
            #expect(classify(String(v)) == (v.magnitude > UInt64(limit) ? .largeInteger : .integer), "\(v)")
        }
    }
}
