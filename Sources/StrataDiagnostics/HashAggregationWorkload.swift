// Hash aggregation on one worker, measured on the executor's HashAggregation operator.
//
// 1. init finds the key and value columns in the batches and checks that `sum` accepts the value type.
// 2. aggregate() runs `GROUP BY key: sum(value), count(*)` as a query with one thread does: a fresh operator with
//    an unlimited memory pool (so it never spills), every batch consumed in order, the worker finished, then every
//    hash partition merged and finalised into result batches.
// 3. It returns the number of groups, after checking that the counts add up to the rows consumed.
import Strata
import StrataExecution

extension Diagnostics {
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
