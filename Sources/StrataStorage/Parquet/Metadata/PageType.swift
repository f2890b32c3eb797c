/// The kind of a Parquet page.
package enum PageType: Int32, Sendable, Hashable, CaseIterable {
    /// A version 1 data page.
    case dataPage = 0
    /// An index page (never used by writers).
    case indexPage = 1
    /// A dictionary page.
    case dictionaryPage = 2
    /// A version 2 data page.
    case dataPageV2 = 3
}
