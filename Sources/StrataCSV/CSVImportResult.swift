import StrataCore
import StrataStorage

/// What a finished CSV import did.
package struct CSVImportResult: Sendable {
    /// The committed table version.
    package var snapshot: TableSnapshot
    /// Rows imported.
    package var rowsImported: Int64
    /// Rows rejected (skipped).
    package var rowsRejected: Int64
    /// Input bytes as stored.
    package var inputBytes: Int64
    /// Columns whose sniffed type widened, as `name: type`.
    package var widenedColumns: [String]
    /// Passes over the input (2 after a widening).
    package var passes: Int
}

/// Progress of a running CSV import.
package struct CSVImportProgress: Sendable {
    /// Input bytes read (as stored).
    package var bytesRead: Int64
    /// The input size when known.
    package var totalBytes: Int64?
    /// Rows parsed in this pass.
    package var rows: Int64
    /// The pass (1, or 2 after a widening).
    package var pass: Int
}
