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

    /// Runs `sql`.
    func run(_ sql: String) throws {
        let start = ContinuousClock.now
        let cancellation = QueryCancellation()
        if cancellable { InterruptHandler.current.withLock { $0 = cancellation } }
        defer { if cancellable { InterruptHandler.current.withLock { $0 = nil } } }
        let cursor = try database.prepare(sql).execute([], cancellation: cancellation)
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
        try writer.finish()
        if timer {
            let elapsed = (ContinuousClock.now - start).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            var line = "Run Time: " + String(format: "%.3f", seconds) + " s"
            if let statistics = cursor.statistics {
                line += "; \(statistics.rows) rows; peak reserved \(ByteCount.format(statistics.peakReservedBytes))"
                if statistics.spilledBytes > 0 { line += "; spilled \(ByteCount.format(Int(statistics.spilledBytes)))" }
            }
            FileHandleOutput.standardError(line + "\n")
        }
    }
}
