import StrataCore

/// An aggregate checked against its argument types: knows its result type and makes accumulators.
package struct AggregateSpec: Sendable {
    /// The function.
    package let function: AggregateFunction
    /// Argument types, in order.
    package let argumentTypes: [DataType]
    /// The quantile of `quantile` (0.5 for `median`).
    package let parameter: Double?
    /// The separator of `string_agg`.
    package let separator: String
    /// Whether each ORDER BY key of `string_agg` sorts descending.
    package let descending: [Bool]
    /// The output column name.
    package let name: String
    /// The output type.
    package let resultType: DataType

    /// Checks the argument types of `function`; throws `.invalidArgument` naming the aggregate when they do not fit.
    package init(_ function: AggregateFunction, argumentTypes: [DataType], parameter: Double? = nil,
                 separator: String? = nil, descending: [Bool] = [], name: String) throws(StrataError) {
        let label = function == .countStar ? "count(*)" : "\(function.rawValue)(\(argumentTypes.map(\.name).joined(separator: ", ")))"
        self.separator = separator ?? ","
        self.descending = descending
        guard argumentTypes.count == function.arity
            || (function == .stringAgg && argumentTypes.count == 1 + descending.count) else {
            throw StrataError(.invalidArgument,
                              "\(function.rawValue) takes \(function.arity) argument(s), got \(argumentTypes.count)")
        }
        func numeric() throws(StrataError) {
            for type in argumentTypes where !NumericInput.isNumeric(type) {
                throw StrataError(.invalidArgument, "\(label) needs numeric arguments")
            }
        }
        var parameter = parameter
        switch function {
        case .countStar, .count, .countDistinct, .approxCountDistinct:
            resultType = .int64
        case .min, .max:
            resultType = argumentTypes[0]
        case .stringAgg:
            guard argumentTypes[0] == .string else {
                throw StrataError(.invalidArgument, "\(label) needs a string value (cast it to VARCHAR)")
            }
            resultType = .string
        case .sum:
            try numeric()
            if case let .decimal(_, scale) = argumentTypes[0] {
                resultType = .decimal(precision: DataType.maxDecimalPrecision, scale: scale)
            } else {
                resultType = NumericInput.isInteger(argumentTypes[0]) ? .int64 : .double
            }
        case .avg, .varSamp, .stddevSamp, .varPop, .stddevPop, .corr:
            try numeric()
            resultType = .double
        case .median, .quantile, .approxQuantile:
            try numeric()
            if function == .median { parameter = 0.5 }
            guard let q = parameter, q >= 0, q <= 1 else {
                throw StrataError(.invalidArgument, "\(label) needs a quantile between 0 and 1")
            }
            resultType = .double
        }
        self.function = function
        self.argumentTypes = argumentTypes
        self.parameter = parameter
        self.name = name
    }

    /// Whether the aggregate keeps every value (median, quantile, count distinct).
    package var isHolistic: Bool { [.median, .quantile, .countDistinct, .stringAgg].contains(function) }

    /// A fresh accumulator.
    package func makeAccumulator() -> any Accumulator {
        switch function {
        case .countStar: CountAccumulator(countsNulls: true)
        case .count: CountAccumulator(countsNulls: false)
        case .sum: SumAccumulator(inputType: argumentTypes[0], average: false, name: name)
        case .avg: SumAccumulator(inputType: argumentTypes[0], average: true, name: name)
        case .min: MinMaxAccumulator(type: argumentTypes[0], isMax: false)
        case .max: MinMaxAccumulator(type: argumentTypes[0], isMax: true)
        case .varSamp, .stddevSamp, .varPop, .stddevPop: VarianceAccumulator(function: function)
        case .corr: CorrelationAccumulator()
        case .median, .quantile: QuantileAccumulator(quantile: parameter ?? 0.5)
        case .countDistinct: DistinctCountAccumulator(type: argumentTypes[0])
        case .approxCountDistinct: HyperLogLogAccumulator(type: argumentTypes[0])
        case .approxQuantile: ApproxQuantileAccumulator(quantile: parameter ?? 0.5)
        case .stringAgg:
            StringAggAccumulator(separator: separator, keys: zip(argumentTypes.dropFirst(), descending).map {
                SortKeyEncoder.Key(type: $0.0, ascending: !$0.1, nullsFirst: false)
            })
        }
    }
}
