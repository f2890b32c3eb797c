import CEditLine
import Foundation
import Strata

/// The shell's input lines: edited with libedit (arrows, Ctrl-R search, history) when standard input is a terminal,
/// read plainly from a pipe or file otherwise (no prompt).
///
/// History is kept in a file: `$STRATA_HISTORY` when set (empty: no history file), else `~/.strata_history`. It is
/// loaded at start; each statement or command entered at a terminal is added once it is complete, a statement typed
/// over several lines as one entry (its lines joined by spaces, so the up arrow brings the whole statement back),
/// consecutive duplicates and blank lines not; the file is rewritten after each entry, so a shell killed later
/// keeps what was typed; it holds at most the last 1,000 entries.
final class LineEditor {
    /// Lines kept in the history.
    static let historyLimit: Int32 = 1_000

    /// Whether lines come from a terminal, edited, with prompts.
    let interactive: Bool
    /// The history file (nil: none).
    let historyPath: String?
    private var lastEntry: String?
    /// The lines of the statement being typed, not yet in the history.
    private var pending: [String] = []
    /// Whether a failure to write the history file was reported (it is, once).
    private var warned = false

    /// A reader of standard input; `interactive` when it is a terminal.
    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        interactive = isatty(0) == 1
        historyPath = LineEditor.historyPath(environment)
        guard interactive else { return }
        rl_initialize()
        using_history()
        stifle_history(Self.historyLimit)
        if let historyPath { _ = read_history(historyPath) }
    }

    /// The history file for `environment`: `$STRATA_HISTORY` (empty: none), else `$HOME/.strata_history`.
    static func historyPath(_ environment: [String: String]) -> String? {
        if let explicit = environment["STRATA_HISTORY"] { return explicit.isEmpty ? nil : explicit }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.strata_history"
    }

    /// The next line without its line break, shown after `prompt` at a terminal; nil at the end of input.
    func readLine(prompt: String) -> String? {
        guard interactive else { return Swift.readLine(strippingNewline: true) }
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// Records `line` (just read and handled) for the history: with `complete`, the statement or command it ends
    /// goes in as one entry; otherwise the line waits for the rest of its statement.
    func entered(_ line: String, complete: Bool) {
        guard interactive else { return }
        pending.append(line)
        guard complete else { return }
        let entry = pending.filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: " ")
        pending = []
        remember(entry)
    }

    /// Adds `line` to the history and saves the history file.
    private func remember(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace), line != lastEntry else { return }
        lastEntry = line
        _ = add_history(line)
        guard let historyPath else { return }
        if write_history(historyPath) != 0, !warned {
            warned = true
            FileHandleOutput.standardError("strata: cannot write the history file \(historyPath)\n")
        }
    }
}
