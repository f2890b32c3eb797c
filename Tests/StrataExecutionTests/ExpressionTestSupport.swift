import StrataCore
@testable import StrataExecution

/// A batch from named, typed columns of scalars.
func makeBatch(_ columns: [(String, DataType, [Value])]) throws -> Batch {
    try Batch(schema: Schema(columns.map { Field($0.0, $0.1) }),
              columns: columns.map { try Column(type: $0.1, values: $0.2) })
}

/// The values of `expr` over `batch`.
func evaluate(_ expr: Expr, _ batch: Batch) throws -> [Value] {
    try expr.bind(to: batch.schema).evaluate(batch).values
}

/// The single value of `expr` over a one-row batch with no useful columns.
func evaluate(_ expr: Expr) throws -> Value {
    try evaluate(expr, makeBatch([("unused", .int32, [.int32(0)])]))[0]
}

/// The StrataError `body` throws, if any.
func strataError(_ body: () throws -> Void) -> StrataError? {
    guard case let .failure(error) = Result(catching: body) else { return nil }
    return error as? StrataError
}

extension Expr {
    static func col(_ name: String) -> Expr { .column(name) }
    static func lit(_ value: Value) -> Expr { .literal(value) }
    static func str(_ s: String) -> Expr { .literal(.string(s)) }
    static func int(_ v: Int64) -> Expr { .literal(.int64(v)) }
    static func dbl(_ v: Double) -> Expr { .literal(.double(v)) }
}
