import Dispatch
import Foundation
import Strata
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM end a command cleanly: the temporary files of its statement (spill folders,
/// `read_csv` conversions, spooled standard input, staged partitions, a result file not yet renamed) are deleted,
/// the table keeps its last committed version, and the process exits with 130 or 143 as shells expect.
///
/// 1. `install()` sets both signals to be ignored by the default handler and watches them with dispatch sources,
///    whose handlers run on an ordinary thread (so they may take locks and delete files, which a signal handler
///    may not).
/// 2. On SIGINT while the shell runs a statement (``current`` is set): cancel that statement only; it stops, frees
///    its memory and spill files and reports "query cancelled", and the shell reads the next one.
/// 3. Otherwise: delete every registered temporary path, put the terminal back in the mode saved by
///    ``saveTerminal()`` (the shell's line editor leaves it in raw mode while it waits for a line), say so on
///    stderr, and `_exit(128 + signal)` without running anything else (an import's table lock is released by the
///    kernel; nothing was committed).
enum InterruptHandler {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// The running statement Ctrl-C cancels instead of ending the process (set by the shell around each statement).
    static let current = Mutex<QueryCancellation?>(nil)

    /// The terminal mode of standard input to restore before exiting (set by ``saveTerminal()``).
    private static let terminal = Mutex<termios?>(nil)

    /// Remembers standard input's terminal mode, when it is a terminal, for an interrupt to restore.
    static func saveTerminal() {
        var mode = termios()
        guard isatty(0) == 1, tcgetattr(0, &mode) == 0 else { return }
        terminal.withLock { $0 = mode }
    }

    /// Starts watching SIGINT and SIGTERM (once).
    static func install() {
        guard sources.isEmpty else { return }
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if signalNumber == SIGINT, let running = current.withLock({ $0 }) {
                    running.cancel()
                    return
                }
                TemporaryFiles.removeAll()
                if var mode = terminal.withLock({ $0 }) { tcsetattr(0, TCSANOW, &mode) }
                FileHandleOutput.standardError(signalNumber == SIGINT ? "\nstrata: interrupted\n"
                                                                      : "strata: terminated\n")
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
