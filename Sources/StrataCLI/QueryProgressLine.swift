import Dispatch
import Foundation
import Strata

/// The live progress line of a running query on a terminal's standard error (see docs/sql.md, "Progress"):
///
///     [##########--------------] 42% · 4 s, ETA 6 s · memory 201 MiB/256 MiB · spilled 96 MiB · 1.1 GiB/2.6 GiB read · 3.2 M rows/s
///
/// 1. `start()` starts a thread that waits ``delay`` (quick queries draw nothing), then redraws the line every
///    ``interval`` from the cursor's progress snapshot, cut to the terminal's width.
/// 2. `stop()` ends the thread and erases the line, before the result prints.
final class QueryProgressLine: @unchecked Sendable {
    // Safety: `drawn` is touched by the drawing thread only until `stop()` has joined it, then by the caller.

    /// How long a query runs before the line appears.
    static let delay: Duration = .milliseconds(300)
    /// How often it is redrawn.
    static let interval: Duration = .milliseconds(100)

    private let cursor: ResultCursor
    private let stopping = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private var drawn = false
    private var started = false

    init(cursor: ResultCursor) {
        self.cursor = cursor
    }

    /// Step 1.
    func start() {
        started = true
        let thread = Thread { [self] in
            var wait = QueryProgressLine.delay
            while stopping.wait(timeout: .now() + .nanoseconds(QueryProgressLine.nanoseconds(wait))) == .timedOut {
                wait = QueryProgressLine.interval
                guard let progress = cursor.progress, progress.elapsedSeconds > 0, !progress.finished else { continue }
                let text = QueryProgressLine.describe(progress, width: QueryProgressLine.terminalWidth())
                FileHandleOutput.standardError("\r\u{1B}[2K" + text)
                drawn = true
            }
            stopped.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Step 2.
    func stop() {
        guard started else { return }
        started = false
        stopping.signal()
        stopped.wait()
        if drawn { FileHandleOutput.standardError("\r\u{1B}[2K") }
        drawn = false
    }

    /// The line for `progress`, at most `width` characters.
    static func describe(_ progress: QueryProgress, width: Int) -> String {
        let fraction = progress.fractionDone
        let barWidth = width >= 100 ? 24 : 12
        let filled = min(barWidth, Int(fraction * Double(barWidth)))
        // In the order they are dropped from the end when the terminal is narrow.
        var parts = ["[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled)
            + "] \(Int(fraction * 100))%"]
        var time = clock(progress.elapsedSeconds)
        if let left = progress.estimatedSecondsLeft {
            time += ", ETA " + clock(left)
        } else if progress.isFinishing, progress.tasksTotal > 0 {
            time += ", finishing: \(progress.tasksFinished)/\(progress.tasksTotal) tasks"
        }
        parts.append(time)
        let memory = progress.residentBytes > 0 ? progress.residentBytes : progress.reservedBytes
        parts.append("memory \(ByteCount.format(memory))/\(ByteCount.format(progress.memoryLimit))")
        if progress.spilledBytes > 0 { parts.append("spilled \(ByteCount.format(progress.spilledBytes))") }
        if progress.bytesTotal > 0 {
            parts.append("\(ByteCount.format(progress.bytesRead))/\(ByteCount.format(progress.bytesTotal)) read")
        } else if progress.tasksTotal > 0 {
            parts.append("\(progress.tasksFinished)/\(progress.tasksTotal) tasks")
        }
        if progress.elapsedSeconds > 0 {
            parts.append(rate(Double(progress.rowsRead) / progress.elapsedSeconds) + " rows/s")
        }
        var line = ""
        for part in parts {
            let next = line.isEmpty ? part : line + " · " + part
            if next.count > width { break }
            line = next
        }
        return line
    }

    /// `4 s`, `2:05`, `1:02:05`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        let (hours, rest) = total.quotientAndRemainder(dividingBy: 3600)
        let (minutes, secs) = rest.quotientAndRemainder(dividingBy: 60)
        let mm = minutes < 10 && hours > 0 ? "0\(minutes)" : "\(minutes)"
        let ss = secs < 10 ? "0\(secs)" : "\(secs)"
        return hours > 0 ? "\(hours):\(mm):\(ss)" : "\(mm):\(ss)"
    }

    /// `950`, `12.3 k`, `3.2 M`.
    static func rate(_ perSecond: Double) -> String {
        guard perSecond.isFinite, perSecond >= 0 else { return "-" }
        if perSecond < 1000 { return "\(Int(perSecond))" }
        if perSecond < 1e6 { return "\((perSecond / 100).rounded() / 10) k" }
        if perSecond < 1e9 { return "\((perSecond / 1e5).rounded() / 10) M" }
        return "\((perSecond / 1e8).rounded() / 10) G"
    }

    /// The terminal's width in columns (80 when unknown), one column left free so the line never wraps.
    static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 79 }
        return max(20, Int(size.ws_col) - 1)
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        return Int(parts.seconds) * 1_000_000_000 + Int(parts.attoseconds / 1_000_000_000)
    }
}
