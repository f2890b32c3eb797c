import StrataCore
import StrataStorage

/// Where the rows of a plan's scan come from.
package struct ScanSource: Sendable {
    /// The kinds of input.
    package enum Kind: Sendable {
        /// Parquet files: a table version's partitions or `read_parquet` files.
        case files([ScanFile])
        /// Rows held in the plan (`SELECT` without `FROM`, `VALUES`).
        case rows(Batch)
    }

    /// The name shown by EXPLAIN.
    package let name: String
    /// The rows' schema.
    package let schema: Schema
    /// The input.
    package let kind: Kind

    /// Creates a source.
    package init(name: String, schema: Schema, kind: Kind) {
        self.name = name
        self.schema = schema
        self.kind = kind
    }

    /// The partitions of a table version.
    package init(snapshot: TableSnapshot) {
        name = "\(snapshot.name) v\(snapshot.version)"
        schema = snapshot.schema
        kind = .files(snapshot.partitions.indices.map { index in
            ScanFile(path: snapshot.path(of: snapshot.partitions[index])) { columns, previous in
                try snapshot.openPartition(index, columns: columns, sharing: previous)
            }
        })
    }

    /// Parquet files read directly; their schemas must agree (names and types) with the first one's.
    package init(parquetFiles paths: [String], name: String) throws {
        guard let first = paths.first else {
            throw StrataError(.notFound, "no files match \(name)")
        }
        let reader = try ParquetFileReader(path: first)
        self.name = name
        schema = reader.schema
        let expected = reader.schema
        kind = .files(paths.map { path in
            ScanFile(path: path) { columns, previous in
                let reader = try ParquetFileReader(path: path, columns: columns, sharing: previous)
                guard reader.schema == expected else {
                    throw StrataError(.schemaMismatch, "schema (\(reader.schema)) differs from that of \(first) "
                        + "(\(expected))", path: path)
                }
                return reader
            }
        })
    }
}

/// One Parquet file of a scan, opened when the query starts.
package struct ScanFile: Sendable {
    /// The file.
    package let path: String
    /// Opens it (checking whatever the source checks: footer CRCs, schema), loading the chunk metadata of the
    /// columns given (all when nil) and sharing the schema of the reader given when it is the same (see
    /// ``ParquetFileReader/init(path:verifyFooterCRC:footerBytes:expectedSize:columns:sharing:)``).
    package let open: @Sendable (Set<String>?, ParquetFileReader?) throws -> ParquetFileReader

    /// Creates a file entry.
    package init(path: String,
                 open: @escaping @Sendable (Set<String>?, ParquetFileReader?) throws -> ParquetFileReader) {
        self.path = path
        self.open = open
    }
}
