import StrataCore

/// What the binder may read in a FROM clause: the store's tables and files named by table functions. The façade
/// implements it over a store.
package protocol SQLCatalog {
    /// The schema of table `name`, or nil when there is no such table.
    func tableSchema(_ name: String) throws -> Schema?
    /// Version `version` of table `name` (an error when there is no such version): the name a plan scans it by,
    /// and its schema.
    func tableVersion(_ name: String, version: Int) throws -> (reference: String, schema: Schema)
    /// The names of the tables (for "did you mean" suggestions).
    func tableNames() throws -> [String]
    /// The Parquet files matching `pattern` (a path with `*`, `?` or `**` wildcards), sorted, with their schema.
    func parquetFiles(_ pattern: String) throws -> (paths: [String], schema: Schema)
    /// The data files and schema of version `version` (the latest when nil) of the Delta table in folder `path`.
    func deltaTable(_ path: String, version: Int?) throws -> (paths: [String], schema: Schema)
    /// A CSV file (`options`: DuckDB-style named arguments such as `header`, `delim`) made scannable: converted to
    /// Parquet files that live as long as the catalog; their paths and schema.
    func csvFile(_ path: String, options: [String: Value]) throws -> (paths: [String], schema: Schema)
}
