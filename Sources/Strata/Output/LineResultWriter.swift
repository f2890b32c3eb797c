import StrataCore

/// Writes results as lines of text in a ``LineFormat`` (CSV, JSON lines) to a ``ByteSink``.
///
/// Each batch is formatted a column at a time (``FormattedColumn``), its rows are assembled from the columns' cells
/// and handed to the sink; only one batch's text is held at a time.
final class LineResultWriter<Format: LineFormat>: ResultWriter {
    private let sink: ByteSink
    private let format: Format
    private var phase = ResultWriterPhase()
    /// The text before each column's cell.
    private var prefixes: [[UInt8]] = []
    /// Whether a row was written (the next one gets the format's row separator first).
    private var wroteRow = false

    /// A writer to `sink`.
    init(sink: ByteSink, format: Format) {
        self.sink = sink
        self.format = format
    }

    /// Writes the format's header (CSV's line of names).
    func begin(schema: Schema) throws {
        try phase.begin(schema)
        prefixes = format.cellPrefixes(schema)
        try sink.write(format.header(schema))
    }

    /// Formats `batch` column by column and writes its rows.
    func write(_ batch: Batch) throws {
        try phase.check(batch)
        guard batch.count > 0 else { return }
        let cells = batch.columns.map { FormattedColumn($0, format: format) }
        let separators = prefixes.reduce(format.rowEnd.count) { $0 + $1.count }
        var out: [UInt8] = []
        out.reserveCapacity(cells.reduce(batch.count * separators) { $0 + $1.bytes.count })
        let separator = format.rowSeparator
        for row in 0..<batch.count {
            if wroteRow { out.append(contentsOf: separator) }
            wroteRow = true
            for (prefix, column) in zip(prefixes, cells) {
                out.append(contentsOf: prefix)
                column.append(row: row, to: &out)
            }
            out.append(contentsOf: format.rowEnd)
        }
        try sink.write(out)
    }

    /// Flushes and closes the sink.
    func finish() throws {
        _ = try phase.finish()
        try sink.close()
    }
}
