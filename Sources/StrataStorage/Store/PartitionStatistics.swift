import StrataCore

/// A partition file's column statistics, gathered from its footer (no data is read): per column, the smallest and
/// largest value and the nulls over all its row groups.
package enum PartitionStatistics {
    /// Per column of `reader`'s schema: the min and max over the row groups (nil when a row group lacks them, or
    /// every value is NULL) and the summed null count (nil when a row group does not record it).
    package static func columns(of reader: ParquetFileReader) -> [ColumnChunkStatistics] {
        (0..<reader.schema.fields.count).map { column in
            var total = ColumnChunkStatistics(nullCount: 0)
            var known = true
            for rowGroup in 0..<reader.rowGroupCount {
                guard let stats = reader.statistics(rowGroup: rowGroup, column: column) else {
                    return ColumnChunkStatistics()
                }
                if let nulls = stats.nullCount, let sum = total.nullCount {
                    total.nullCount = sum.addingReportingOverflow(nulls).overflow ? nil : sum + nulls
                } else {
                    total.nullCount = nil
                }
                let rows = reader.rowCount(ofRowGroup: rowGroup)
                if stats.nullCount == rows { continue }  // all NULL: no bounds to take
                guard let min = stats.min, let max = stats.max else {
                    known = false
                    continue
                }
                if total.min.map({ ScanPredicate.compare(min, $0).map { $0 < 0 } ?? false }) ?? true { total.min = min }
                if total.max.map({ ScanPredicate.compare(max, $0).map { $0 > 0 } ?? false }) ?? true { total.max = max }
            }
            if !known {
                total.min = nil
                total.max = nil
            }
            return total
        }
    }
}
