/// Output formats of query results (the CLI's --format).
package enum ResultFormat: String, CaseIterable, Sendable {
    /// An aligned box for a terminal, like DuckDB's shell (first and last 20 rows of long results).
    case table
    /// Comma-separated values with a header line, as DuckDB's `COPY … TO 'x.csv'` writes them.
    case csv
    /// One JSON object per line, as DuckDB's `COPY … TO 'x.json' (FORMAT json)` writes them.
    case json
    /// `column = value` lines, a blank line between rows: DuckDB's shell line mode, for wide rows.
    case line
    /// A Parquet file (ZSTD-compressed pages); needs a file to write to.
    case parquet
}
