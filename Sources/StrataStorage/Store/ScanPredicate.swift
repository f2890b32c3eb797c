import StrataCore

/// A simple predicate a scan can check against row-group statistics: `column op constant`, combined with AND.
///
/// It only prunes: a row group is skipped when its min/max/null-count prove no row can match. Rows of the
/// remaining groups are not filtered here (that is the executor's job).
package indirect enum ScanPredicate: Sendable, Equatable {
    /// Comparison operators.
    package enum Operator: String, Sendable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// `column op value`; rows where the column is null never match.
    case compare(column: String, op: Operator, value: Value)
    /// `column IS NULL`.
    case isNull(column: String)
    /// All of the predicates.
    case and([ScanPredicate])

    /// Checks that every column exists in `schema`; returns self.
    func bound(to schema: Schema) throws -> ScanPredicate {
        switch self {
        case let .compare(column, _, _), let .isNull(column):
            guard schema.index(of: column) != nil else {
                throw StrataError(.notFound, "column \"\(column)\" not found", column: column)
            }
        case let .and(parts):
            for part in parts { _ = try part.bound(to: schema) }
        }
        return self
    }

    /// The columns the predicate reads.
    package var columns: Set<String> {
        switch self {
        case let .compare(column, _, _), let .isNull(column): [column]
        case let .and(parts): parts.reduce(into: Set<String>()) { $0.formUnion($1.columns) }
        }
    }

    /// Whether row group `rowGroup` of `reader` may hold a matching row (true when statistics are missing).
    package func mayMatch(_ reader: ParquetFileReader, rowGroup: Int) -> Bool {
        switch self {
        case let .and(parts):
            return parts.allSatisfy { $0.mayMatch(reader, rowGroup: rowGroup) }
        case let .isNull(column):
            guard let index = reader.schema.index(of: column),
                  let stats = reader.statistics(rowGroup: rowGroup, column: index), let nulls = stats.nullCount
            else { return true }
            return nulls > 0
        case let .compare(column, op, value):
            guard let index = reader.schema.index(of: column),
                  let stats = reader.statistics(rowGroup: rowGroup, column: index)
            else { return true }
            if let nulls = stats.nullCount, nulls == reader.rowCount(ofRowGroup: rowGroup) { return false }
            // NaN sorts above every number (as in DuckDB) and min/max leave it out: unless the statistics say
            // there is none, a floating column may hold values greater than its max, and different from any value.
            let type = reader.schema.fields[index].type
            if type == .double || type == .float, stats.nanCount.map({ $0 > 0 }) ?? true,
               op == .greater || op == .greaterOrEqual || op == .notEqual {
                return true
            }
            guard let min = stats.min, let max = stats.max,
                  let lo = ScanPredicate.compare(value, min), let hi = ScanPredicate.compare(value, max)
            else { return true }
            switch op {
            case .equal: return lo >= 0 && hi <= 0
            case .notEqual: return !(lo == 0 && hi == 0)
            case .less: return lo > 0            // some x < value  ⇔  min < value
            case .lessOrEqual: return lo >= 0
            case .greater: return hi < 0         // some x > value  ⇔  max > value
            case .greaterOrEqual: return hi <= 0
            }
        }
    }

    /// Three-way comparison of `a` with `b` when both are comparable numbers/strings/dates; nil otherwise.
    package static func compare(_ a: Value, _ b: Value) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case let (.string(x), .string(y)):
            let xs = Array(x.utf8), ys = Array(y.utf8)
            return xs == ys ? 0 : (xs.lexicographicallyPrecedes(ys) ? -1 : 1)
        case let (.bool(x), .bool(y)): return sign(x ? 1 : 0, y ? 1 : 0)
        case let (.date(x), .date(y)): return sign(x, y)
        case let (.timestamp(x), .timestamp(y)), let (.timestampNanos(x), .timestampNanos(y)), let (.time(x), .time(y)):
            return sign(x, y)
        case let (.blob(x), .blob(y)): return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
        case (.decimal, _), (_, .decimal):
            // Exact at the larger scale; a value that does not fit 128 bits there is not compared.
            guard let (x, s) = decimal(a), let (y, t) = decimal(b) else {
                guard let x = numeric(a), let y = numeric(b), !x.isNaN, !y.isNaN,
                      abs(x) < 9.0e15, abs(y) < 9.0e15 else { return nil }
                return sign(x, y)
            }
            let scale = max(s, t)
            guard let xs = DecimalMath.rescale(x, from: s, to: scale),
                  let ys = DecimalMath.rescale(y, from: t, to: scale) else { return nil }
            return sign(xs, ys)
        default:
            if let x = integer(a), let y = integer(b) { return sign(x, y) }
            // Mixed integer/floating comparisons are only trusted where doubles are exact.
            guard let x = numeric(a), let y = numeric(b), !x.isNaN, !y.isNaN,
                  abs(x) < 9.0e15, abs(y) < 9.0e15
            else { return nil }
            return sign(x, y)
        }
    }

    private static func integer(_ v: Value) -> Int64? {
        switch v {
        case let .int32(x): Int64(x)
        case let .int64(x): x
        default: nil
        }
    }

    /// Units and scale of a decimal or integer value.
    private static func decimal(_ v: Value) -> (Int128, Int)? {
        switch v {
        case let .decimal(units, _, scale): (units.value, Int(scale))
        case let .int32(x): (Int128(x), 0)
        case let .int64(x): (Int128(x), 0)
        default: nil
        }
    }

    private static func numeric(_ v: Value) -> Double? {
        switch v {
        case let .decimal(units, _, scale): DecimalMath.toDouble(units.value, scale: Int(scale))
        case let .int32(x): Double(x)
        case let .int64(x): Double(x)
        case let .float(x): Double(x)
        case let .double(x): x
        default: nil
        }
    }
}

extension ScanPredicate: CustomStringConvertible {
    /// The predicate in SQL-like text, as EXPLAIN shows it.
    package var description: String {
        switch self {
        case let .compare(column, op, value):
            if case let .string(s) = value { return "\(column) \(op.rawValue) '\(s)'" }
            return "\(column) \(op.rawValue) \(value)"
        case let .isNull(column): return "\(column) IS NULL"
        case let .and(parts): return parts.map(\.description).joined(separator: " AND ")
        }
    }
}
