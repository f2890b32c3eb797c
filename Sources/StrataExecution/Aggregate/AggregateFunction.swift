import StrataCore

/// An aggregate function, as in SQL.
public enum AggregateFunction: String, Sendable, Hashable, CaseIterable {
    /// `count(*)`: rows.
    case countStar = "count_star"
    /// `count(x)`: non-null values.
    case count
    /// `sum(x)`: integers sum exactly and fail when the total leaves int64; floats sum as doubles.
    case sum
    /// `min(x)`.
    case min
    /// `max(x)`.
    case max
    /// `avg(x)` (a double).
    case avg
    /// `var_samp(x)`: sample variance (NULL below two values).
    case varSamp = "var_samp"
    /// `stddev_samp(x)` (`stddev`): sample standard deviation.
    case stddevSamp = "stddev_samp"
    /// `var_pop(x)`: population variance.
    case varPop = "var_pop"
    /// `stddev_pop(x)`: population standard deviation.
    case stddevPop = "stddev_pop"
    /// `count(DISTINCT x)`.
    case countDistinct = "count_distinct"
    /// `median(x)`: the exact median, interpolated between the two middle values (a double).
    case median
    /// `quantile(x, q)`: the exact continuous quantile (DuckDB's `quantile_cont`), a double.
    case quantile
    /// `corr(y, x)`: Pearson's correlation coefficient.
    case corr
    /// `approx_count_distinct(x)`: a HyperLogLog estimate of the distinct values, in fixed memory per group.
    case approxCountDistinct = "approx_count_distinct"
    /// `approx_quantile(x, q)`: the continuous quantile of a uniform sample of at most 8,192 values per group
    /// (exact for smaller groups), in fixed memory per group; a double.
    case approxQuantile = "approx_quantile"
    /// `string_agg(x [, separator] [ORDER BY …])`: the non-NULL values joined by the separator (`,` by default),
    /// in the ORDER BY keys' order (the input's order without one); its extra arguments are the ORDER BY keys.
    case stringAgg = "string_agg"

    /// How many arguments the function takes.
    public var arity: Int {
        switch self {
        case .countStar: 0
        case .corr: 2
        default: 1
        }
    }
}

/// One aggregate of a query: a function, its argument expressions and the name of its output column.
public struct AggregateCall: Sendable, Hashable, CustomStringConvertible {
    /// The function.
    public var function: AggregateFunction
    /// The argument expressions (evaluated per input row).
    public var arguments: [Expr]
    /// The quantile for ``AggregateFunction/quantile`` (0…1).
    public var parameter: Double?
    /// The separator of ``AggregateFunction/stringAgg``.
    public var separator: String?
    /// For ``AggregateFunction/stringAgg``: whether each ORDER BY key (the arguments after the first) sorts
    /// descending.
    public var descending: [Bool]
    /// The output column name.
    public var name: String

    /// Creates an aggregate call.
    public init(_ function: AggregateFunction, _ arguments: [Expr] = [], parameter: Double? = nil,
                separator: String? = nil, descending: [Bool] = [], as name: String) {
        self.function = function
        self.arguments = arguments
        self.parameter = parameter
        self.separator = separator
        self.descending = descending
        self.name = name
    }

    public var description: String {
        let args = function == .countStar ? "*" : arguments.map(\.description).joined(separator: ", ")
        let name = function == .countDistinct ? "count(DISTINCT " : function.rawValue + "("
        let parameter = self.parameter.map { ", \($0)" } ?? ""
        return "\(name)\(args)\(parameter)) AS \(self.name)"
    }
}
