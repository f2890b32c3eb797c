import Foundation
import Strata

/// A one-line progress display on stderr, redrawn in place (`\r`); used only when stderr is a terminal.
final class ProgressLine {
    private let label: String
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var drawn = false

    /// Whether standard error is a terminal.
    static var isTerminal: Bool { isatty(2) == 1 }

    init(label: String) {
        self.label = label
        start = clock.now
    }

    /// Redraws the line for `progress`.
    func update(_ progress: ImportProgress) {
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var text = "\(label)"
        if progress.pass > 1 { text += " (pass \(progress.pass): types widened)" }
        if let total = progress.totalBytes, total > 0 {
            let fraction = min(1, Double(progress.bytesRead) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            text += " [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            text += " \(Int(fraction * 100))% \(Formatting.bytes(progress.bytesRead))/\(Formatting.bytes(total))"
            if fraction > 0.01 && seconds > 0 {
                let remaining = seconds / fraction - seconds
                text += " ETA \(Int(remaining.rounded()))s"
            }
        } else {
            text += " \(Formatting.bytes(progress.bytesRead))"
        }
        text += " \(Formatting.count(progress.rows)) rows \(Formatting.rate(progress.bytesRead, seconds: seconds))"
        FileHandleOutput.standardError("\r\u{1B}[2K" + text)
        drawn = true
    }

    /// Erases the line.
    func clear() {
        if drawn { FileHandleOutput.standardError("\r\u{1B}[2K") }
        drawn = false
    }
}
