/// What an import does when the target table exists (a missing table is always created).
public enum ImportMode: Sendable, Hashable {
    /// Create the table; fail with `.alreadyExists` when it exists.
    case create
    /// Append the rows as a new version; the columns must have the table's names and types.
    case append
    /// Commit a new version holding only the imported rows (the schema may change). Older versions are kept.
    case replace
}
