import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataExecution

/// Evaluates the expressions of Fixtures/expressions/expected.json (results computed by DuckDB, see
/// make_expressions.py) over the table of input.json and compares every value; doubles bit for bit.
@Suite struct ExpressionOracleTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/expressions")

    static func load(_ name: String) throws -> JSON {
        try JSON.parse(String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
    }

    struct OracleError: Error, CustomStringConvertible {
        let description: String
    }

    /// A cell in the fixture encoding (see make_expressions.py).
    static func value(_ json: JSON, _ type: DataType) throws -> Value {
        switch (type, json) {
        case (_, .null): return .null
        case let (.bool, .bool(b)): return .bool(b)
        case let (.int32, .number(n)): if let v = Int32(n) { return .int32(v) }
        case let (.int64, .number(n)): if let v = Int64(n) { return .int64(v) }
        case let (.double, .string(s)): if let v = Double(s) { return .double(v) }
        case let (.string, .string(s)): return .string(s)
        case let (.date, .number(n)): if let v = Int32(n) { return .date(v) }
        case let (.timestamp, .number(n)): if let v = Int64(n) { return .timestamp(v) }
        default: break
        }
        throw OracleError(description: "cell \(json) is not a \(type)")
    }

    static func table() throws -> Batch {
        var fields: [Field] = [], columns: [Column] = []
        for column in try load("input.json")["columns"]?.arrayValue ?? [] {
            guard let name = column["name"]?.stringValue, let typeName = column["type"]?.stringValue,
                  let type = DataType(name: typeName), let cells = column["values"]?.arrayValue else {
                throw OracleError(description: "bad column \(column)")
            }
            fields.append(Field(name, type))
            var values: [Value] = []
            for cell in cells { values.append(try value(cell, type)) }
            columns.append(try Column(type: type, values: values))
        }
        return try Batch(schema: Schema(fields), columns: columns)
    }

    /// The `Expr` of a prefix list.
    static func expr(_ json: JSON) throws -> Expr {
        guard let items = json.arrayValue, let tag = items.first?.stringValue else {
            throw OracleError(description: "bad expression \(json)")
        }
        func sub(_ i: Int) throws -> Expr { try expr(items[i]) }
        func flag(_ i: Int) -> Bool { items[i].boolValue ?? false }
        switch tag {
        case "col": return .column(items[1].stringValue ?? "")
        case "lit":
            let typeName = items[1].stringValue ?? ""
            if typeName == "null" { return .literal(.null) }
            guard let type = DataType(name: typeName) else { break }
            switch (type, items[2]) {
            case let (.date, .string(s)):
                return .literal(.date(try Array(s.utf8).withUnsafeBytes {
                    guard let d = ValueText.parseDate($0) else { throw OracleError(description: s) }
                    return d
                }))
            case let (.timestamp, .string(s)):
                return .literal(.timestamp(try Array(s.utf8).withUnsafeBytes {
                    guard let t = ValueText.parseTimestamp($0) else { throw OracleError(description: s) }
                    return t
                }))
            default: return .literal(try value(items[2], type))
            }
        case "neg": return .unary(.negate, try sub(1))
        case "not": return .unary(.not, try sub(1))
        case "isnull": return .isNull(try sub(1), negated: flag(2))
        case "in": return .inList(try sub(1), try (items[2].arrayValue ?? []).map(expr), negated: flag(3))
        case "between": return .between(try sub(1), low: try sub(2), high: try sub(3), negated: flag(4))
        case "like": return .like(try sub(1), pattern: try sub(2), negated: flag(3), caseInsensitive: flag(4))
        case "cast":
            if let type = DataType(name: items[2].stringValue ?? "") { return .cast(try sub(1), type) }
        case "fn": return .function(items[1].stringValue ?? "", try (items[2].arrayValue ?? []).map(expr))
        default:
            if let op = Expr.BinaryOperator(rawValue: tag) { return .binary(op, try sub(1), try sub(2)) }
        }
        throw OracleError(description: "bad expression \(json)")
    }

    /// Equality with doubles compared bit for bit (any NaN equals any NaN).
    static func same(_ a: Value, _ b: Value) -> Bool {
        if case let .double(x) = a, case let .double(y) = b { return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN) }
        return a == b
    }

    @Test func everyExpressionMatchesDuckDB() throws {
        let batch = try Self.table()
        let cases = try Self.load("expected.json").arrayValue ?? []
        #expect(cases.count >= 80)
        var checkedValues = 0
        for entry in cases {
            let sql = entry["sql"]?.stringValue ?? "?"
            let e = try Self.expr(entry["expr"] ?? .null)
            if entry["error"] != nil {
                #expect(throws: StrataError.self, "\(sql) should fail like DuckDB: \(entry["error"] ?? .null)") {
                    _ = try e.bind(to: batch.schema).evaluate(batch)
                }
                continue
            }
            guard let type = DataType(name: entry["type"]?.stringValue ?? "") else {
                Issue.record("\(sql): unknown type \(entry["type"] ?? .null)")
                continue
            }
            let bound = try e.bind(to: batch.schema)
            #expect(bound.type == type, "\(sql): type \(bound.type), DuckDB \(type)")
            let column = try bound.evaluate(batch)
            #expect(column.count == batch.count)
            let expected = entry["values"]?.arrayValue ?? []
            var mismatches = 0
            for (row, cell) in expected.enumerated() {
                let want = try Self.value(cell, type)
                let got = column.value(at: row)
                if !Self.same(got, want) {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("\(sql) row \(row): got \(got), DuckDB \(want)") }
                }
                checkedValues += 1
            }
        }
        #expect(checkedValues > 20_000)
    }
}
