import StrataCore

/// A partition file's column statistics, gathered from its footer (no data is read): per column, the smallest and
/// largest value and the nulls over all its row groups.
package enum PartitionStatistics {
    /// The lower (or upper) of the bound so far and `candidate`; a candidate that does not compare with it is
    /// ignored.
    package static func bound(_ current: Value?, _ candidate: Value, lower: Bool) -> Value {
        guard let current, let order = ScanPredicate.compare(candidate, current) else { return current ?? candidate }
        return (lower ? order < 0 : order > 0) ? candidate : current
    }

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
                total.min = bound(total.min, min, lower: true)
                total.max = bound(total.max, max, lower: false)
            }
            if !known {
                total.min = nil
                total.max = nil
            }
            return total
        }
    }
}
