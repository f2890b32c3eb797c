import Testing
@testable import StrataCSV
import StrataTestSupport

/// The reference: the standard library's UTF-8 validation.
private func reference(_ bytes: [UInt8]) -> Bool {
    String(validating: bytes, as: UTF8.self) != nil
}

/// `UTF8Validator.isValid` on `bytes` placed at `misalignment` bytes past an 8-byte aligned address, followed by a
/// continuation byte that must not be looked at.
private func validate(_ bytes: [UInt8], misalignment: Int = 0) -> Bool {
    let block = UnsafeMutableRawPointer.allocate(byteCount: bytes.count + misalignment + 1, alignment: 8)
    defer { block.deallocate() }
    let p = (block + misalignment).bindMemory(to: UInt8.self, capacity: bytes.count + 1)
    p.initialize(from: bytes, count: bytes.count)
    // A byte just past the end that would make a truncated sequence look complete if it were read.
    p[bytes.count] = 0x80
    return UTF8Validator.isValid(UnsafePointer(p), bytes.count)
}

/// Pieces of UTF-8, good and bad, that random strings are built from.
private enum Piece {
    static let valid: [[UInt8]] = [
        [0x41], [0x7F], [0x00], [0xC2, 0x80], [0xDF, 0xBF], [0xC3, 0xA9], [0xE0, 0xA0, 0x80], [0xE0, 0xBF, 0xBF],
        [0xE1, 0x80, 0x80], [0xEC, 0xBF, 0xBF], [0xED, 0x80, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
        [0xEF, 0xBF, 0xBF], [0xEF, 0xBB, 0xBF], [0xE2, 0x82, 0xAC], [0xF0, 0x90, 0x80, 0x80],
        [0xF0, 0x9F, 0xA6, 0x80], [0xF0, 0xBF, 0xBF, 0xBF], [0xF1, 0x80, 0x80, 0x80], [0xF3, 0xBF, 0xBF, 0xBF],
        [0xF4, 0x80, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
    ]
    static let invalid: [[UInt8]] = [
        // overlong forms
        [0xC0, 0x80], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xF0, 0x80, 0x80, 0x80],
        [0xF0, 0x8F, 0xBF, 0xBF],
        // surrogates U+D800…U+DFFF
        [0xED, 0xA0, 0x80], [0xED, 0xAD, 0xBF], [0xED, 0xB0, 0x80], [0xED, 0xBF, 0xBF],
        // beyond U+10FFFF
        [0xF4, 0x90, 0x80, 0x80], [0xF4, 0xBF, 0xBF, 0xBF], [0xF5, 0x80, 0x80, 0x80], [0xF7, 0xBF, 0xBF, 0xBF],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80], [0xFE], [0xFF],
        // stray continuation bytes
        [0x80], [0xBF], [0x80, 0x80],
        // truncated sequences
        [0xC2], [0xE0, 0xA0], [0xE1], [0xED, 0x80], [0xF0, 0x90, 0x80], [0xF4, 0x8F], [0xF1],
        // a lead byte followed by a non-continuation
        [0xC2, 0x41], [0xE1, 0x80, 0x41], [0xF1, 0x80, 0x80, 0xC0], [0xE1, 0xC0, 0x80], [0xF0, 0x90, 0x41, 0x80],
    ]
}

@Suite struct UTF8ValidatorTests {
    @Test func everyPieceAtEveryAlignment() {
        // Each piece after 0…16 ASCII bytes (so it lands at every position of the 8-byte ASCII fast path) and
        // before 0…9 ASCII bytes, at every address misalignment.
        for piece in Piece.valid + Piece.invalid {
            for before in 0...16 {
                for after in 0...9 {
                    let bytes = [UInt8](repeating: 0x61, count: before) + piece + [UInt8](repeating: 0x62, count: after)
                    let expected = reference(bytes)
                    for misalignment in 0..<8 where validate(bytes, misalignment: misalignment) != expected {
                        Issue.record("\(show(bytes)) at +\(misalignment): expected \(expected)")
                    }
                }
            }
        }
    }

    @Test func everyTwoByteSequence() {
        for a in 0...255 {
            for b in 0...255 {
                let bytes: [UInt8] = [UInt8(a), UInt8(b)]
                if validate(bytes) != reference(bytes) { Issue.record("\(show(bytes))") }
                let padded = [UInt8](repeating: 0x20, count: 7) + bytes
                if validate(padded) != reference(padded) { Issue.record("7 spaces + \(show(bytes))") }
            }
        }
    }

    @Test func everyLeadAndSecondByteOfLongerSequences() {
        // Lead E0…FF with every second byte and typical or bad continuations.
        for lead in 0xE0...0xFF {
            for second in 0...255 {
                for rest: [UInt8] in [[0x80], [0xBF], [0x80, 0x80], [0xBF, 0xBF], [0x41, 0x80], [0x80, 0x41], [0xC0, 0x80]] {
                    let bytes = [UInt8(lead), UInt8(second)] + rest
                    if validate(bytes) != reference(bytes) { Issue.record("\(show(bytes))") }
                }
            }
        }
    }

    @Test func randomStringsAgreeWithTheStandardLibrary() {
        var g = SplitMix64(seed: 0x07F8)
        var valid = 0, invalid = 0
        var failures: [String] = []
        for i in 0..<100_000 {
            var bytes: [UInt8] = []
            // A prefix of ASCII of every length 0…15 in turn, so the first multi-byte piece hits every lane.
            bytes += [UInt8](repeating: 0x2C, count: i % 16)
            let pieces = g.int(1...6)
            for _ in 0..<pieces {
                switch g.next() % 10 {
                case 0...4: bytes += g.pick(Piece.valid)
                case 5: bytes += g.pick(Piece.invalid)
                case 6: bytes += (0..<g.int(1...12)).map { _ in UInt8(0x20 + g.next() % 0x5F) } // an ASCII run
                case 7: bytes.append(UInt8(truncatingIfNeeded: g.next()))                      // any byte
                case 8:
                    // a valid scalar, truncated or with one byte flipped
                    let scalar = Array(String(Character(UnicodeScalar(UInt32(g.int(0x80...0xD7FF)))!)).utf8)
                    var broken = scalar
                    if g.chance(0.5) { broken.removeLast() } else {
                        broken[g.int(0...(broken.count - 1))] ^= UInt8(1 << g.int(0...7))
                    }
                    bytes += broken
                default:
                    // any scalar, 4-byte ones included
                    let value = g.chance(0.5) ? UInt32(g.int(0x10000...0x10FFFF)) : UInt32(g.int(0xE000...0xFFFF))
                    bytes += Array(String(Character(UnicodeScalar(value)!)).utf8)
                }
            }
            let expected = reference(bytes)
            if expected { valid += 1 } else { invalid += 1 }
            let misalignment = (i / 16) % 8
            if validate(bytes, misalignment: misalignment) != expected {
                failures.append("\(show(bytes)) at +\(misalignment): expected \(expected)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5))")
        // Both outcomes are well represented.
        #expect(valid > 20_000 && invalid > 20_000, "valid \(valid), invalid \(invalid)")
    }

    @Test func emptyAndAllASCII() {
        #expect(validate([]))
        for n in 1...40 {
            #expect(validate([UInt8](repeating: 0x7F, count: n)))
            var bytes = [UInt8](repeating: 0x41, count: n)
            bytes[n - 1] = 0x80
            #expect(!validate(bytes), "stray continuation at the end of \(n) bytes")
            bytes[n - 1] = 0xC3
            #expect(!validate(bytes), "lead byte cut off at the end of \(n) bytes")
        }
    }
}
