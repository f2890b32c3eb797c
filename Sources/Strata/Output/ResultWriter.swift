/// Writes query results as they stream in, never holding them all (except the table format's head and tail).
///
/// Call ``begin(schema:)`` once, ``write(_:)`` for every batch, then ``finish()``. Text output dropped before
/// `finish()` may be cut short (what was still buffered is lost); the Parquet writer deletes its partial file.
package protocol ResultWriter: AnyObject {
    /// Starts the output for batches of `schema`; called once before any batch.
    func begin(schema: Schema) throws
    /// Writes one batch (its column types must be the schema's); called zero or more times.
    func write(_ batch: Batch) throws
    /// Ends the output and flushes it; called once at the end.
    func finish() throws
}

/// A writer of `format` sending its output to `output`; `memoryLimit` (the query's, nil: none) bounds its buffers
/// (a Parquet row group holds at most a sixteenth of it); the table format shows at most `maxRows` rows (see
/// ``TableResultWriter``).
///
/// Throws `.invalidArgument` for Parquet to standard output ("parquet output needs --output PATH") and `.io`
/// when the output file cannot be created.
package func makeResultWriter(format: ResultFormat, output: OutputTarget,
                              memoryLimit: Int? = nil,
                              maxRows: Int = TableResultWriter.defaultMaxRows) throws -> any ResultWriter {
    switch format {
    case .table: return TableResultWriter(sink: try ByteSink(output), maxRows: maxRows)
    case .csv: return LineResultWriter(sink: try ByteSink(output), format: CSVLineFormat())
    case .json: return LineResultWriter(sink: try ByteSink(output), format: JSONLineFormat())
    case .line: return LineResultWriter(sink: try ByteSink(output), format: NamedLineFormat())
    case .parquet:
        guard case let .file(path) = output else {
            throw StrataError(.invalidArgument, "parquet output needs --output PATH")
        }
        return ParquetResultWriter(path: path, memoryLimit: memoryLimit)
    }
}
