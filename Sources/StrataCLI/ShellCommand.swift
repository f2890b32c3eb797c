import ArgumentParser
import Foundation
import Strata
import StrataSQL

/// `strata shell`: an interactive SQL prompt over a store, or over a temporary one (also reads piped input).
struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "An interactive SQL prompt over a store.",
        discussion: """
            Statements may span lines and end with ';'. At a terminal, lines are edited with libedit (arrows, \
            Ctrl-R to search) and kept in a history file: $STRATA_HISTORY, else ~/.strata_history (an empty \
            STRATA_HISTORY keeps none). Without a store, tables are created in a temporary store deleted at exit. \
            Commands (at the start of a line):
            \(ShellSession.help)
            With piped input no prompt is printed; the exit code is 1 if any statement failed. Ctrl-C cancels the \
            running statement (its spill files are removed) and the shell goes on; at the prompt it leaves.

            Examples:
              strata shell taxi.store
              strata shell taxi.store --memory-limit 2GB < queries.sql
              strata shell
            """
    )

    @Argument(help: "The store directory (default: a temporary store deleted at exit).")
    var store: String?

    @OptionGroup var query: QueryOptions

    func run() throws {
        InterruptHandler.install()
        InterruptHandler.saveTerminal()
        var failed = false
        try runReportingErrors {
            let (database, scratch) = try ScratchStore.open(store, configuration: try query.configuration())
            defer { scratch?.remove() }
            let session = ShellSession(database: database, showsProgress: query.showsProgress(format:toFile:))
            let editor = LineEditor()
            if editor.interactive {
                FileHandleOutput.standardError("strata shell: enter SQL ending with ';', or .help\n")
            }
            while !session.quit, let line = editor.readLine(prompt: session.continuing ? "   ...> " : "strata> ") {
                session.handle(line)
                editor.entered(line, complete: !session.continuing)
            }
            if !session.quit { session.finish() }
            failed = session.failed
        }
        if failed { throw ExitCode(1) }
    }
}
