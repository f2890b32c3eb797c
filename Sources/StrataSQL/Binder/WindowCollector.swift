import StrataCore
import StrataExecution

/// Gathers the window function calls of one SELECT while its expressions are translated, and replaces each by a
/// column of the window step's output (see step 3b of `SQLBinder`).
///
/// 1. Named windows (`WINDOW w AS (…)`) are resolved first; a window may start from an earlier one, taking its
///    PARTITION BY, its ORDER BY when it has none of its own, and its frame when it has none.
/// 2. Each call's arguments, PARTITION BY and ORDER BY expressions are translated like the select list's (over the
///    aggregate's output when the query aggregates); frame offsets must fold to constants.
/// 3. Equal calls share one output column.
final class WindowCollector {
    private let expressions: ExpressionBinder
    private var named: [String: SQLWindowSpec] = [:]
    /// The calls so far with their result types.
    private(set) var calls: [(call: WindowCall, type: DataType)] = []

    /// Function names a window call may use, by lowercased name.
    static let functions: [String: WindowFunction] = [
        "row_number": .rowNumber, "rank": .rank, "dense_rank": .denseRank, "percent_rank": .percentRank,
        "cume_dist": .cumeDist, "ntile": .ntile, "lag": .lag, "lead": .lead, "first_value": .firstValue,
        "last_value": .lastValue, "nth_value": .nthValue, "count": .count, "sum": .sum, "avg": .avg,
        "mean": .avg, "min": .min, "max": .max,
    ]

    /// A collector with the select's named windows.
    init(expressions: ExpressionBinder, windows: [SQLNamedWindow]) throws {
        self.expressions = expressions
        for window in windows {
            let key = window.name.lowercased()
            guard named[key] == nil else {
                throw expressions.error("window \"\(window.name)\" is defined twice", at: window.spec.location)
            }
            named[key] = try resolve(window.spec)
        }
    }

    /// Whether any call was collected.
    var isEmpty: Bool { calls.isEmpty }

    /// `spec` merged with the named window it starts from.
    private func resolve(_ spec: SQLWindowSpec) throws -> SQLWindowSpec {
        guard let baseName = spec.base else { return spec }
        guard let base = named[baseName.lowercased()] else {
            throw expressions.error("window \"\(baseName)\" is not defined", at: spec.location, code: .notFound)
        }
        var merged = base
        merged.base = nil
        merged.location = spec.location
        if !spec.partitionBy.isEmpty {
            guard base.partitionBy.isEmpty else {
                throw expressions.error("cannot override the PARTITION BY of window \"\(baseName)\"",
                                        at: spec.location)
            }
            merged.partitionBy = spec.partitionBy
        }
        if !spec.orderBy.isEmpty {
            guard base.orderBy.isEmpty else {
                throw expressions.error("cannot override the ORDER BY of window \"\(baseName)\"", at: spec.location)
            }
            merged.orderBy = spec.orderBy
        }
        if let frame = spec.frame { merged.frame = frame }
        return merged
    }

