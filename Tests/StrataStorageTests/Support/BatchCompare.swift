import StrataTestSupport
import StrataCore
@testable import StrataStorage

/// Comparisons of columns and batches that report the first difference readably.
enum Compare {
    /// nil when the columns hold the same rows: same type and length, nulls in the same places, equal values
    /// (NaN equals NaN whatever its payload; -0.0 differs from 0.0); otherwise a description of the first difference.
    static func difference(_ expected: Column, _ actual: Column, name: String = "") -> String? {
        let label = name.isEmpty ? "" : "column \(name): "
        guard expected.type == actual.type else { return "\(label)type \(actual.type), expected \(expected.type)" }
        guard expected.count == actual.count else { return "\(label)\(actual.count) rows, expected \(expected.count)" }
        for i in 0..<expected.count where expected.isNull(i) != actual.isNull(i) {
            return "\(label)row \(i): \(actual.value(at: i)), expected \(expected.value(at: i))"
        }
        func firstDiff<T>(_ a: [T], _ b: [T], _ same: (T, T) -> Bool) -> Int? {
            for i in 0..<a.count where !expected.isNull(i) && !same(a[i], b[i]) { return i }
            return nil
        }
        var row: Int?
        switch (expected.data, actual.data) {
        case let (.bool(a), .bool(b)): row = firstDiff(a, b, ==)
        case let (.int32(a), .int32(b)): row = firstDiff(a, b, ==)
        case let (.int64(a), .int64(b)): row = firstDiff(a, b, ==)
        case let (.int128(a), .int128(b)): row = firstDiff(a, b, ==)
        case let (.float(a), .float(b)):
            row = firstDiff(a, b) { $0.isNaN ? $1.isNaN : $0.bitPattern == $1.bitPattern }
        case let (.double(a), .double(b)):
            row = firstDiff(a, b) { $0.isNaN ? $1.isNaN : $0.bitPattern == $1.bitPattern }
        case let (.string(a), .string(b)):
            for i in 0..<expected.count where !expected.isNull(i) {
                if a.bytes[a.range(i)] != b.bytes[b.range(i)] {
                    row = i
                    break
                }
            }
        default:
            return "\(label)buffer kinds differ"
        }
        if let row {
            return "\(label)row \(row): \(describe(actual.value(at: row))), expected \(describe(expected.value(at: row)))"
        }
        return nil
    }

    /// nil when the batches have the same field names and types and equal columns.
    static func difference(_ expected: Batch, _ actual: Batch) -> String? {
        let names = expected.schema.fields.map(\.name), types = expected.schema.fields.map(\.type)
        guard actual.schema.fields.map(\.name) == names, actual.schema.fields.map(\.type) == types else {
            return "schema \(actual.schema), expected \(expected.schema)"
        }
        for (i, name) in names.enumerated() {
            if let d = difference(expected.columns[i], actual.columns[i], name: name) { return d }
        }
        return nil
    }

    /// A value with its canonical spelling, so -0.0, NaN and strings with control characters are visible.
    static func describe(_ value: Value) -> String {
        "\(Canonical.json(value)) (\(value))"
    }
}

/// Concatenation of batches.
enum Batches {
    /// One batch holding the rows of `batches` in order (an empty batch of `schema` when there are none).
    static func concatenate(_ batches: [Batch], schema: Schema) throws -> Batch {
        let columns = try schema.fields.indices.map { c in
            try Column.concatenate(batches.map { $0.columns[c] }, type: schema.fields[c].type)
        }
        return try Batch(schema: schema, columns: columns)
    }

    /// Rows `range` of a batch.
    static func slice(_ batch: Batch, _ range: Range<Int>) throws -> Batch {
        try Batch(schema: batch.schema, columns: batch.columns.map { $0.slice(range) })
    }
}

extension ParquetFileReader {
    /// Every row group of the file, all columns, in order.
    func readAllRowGroups() throws -> [Batch] {
        let columns = Array(schema.fields.indices)
        return try (0..<rowGroupCount).map { try readRowGroup($0, columns: columns) }
    }

    /// The whole file as one batch.
    func readAll() throws -> Batch {
        try Batches.concatenate(readAllRowGroups(), schema: schema)
    }
}

/// The rows of a table snapshot (or a projection of it) as one batch.
func scanAll(_ snapshot: TableSnapshot, columns: [String]? = nil, predicate: ScanPredicate? = nil) throws
    -> (batch: Batch, prunedRowGroups: Int)
{
    var scan = try snapshot.scan(columns: columns, predicate: predicate)
    var batches: [Batch] = []
    while let batch = try scan.next() { batches.append(batch) }
    return (try Batches.concatenate(batches, schema: scan.schema), scan.prunedRowGroups)
}
