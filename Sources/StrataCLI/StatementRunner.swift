import Foundation
import Strata

/// Runs one SQL statement and streams its result to an output in a format (shared by `sql` and `shell`).
struct StatementRunner {
    /// The database.
    let database: Database
    /// The output format.
    var format: ResultFormat
    /// Where results go.
    var output: OutputTarget = .standardOutput
    /// Whether to print the run time and statistics to standard error after each statement.
    var timer = false
    /// Rows the table format shows at most (the shell's `.maxrows`).
    var maxRows = TableResultWriter.defaultMaxRows
    /// Whether Ctrl-C cancels the running statement instead of ending the process (the shell).
    var cancellable = false
    /// Whether to draw the live progress line on standard error while a query runs.
    var progress = false
    /// Where to write the performance report of each query (`.html` or `.json`; nil: none).
    var profilePath: String?

    /// Runs `sql`.
    func run(_ sql: String) throws {
        let start = ContinuousClock.now
        let cancellation = QueryCancellation()
        if cancellable { InterruptHandler.current.withLock { $0 = cancellation } }
        defer { if cancellable { InterruptHandler.current.withLock { $0 = nil } } }
        let cursor = try database.prepare(sql).execute([], cancellation: cancellation, profile: profilePath != nil)
        let progressLine = progress && cursor.progress != nil ? QueryProgressLine(cursor: cursor) : nil
        progressLine?.start()
        defer { progressLine?.stop() }
        if cursor.isExplain, format == .table, output == .standardOutput {
            var text = ""
            while let batch = try cursor.next() {
                for i in 0..<batch.count { text += "\(batch.columns[0].value(at: i))\n" }
            }
            try FileHandleOutput.standardOutput(text)
            return
        }
        if cursor.columnNames.isEmpty {
            // CREATE TABLE, DROP TABLE: nothing to show, as in DuckDB's shell.
            while try cursor.next() != nil {}
            return
        }
        let writer = try makeResultWriter(format: format, output: output,
                                          memoryLimit: database.configuration.memoryLimit, maxRows: maxRows)
        let fields = zip(cursor.columnNames, cursor.schema.fields).map { Field($0, $1.type) }
        try writer.begin(schema: Schema(unchecked: fields))
        while let batch = try cursor.next() { try writer.write(batch) }
        progressLine?.stop()
        try writer.finish()
        if let profilePath, let profile = cursor.profile { try StatementRunner.save(profile, to: profilePath) }
        if timer {
            let elapsed = (ContinuousClock.now - start).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            var line = "Run Time: " + String(format: "%.3f", seconds) + " s"
            if let statistics = cursor.statistics {
                line += "; \(Formatting.rows(Int64(statistics.rows))); peak reserved \(ByteCount.format(statistics.peakReservedBytes))"
                if statistics.spilledBytes > 0 { line += "; spilled \(ByteCount.format(Int(statistics.spilledBytes)))" }
            }
            FileHandleOutput.standardError(line + "\n")
        }
    }

    /// Writes `profile` to `path`: JSON for a `.json` name, else the HTML report.
    static func save(_ profile: QueryProfile, to path: String) throws {
        let data = path.lowercased().hasSuffix(".json") ? try profile.json() : Data(profile.html().utf8)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw StrataError(.io, "cannot write the profile: \(error.localizedDescription)", path: path)
        }
    }
}