    /// The column standing for window call `e`; `translate` turns its parts into expressions over the window's
    /// input and `check` gives their types.
    func add(_ e: SQLExpr, translate: (SQLExpr) throws -> Expr,
             check: (Expr, SourceLocation) throws -> DataType) throws -> Expr {
        guard case let .window(name, args, star, written, location) = e else {
            throw expressions.error("not a window function call", at: e.location, code: .internal)
        }
        if let nested = args.first(where: WindowCollector.containsWindow) {
            throw expressions.error("window function calls cannot be nested", at: nested.location)
        }
        let lowered = name.lowercased()
        guard var function = WindowCollector.functions[lowered] else {
            if ExpressionBinder.aggregateFunctions.contains(lowered) {
                throw expressions.error("\(lowered) is not supported as a window function", at: location,
                                        code: .unsupported)
            }
            throw expressions.error("unknown window function \(name)", at: location, code: .notFound)
        }
        if star {
            guard function == .count else {
                throw expressions.error("\(lowered)(*) is not supported; only count(*)", at: location)
            }
            function = .countStar
        } else if function == .count && args.isEmpty {
            function = .countStar
        }
        let spec = try resolve(written)
        var arguments: [Expr] = []
        var types: [DataType] = []
        for arg in args {
            let expr = try translate(arg)
            arguments.append(expr)
            types.append(try check(expr, arg.location))
        }
        let type: DataType
        do {
            type = try function.resultType(types)
        } catch {
            throw expressions.error(error.message, at: location, code: error.code)
        }
        var partitionBy: [Expr] = []
        for expr in spec.partitionBy {
            let translated = try translate(expr)
            _ = try check(translated, expr.location)
            partitionBy.append(translated)
        }
        var orderBy: [SortKey] = []
        var orderTypes: [DataType] = []
        for item in spec.orderBy {
            let translated = try translate(item.expr)
            orderTypes.append(try check(translated, item.expr.location))
            orderBy.append(SortKey(translated, ascending: item.ascending, nullsFirst: item.nullsFirst ?? false))
        }
        var frame: WindowFrame?
        if let written = spec.frame {
            func bound(_ b: SQLFrameBound) throws -> WindowFrameBound {
                func constant(_ offset: SQLExpr) throws -> Value {
                    guard case let .literal(value) = try translate(offset), value != .null else {
                        throw expressions.error("a frame offset must be a constant", at: offset.location)
                    }
                    return value
                }
                switch b {
                case .unboundedPreceding: return .unboundedPreceding
                case let .preceding(offset): return .preceding(try constant(offset))
                case .currentRow: return .currentRow
                case let .following(offset): return .following(try constant(offset))
                case .unboundedFollowing: return .unboundedFollowing
                }
            }
            if !written.rows, spec.orderBy.isEmpty {
                if case .preceding = written.start {
                    throw expressions.error("a RANGE frame with an offset needs ORDER BY", at: written.location)
                }
            }
            frame = WindowFrame(rows: written.rows, start: try bound(written.start), end: try bound(written.end))
        }
        let call = WindowCall(function, arguments, partitionBy: partitionBy, orderBy: orderBy, frame: frame,
                              as: "__window\(calls.count)")
        // Constant arguments and frame offsets are checked now, so their errors point into the SQL (the window
        // operator casts lag/lead's default to the value's type).
        var fieldTypes = types
        if [.lag, .lead].contains(function), fieldTypes.count > 2 { fieldTypes[2] = fieldTypes[0] }
        if let problem = WindowCollector.problem(call, argumentTypes: fieldTypes, orderTypes: orderTypes) {
            throw expressions.error(problem.message, at: location, code: problem.code)
        }
        if let existing = calls.first(where: {
            var other = $0.call
            other.name = call.name
            return other == call
        }) {
            return .column(existing.call.name)
        }
        calls.append((call, type))
        return .column(call.name)
    }

    /// What the window operator would refuse in `call` (a constant out of range, a RANGE offset without one
    /// numeric ORDER BY key), or nil.
    private static func problem(_ call: WindowCall, argumentTypes: [DataType],
                                orderTypes: [DataType]) -> StrataError? {
        do {
            _ = try BoundWindowCall(call, schema: Schema(unchecked: argumentTypes.enumerated().map { Field("a\($0)", $1) }),
                                    firstArgument: 0, orderTypes: orderTypes)
            return nil
        } catch {
            return error
        }
    }

    /// The window step over `input`.
    func plan(over input: LogicalPlan) -> LogicalPlan {
        .window(calls.map(\.call), input)
    }

    /// The fields the window step adds.
    var fields: [Field] { calls.map { Field($0.call.name, $0.type) } }

    /// Whether `e` contains a window function call.
    static func containsWindow(_ e: SQLExpr) -> Bool {
        switch e {
        case .window: return true
        case .column, .literal, .parameter, .subquery, .exists: return false
        case let .inSubquery(a, _, _, _, _), let .quantified(_, a, _, _, _, _): return containsWindow(a)
        case let .function(_, args, _, _, _): return args.contains(where: containsWindow)
        case let .unary(_, a, _), let .isNull(a, _, _), let .cast(a, _, _): return containsWindow(a)
        case let .binary(_, a, b, _), let .like(a, b, _, _, _): return containsWindow(a) || containsWindow(b)
        case let .inList(a, list, _, _): return containsWindow(a) || list.contains(where: containsWindow)
        case let .between(a, lo, hi, _, _): return [a, lo, hi].contains(where: containsWindow)
        case let .caseWhen(operand, branches, otherwise, _):
            return (operand.map(containsWindow) ?? false)
                || branches.contains { containsWindow($0.condition) || containsWindow($0.result) }
                || (otherwise.map(containsWindow) ?? false)
        }
    }
}
