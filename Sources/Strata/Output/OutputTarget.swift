/// Where a ``ResultWriter`` sends its output.
package enum OutputTarget: Sendable, Hashable {
    /// The process's standard output.
    case standardOutput
    /// A file at this path, created or truncated (Parquet output replaces it only once complete).
    case file(String)
}
