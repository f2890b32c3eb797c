import Foundation
import StrataCore

// The `stats` of a Delta `add` action, from a Parquet file's footer.
//
// Algorithm:
// 1. Open the file's footer for the first `indexedColumns` columns (Delta's `dataSkippingNumIndexedCols`, 32).
// 2. For each column, sum the row groups' null counts and take the least min and greatest max over them. A row
//    group without trustworthy bounds (or a floating column holding NaN, which min/max leave out) drops the
//    column's bounds: a bound must never exclude a value.
// 3. Write bounds only for types whose Delta JSON form is exact and read the same by every engine: integers,
//    dates (`yyyy-mm-dd`), decimals (their digits), finite doubles/floats, and strings of at most 64 bytes.
//    Timestamps, time, blobs and booleans get the null count only.
// 4. Emit `{"numRecords":…,"minValues":{…},"maxValues":{…},"nullCount":{…}}` with keys in schema order.

/// Builds and reads the statistics JSON of a Delta `add` action.
package enum DeltaStatistics {
    /// Columns that get statistics (Delta's default `dataSkippingNumIndexedCols`).
    package static let indexedColumns = 32
    /// Longest string bound written (longer ones would bloat the log; the column then has no bounds).
    static let longestStringBound = 64

    /// The statistics JSON of the Parquet file at `path`.
    package static func json(forFileAt path: String, schema: Schema) throws -> String {
        let names = Set(schema.fields.prefix(indexedColumns).map(\.name))
        let reader = try ParquetFileReader(path: path, columns: names)
        var minimums: [(String, String)] = []
        var maximums: [(String, String)] = []
        var nullCounts: [(String, String)] = []
        for (index, field) in reader.schema.fields.enumerated() where names.contains(field.name) {
            var nulls: Int64? = 0
            var low: Value?
            var high: Value?
            var bounded = true
            for group in 0..<reader.rowGroupCount {
                let stats = reader.statistics(rowGroup: group, column: index)
                if let count = stats?.nullCount, let sum = nulls, count >= 0,
                   !sum.addingReportingOverflow(count).overflow {
                    nulls = sum + count
                } else {
                    nulls = nil
                }
                let rows = reader.rowCount(ofRowGroup: group)
                if stats?.nullCount == rows { continue }
                guard let stats, let min = stats.min, let max = stats.max,
                      (field.type != .double && field.type != .float) || stats.nanCount == 0
                else { bounded = false; continue }
                if let current = low, let order = ScanPredicate.compare(min, current) {
                    if order < 0 { low = min }
                } else if low == nil { low = min } else { bounded = false }
                if let current = high, let order = ScanPredicate.compare(max, current) {
                    if order > 0 { high = max }
                } else if high == nil { high = max } else { bounded = false }
            }
            let key = quoted(field.name)
            if let nulls { nullCounts.append((key, String(nulls))) }
            if bounded, let low, let high, let lowText = literal(low), let highText = literal(high) {
                minimums.append((key, lowText))
                maximums.append((key, highText))
            }
        }
        func object(_ members: [(String, String)]) -> String {
            "{" + members.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        }
        return "{\"numRecords\":\(reader.rowCount),\"minValues\":\(object(minimums)),"
            + "\"maxValues\":\(object(maximums)),\"nullCount\":\(object(nullCounts))}"
    }

    /// `numRecords` of a statistics JSON string, when present.
    package static func numRecords(in stats: String) -> Int64? {
        struct Counts: Decodable { var numRecords: Int64? }
        return (try? JSONDecoder().decode(Counts.self, from: Data(stats.utf8)))?.numRecords ?? nil
    }

    /// The JSON form of a bound, or nil for types whose bounds are not written.
    static func literal(_ value: Value) -> String? {
        switch value {
        case let .int32(v): return String(v)
        case let .int64(v): return String(v)
        case let .date(days):
            // Years 0001-9999 only: other engines parse nothing else as a date.
            let text = CivilDate.format(days: days)
            return text.utf8.count == 10 && !text.hasPrefix("0000") && !text.hasPrefix("-") ? quoted(text) : nil
        case .decimal:
            // JSON numbers need a digit before the point (DECIMAL(2,2) prints .05).
            var text = value.description
            if text.hasPrefix(".") { text = "0" + text } else if text.hasPrefix("-.") { text = "-0" + text.dropFirst() }
            return text
        case let .double(v): return v.isFinite ? jsonNumber(v) : nil
        case let .float(v): return v.isFinite ? jsonNumber(Double(v)) : nil
        case let .string(text): return text.utf8.count <= longestStringBound ? quoted(text) : nil
        default: return nil
        }
    }

    /// A finite double as JSON (Swift's shortest round-trip digits; JSON has no `inf` or `nan`).
    private static func jsonNumber(_ value: Double) -> String {
        let text = value.description
        return text.contains("e") ? text.replacingOccurrences(of: "e", with: "E") : text
    }

    private static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}
