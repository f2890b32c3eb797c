/// Terminal display widths of text: East Asian wide characters and emoji take two columns, combining marks none.
enum DisplayWidth {
    /// Columns `text` takes on a terminal.
    static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// Columns one character (grapheme cluster) takes.
    static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if isWide(first.value) || character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) {
            return 2
        }
        return 1
    }

    /// `text` cut to at most `limit` columns, ending in `…` when anything was cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard of(text) > limit else { return text }
        var out = "", width = 0
        for character in text {
            let w = of(character)
            if width + w > limit - 1 { break }
            out.append(character)
            width += w
        }
        return out + "…"
    }

    /// Code points of the East Asian Wide and Fullwidth blocks (Hangul, CJK, kana, fullwidth forms, …).
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            true
        default:
            false
        }
    }
}
