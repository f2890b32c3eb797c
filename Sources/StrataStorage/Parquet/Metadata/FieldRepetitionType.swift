/// Whether a schema element is required, optional or repeated.
package enum FieldRepetitionType: Int32, Sendable, Hashable, CaseIterable {
    /// Exactly one value per row.
    case required = 0
    /// Zero or one value per row.
    case optional = 1
    /// Zero or more values per row (never in a flat schema).
    case repeated = 2
}
