import Synchronization

/// The distinct values a dictionary-encoded column's codes point into (a Parquet column chunk's dictionary page).
///
/// One instance is shared by every slice decoded from the same column chunk, so its identity tells consumers that
/// two batches use the same dictionary (an aggregation keeps its code → group map while the identity holds).
package final class ColumnDictionary: Sendable {
    /// The entries, without nulls.
    package let values: Column
    /// The longest entry in bytes (strings), or the value width (fixed-width types).
    package let maxEntryBytes: Int

    /// Wraps `values` (a flat column without nulls).
    package init(values: Column) {
        self.values = values
        if case let .string(buffer) = values.data {
            var longest = 0
            buffer.offsets.withUnsafeBufferPointer { o in
                for i in 0..<buffer.count { longest = max(longest, Int(o[i + 1] - o[i])) }
            }
            maxEntryBytes = longest
        } else {
            maxEntryBytes = values.count == 0 ? 0 : values.data.byteCount / values.count
        }
    }

    /// Number of entries.
    package var count: Int { values.count }

    /// Whether `rows` codes into this dictionary can be turned into one flat column (a string column stays below
    /// 2 GiB even if every row names the longest entry).
    package func canMaterialize(rows: Int) -> Bool {
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: maxEntryBytes + 4)
        return !overflow && bytes <= Int(Int32.max)
    }
}

/// A column held as dictionary codes: per row an index into a shared ``ColumnDictionary`` (``nullRow`` on null
/// rows). The flat values are built on first use of ``Column/data`` and kept, so a consumer that understands codes
/// (group-by keys) never pays for them and every other consumer sees an ordinary column.
package final class DictionaryCodes: Sendable {
    /// One code per row.
    package let codes: [UInt32]
    /// What the codes point into.
    package let dictionary: ColumnDictionary
    private let flat = Mutex<ColumnData?>(nil)

    /// Codes into `dictionary`; every code is below `dictionary.count` or equal to ``nullRow``, and
    /// `dictionary.canMaterialize(rows: codes.count)` holds (the caller checks both).
    package init(codes: [UInt32], dictionary: ColumnDictionary) {
        self.codes = codes
        self.dictionary = dictionary
    }

    /// The flat values, built once.
    package var materialized: ColumnData {
        flat.withLock { cached in
            if let cached { return cached }
            let values = codes.withUnsafeBufferPointer { rows in
                // Cannot fail: the codes are in range and the size was checked when the column was made.
                (try? dictionary.values.gather(rows: rows).data) ?? Column.nulls(dictionary.values.type,
                                                                                  count: rows.count).data
            }
            cached = values
            return values
        }
    }

    /// Whether the flat values have been built.
    package var isMaterialized: Bool { flat.withLock { $0 != nil } }

    /// Bytes the column takes once flat, estimated from the dictionary's average entry (strings) or the value
    /// width, plus the codes.
    package var byteCount: Int {
        let entries = max(1, dictionary.count)
        let perRow: Int
        if case let .string(buffer) = dictionary.values.data {
            perRow = 4 + (buffer.bytes.count + entries - 1) / entries
        } else {
            perRow = (dictionary.values.data.byteCount + entries - 1) / entries
        }
        return codes.count * (4 + perRow) + dictionary.values.byteCount
    }
}
