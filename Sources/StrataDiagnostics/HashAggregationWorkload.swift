// Hash aggregation on one worker, measured on the executor's HashAggregation operator.
//
// 1. init finds the key and value columns in the batches and checks that `sum` accepts the value type.
// 2. aggregate() runs `GROUP BY key: sum(value), count(*)` as a query with one thread does: a fresh operator with
//    an unlimited memory pool (so it never spills), every batch consumed in order, the worker finished, then every
//    hash partition merged and finalised into result batches.
// 3. It returns the number of groups, after checking that the counts add up to the rows consumed.
import Strata
import StrataCore
import StrataExecution

extension Diagnostics {
    /// `batches` with column `name` held as dictionary codes, as a scan hands on a dictionary-encoded Parquet
    /// column: every `batchesPerDictionary` consecutive batches (a row group's slices) share one dictionary of the
    /// distinct values they hold, in order of first appearance.
    /// - Throws: ``StrataError`` `.invalidArgument` when the column is missing or has NULLs.
    public static func dictionaryEncoded(_ batches: [Batch], column name: String,
                                         batchesPerDictionary: Int) throws -> [Batch] {
        var out: [Batch] = []
        var start = 0
        while start < batches.count {
            let group = batches[start..<min(batches.count, start + max(1, batchesPerDictionary))]
            start += group.count
            var index: [Value: UInt32] = [:]
            var entries: [Value] = []
            var codes: [[UInt32]] = []
            for batch in group {
                guard let column = batch.column(named: name), column.validity == nil else {
                    throw StrataError(.invalidArgument, "no column \"\(name)\" without NULLs to encode")
                }
                codes.append((0..<column.count).map { row in
                    let value = column.value(at: row)
                    if let code = index[value] { return code }
                    let code = UInt32(entries.count)
                    index[value] = code
                    entries.append(value)
                    return code
                })
            }
            guard let type = group.first?.schema.fields.first(where: { $0.name == name })?.type else { continue }
            let dictionary = ColumnDictionary(values: try Column(type: type, values: entries))
            for (batch, batchCodes) in zip(group, codes) {
                let columns = batch.schema.fields.enumerated().map { i, field in
                    field.name == name
                        ? Column(type: type, codes: DictionaryCodes(codes: batchCodes, dictionary: dictionary),
                                 validity: nil)
                        : batch.columns[i]
                }
                out.append(try Batch(schema: batch.schema, columns: columns))
            }
        }
        return out
    }

    /// Groups batches by one key column, computing `sum(value)` and `count(*)`, with the executor's hash
    /// aggregation on one worker.
    public final class HashAggregationWorkload {
        /// Rows in the batches.
        public let rows: Int

        private let batches: [Batch]
        private let keyIndex: Int
        private let valueIndex: Int
        private let keyField: Field
        private let specs: [AggregateSpec]
        private let spill = SpillManager()

        /// Aggregates column `value` of `batches` (all of one schema) grouped by column `key`.
        /// - Throws: ``StrataError`` `.invalidArgument` when a column is missing or `value` is not numeric.
        public init(batches: [Batch], key: String, value: String) throws {
            guard let schema = batches.first?.schema else {
                throw StrataError(.invalidArgument, "the aggregation workload needs at least one batch")
            }
            guard let keyIndex = schema.index(of: key), let valueIndex = schema.index(of: value) else {
                throw StrataError(.invalidArgument, "no column \"\(key)\" or \"\(value)\" in \(schema)")
            }
            guard batches.allSatisfy({ $0.schema == schema }) else {
                throw StrataError(.invalidArgument, "the aggregation workload's batches must all have one schema")
            }
            self.batches = batches
            self.keyIndex = keyIndex
            self.valueIndex = valueIndex
            keyField = schema.fields[keyIndex]
            specs = [
                try AggregateSpec(.sum, argumentTypes: [schema.fields[valueIndex].type], name: "sum"),
                try AggregateSpec(.countStar, argumentTypes: [], name: "count"),
            ]
            rows = batches.reduce(0) { $0 + $1.count }
        }

        /// Aggregates every batch (the measured operation); returns the number of groups.
        /// - Throws: ``StrataError`` `.internal` when the groups' counts do not add up to the rows.
        public func aggregate() throws -> Int {
            let aggregation = try HashAggregation(keys: [keyField], aggregates: specs, pool: MemoryPool(limit: Int.max),
                                                  spill: spill, workers: 1)
            for batch in batches {
                try aggregation.consume(keys: [batch.columns[keyIndex]], arguments: [[batch.columns[valueIndex]], []],
                                        rows: batch.count, worker: 0)
            }
            try aggregation.finish(worker: 0)
            var groups = 0
            var counted: Int64 = 0
            for partition in 0..<aggregation.partitionCount {
                try aggregation.merge(partition: partition) { batch in
                    groups += batch.count
                    if case let .int64(counts)? = batch.columns.last?.data { counted += counts.reduce(0, +) }
                }
            }
            guard counted == Int64(rows) else {
                throw StrataError(.internal, "the groups count \(counted) rows, \(rows) were aggregated")
            }
            return groups
        }
    }
}
