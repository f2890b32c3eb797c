#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// Writes results as a box for a terminal (``TableRenderer``) once they are complete.
///
/// While streaming it keeps only the first rows (20 by default) and, in a ring buffer, the last ones (20) as cell
/// text; a longer result shows those with a `·` row between them.
package final class TableResultWriter: ResultWriter {
    /// Rows shown at most by default, as DuckDB's shell: the first 20 and the last 20.
    package static let defaultMaxRows = 40

    /// Rows kept from the start of the result.
    private let headRows: Int
    /// Rows kept from the end of the result.
    private let tailRows: Int

    /// `$COLUMNS` when it is a positive number, else 120.
    package static var defaultMaxWidth: Int {
        guard let text = getenv("COLUMNS"), let columns = Int(String(cString: text)), columns > 0 else { return 120 }
        return columns
    }

    private let sink: ByteSink
    private let maxWidth: Int
    private var phase = ResultWriterPhase()
    private var head: [[String]] = []
    /// The last rows seen; once full, `tail[tailStart]` is the oldest.
    private var tail: [[String]] = []
    private var tailStart = 0
    private var rows = 0

    /// A writer to `sink` whose box is at most `maxWidth` display columns wide and shows at most `maxRows` rows
    /// (at least 1): the first ⌈maxRows / 2⌉ and the last ⌊maxRows / 2⌋.
    package init(sink: ByteSink, maxWidth: Int = TableResultWriter.defaultMaxWidth,
                 maxRows: Int = TableResultWriter.defaultMaxRows) {
        self.sink = sink
        self.maxWidth = maxWidth
        let rows = max(1, maxRows)
        tailRows = rows / 2
        headRows = rows - tailRows
    }

    /// Records the schema; nothing is written before ``finish()``.
    package func begin(schema: Schema) throws {
        try phase.begin(schema)
    }

    /// Keeps the batch's rows that may be shown: up to the first 20 of the result and its last 20 so far.
    package func write(_ batch: Batch) throws {
        try phase.check(batch)
        var row = 0
        while head.count < headRows && row < batch.count {
            head.append(cells(batch, row))
            row += 1
        }
        // Rows before the batch's last `tailRows` would be pushed out of the tail by the batch itself.
        for row in max(row, batch.count - tailRows)..<batch.count {
            if tail.count < tailRows {
                tail.append(cells(batch, row))
            } else {
                tail[tailStart] = cells(batch, row)
                tailStart = (tailStart + 1) % tailRows
            }
        }
        rows += batch.count
    }

    /// Writes the box with its footer and closes the sink.
    package func finish() throws {
        let schema = try phase.finish()
        let last = Array(tail[tailStart...] + tail[..<tailStart])
        let shown: [[String]?] = rows > head.count + last.count ? head + [nil] + last : head + last
        try sink.write(TableRenderer(schema: schema, maxWidth: maxWidth).render(rows: shown, totalRows: rows))
        try sink.close()
    }

    private func cells(_ batch: Batch, _ row: Int) -> [String] {
        batch.columns.map { TableRenderer.cell($0.value(at: row)) }
    }
}
