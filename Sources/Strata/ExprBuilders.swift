import StrataExecution

/// The column called `name`.
public func col(_ name: String) -> Expr { .column(name) }

/// A constant.
public func lit(_ value: Value) -> Expr { .literal(value) }

/// A constant string.
public func lit(_ value: String) -> Expr { .literal(.string(value)) }

/// A constant integer.
public func lit(_ value: Int) -> Expr { .literal(.int64(Int64(value))) }

/// A constant double.
public func lit(_ value: Double) -> Expr { .literal(.double(value)) }

extension Expr: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    /// An int64 constant.
    public init(integerLiteral value: Int64) { self = .literal(.int64(value)) }
    /// A double constant.
    public init(floatLiteral value: Double) { self = .literal(.double(value)) }
    /// A boolean constant.
    public init(booleanLiteral value: Bool) { self = .literal(.bool(value)) }

    /// `a + b`.
    public static func + (a: Expr, b: Expr) -> Expr { .binary(.add, a, b) }
    /// `a - b`.
    public static func - (a: Expr, b: Expr) -> Expr { .binary(.subtract, a, b) }
    /// `a * b`.
    public static func * (a: Expr, b: Expr) -> Expr { .binary(.multiply, a, b) }
    /// `a / b` (a double).
    public static func / (a: Expr, b: Expr) -> Expr { .binary(.divide, a, b) }
    /// `a % b`.
    public static func % (a: Expr, b: Expr) -> Expr { .binary(.modulo, a, b) }
    /// `-a`.
    public static prefix func - (a: Expr) -> Expr { .unary(.negate, a) }
    /// `a < b`.
    public static func < (a: Expr, b: Expr) -> Expr { .binary(.less, a, b) }
    /// `a <= b`.
    public static func <= (a: Expr, b: Expr) -> Expr { .binary(.lessOrEqual, a, b) }
    /// `a > b`.
    public static func > (a: Expr, b: Expr) -> Expr { .binary(.greater, a, b) }
    /// `a >= b`.
    public static func >= (a: Expr, b: Expr) -> Expr { .binary(.greaterOrEqual, a, b) }
    /// `a AND b`.
    public static func && (a: Expr, b: Expr) -> Expr { .binary(.and, a, b) }
    /// `a OR b`.
    public static func || (a: Expr, b: Expr) -> Expr { .binary(.or, a, b) }
    /// `NOT a`.
    public static prefix func ! (a: Expr) -> Expr { .unary(.not, a) }

    /// `self = other` (`==` stays Swift equality of expression trees).
    public func equals(_ other: Expr) -> Expr { .binary(.equal, self, other) }
    /// `self <> other`.
    public func notEquals(_ other: Expr) -> Expr { .binary(.notEqual, self, other) }
    /// `self IS NULL`.
    public func isNull() -> Expr { .isNull(self, negated: false) }
    /// `self IS NOT NULL`.
    public func isNotNull() -> Expr { .isNull(self, negated: true) }
    /// `self IN (values…)`.
    public func isIn(_ values: [Expr]) -> Expr { .inList(self, values, negated: false) }
    /// `self BETWEEN low AND high`.
    public func between(_ low: Expr, _ high: Expr) -> Expr { .between(self, low: low, high: high, negated: false) }
    /// `self LIKE pattern`.
    public func like(_ pattern: String) -> Expr {
        .like(self, pattern: .literal(.string(pattern)), negated: false, caseInsensitive: false)
    }

    /// `self AS name`.
    public func named(_ name: String) -> NamedExpr { NamedExpr(self, as: name) }
}

extension AggregateCall {
    /// `count(*) AS name`.
    public static func countStar(as name: String) -> AggregateCall { AggregateCall(.countStar, as: name) }
    /// `count(x) AS name`.
    public static func count(_ x: Expr, as name: String) -> AggregateCall { AggregateCall(.count, [x], as: name) }
    /// `count(DISTINCT x) AS name`.
    public static func countDistinct(_ x: Expr, as name: String) -> AggregateCall {
        AggregateCall(.countDistinct, [x], as: name)
    }
    /// `sum(x) AS name`.
    public static func sum(_ x: Expr, as name: String) -> AggregateCall { AggregateCall(.sum, [x], as: name) }
    /// `min(x) AS name`.
    public static func min(_ x: Expr, as name: String) -> AggregateCall { AggregateCall(.min, [x], as: name) }
    /// `max(x) AS name`.
    public static func max(_ x: Expr, as name: String) -> AggregateCall { AggregateCall(.max, [x], as: name) }
    /// `avg(x) AS name`.
    public static func avg(_ x: Expr, as name: String) -> AggregateCall { AggregateCall(.avg, [x], as: name) }
    /// `median(x) AS name`.
    public static func median(_ x: Expr, as name: String) -> AggregateCall { AggregateCall(.median, [x], as: name) }
    /// `quantile(x, q) AS name` (exact, continuous).
    public static func quantile(_ x: Expr, _ q: Double, as name: String) -> AggregateCall {
        AggregateCall(.quantile, [x], parameter: q, as: name)
    }
    /// `approx_count_distinct(x) AS name` (a HyperLogLog estimate in fixed memory).
    public static func approxCountDistinct(_ x: Expr, as name: String) -> AggregateCall {
        AggregateCall(.approxCountDistinct, [x], as: name)
    }
    /// `approx_quantile(x, q) AS name` (from a sample of at most 8,192 values per group, in fixed memory).
    public static func approxQuantile(_ x: Expr, _ q: Double, as name: String) -> AggregateCall {
        AggregateCall(.approxQuantile, [x], parameter: q, as: name)
    }
    /// `stddev_samp(x) AS name`.
    public static func stddev(_ x: Expr, as name: String) -> AggregateCall {
        AggregateCall(.stddevSamp, [x], as: name)
    }
    /// `var_samp(x) AS name`.
    public static func variance(_ x: Expr, as name: String) -> AggregateCall { AggregateCall(.varSamp, [x], as: name) }
    /// `corr(y, x) AS name`.
    public static func corr(_ y: Expr, _ x: Expr, as name: String) -> AggregateCall {
        AggregateCall(.corr, [y, x], as: name)
    }
}
