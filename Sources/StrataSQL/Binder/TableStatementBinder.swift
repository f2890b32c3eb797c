import StrataCore
import StrataExecution

// Binding the statements that change tables: CREATE TABLE, INSERT, DELETE, UPDATE, DROP TABLE and COPY, and VALUES.
//
// Algorithm:
// 1. CREATE TABLE (…) maps the column types; CREATE TABLE … AS binds the query, whose columns (unique names) become
//    the table's; INSERT binds its query (VALUES included) and casts its columns to the table's, by position or by
//    the column list (missing columns NULL), as DuckDB does.
// 2. DELETE and UPDATE bind, over the table's columns, a query `SELECT <columns>, coalesce(<condition>, false) AS
//    <match> FROM <target>` (UPDATE's columns are `CASE WHEN <condition> THEN CAST(<value> AS <type>) ELSE
//    <column> END`), where <target> scans ``BoundStatement/targetReference``: the executor runs it once per file of
//    the table, with that scan replaced by the file, and rewrites only the files with a matching row. Subqueries
//    work wherever they work in a SELECT list.
// 3. VALUES rows fold to constants; each column takes the type all its values convert to (as a UNION would).

extension SQLBinder {
    /// The name of the column that marks the rows a DELETE or UPDATE changes.
    static let matchColumn = BoundStatement.matchColumn
    /// The CTE name the target table of DELETE and UPDATE is bound under (users cannot write it).
    static let targetName = "\u{1}target"

    /// The table `name` names (exactly, else ignoring case), or a `notFound` error at `location`.
    func existingTable(_ name: String, at location: SourceLocation) throws -> String {
        let names = try catalog.tableNames()
        guard let table = names.first(where: { $0 == name }) ?? names.first(where: { $0.lowercased() == name.lowercased() })
        else {
            var message = "table \"\(name)\" does not exist"
            if let hint = BindScope.closest(to: name, among: names) { message += "; did you mean \"\(hint)\"?" }
            throw expressions.error(message, at: location, code: .notFound)
        }
        return table
    }

    /// A statement whose result is one `Count` row (the plan is filled in when it runs).
    private static func counted(_ action: BoundStatement.Action, plan: LogicalPlan) -> BoundStatement {
        BoundStatement(plan: plan, action: action, columnNames: ["Count"])
    }

    /// `CREATE TABLE` (step 1).
    func bindCreateTable(_ create: SQLCreateTable) throws -> BoundStatement {
        guard Self.isIdentifier(create.name) else {
            throw expressions.error("invalid table name \"\(create.name)\": use letters, digits and _, starting with "
                + "a letter or _", at: create.location)
        }
        if let query = create.query {
            let relation = try bindSelect(query, ctes: [:])
            var seen = Set<String>()
            var named: [NamedExpr] = []
            for column in relation.scope.columns {
                guard seen.insert(column.name.lowercased()).inserted else {
                    throw expressions.error("column \"\(column.name)\" appears twice in the query; name the columns "
                        + "apart with AS", at: query.location)
                }
                named.append(NamedExpr(.column(column.planName), as: column.name))
            }
            return Self.counted(.createTableAs(table: create.name, orReplace: create.orReplace,
                                               ifNotExists: create.ifNotExists),
                                plan: .project(named, relation.plan))
        }
        var fields: [Field] = []
        for column in create.columns {
            guard let type = SQLTypeName.type(column.typeName) else {
                throw expressions.error("unknown type \(column.typeName) for column \"\(column.name)\"",
                                        at: column.location)
            }
            guard !fields.contains(where: { $0.name.lowercased() == column.name.lowercased() }) else {
                throw expressions.error("column \"\(column.name)\" is defined twice", at: column.location)
            }
            fields.append(Field(column.name, type, nullable: !column.notNull))
        }
        return BoundStatement(plan: .values(Schema(unchecked: []), []),
                              action: .createTable(table: create.name, schema: Schema(unchecked: fields),
                                                   orReplace: create.orReplace, ifNotExists: create.ifNotExists),
                              columnNames: [])
    }

    /// `INSERT INTO` (step 1).
    func bindInsert(table name: String, columns: [String]?, query: SQLSelect,
                    at location: SourceLocation) throws -> BoundStatement {
        let table = try existingTable(name, at: location)
        guard let schema = try catalog.tableSchema(table) else {
            throw expressions.error("table \"\(name)\" does not exist", at: location, code: .notFound)
        }
        let relation = try bindSelect(query, ctes: [:])
        let sources = relation.scope.columns
        // The table column each query column goes to.
        var targets: [Int]
        if let columns {
            targets = []
            for column in columns {
                guard let index = schema.fields.firstIndex(where: { $0.name == column })
                    ?? schema.fields.firstIndex(where: { $0.name.lowercased() == column.lowercased() }) else {
                    throw expressions.error("table \(table) has no column \"\(column)\"", at: location,
                                            code: .notFound)
                }
                guard !targets.contains(index) else {
                    throw expressions.error("column \"\(column)\" is named twice", at: location)
                }
                targets.append(index)
            }
        } else {
            guard sources.count == schema.count else {
                throw expressions.error("table \(table) has \(schema.count) columns but \(sources.count) values were "
                    + "supplied", at: location)
            }
            targets = Array(schema.fields.indices)
        }
        guard sources.count == targets.count else {
            let expected = columns == nil ? schema.count : targets.count
            throw expressions.error("table \(table) has \(expected) columns but \(sources.count) values were supplied",
                                    at: location)
        }
        var named: [NamedExpr] = []
        for (index, field) in schema.fields.enumerated() {
            guard let position = targets.firstIndex(of: index) else {
                guard field.nullable else {
                    throw expressions.error("column \"\(field.name)\" is NOT NULL and gets no value", at: location)
                }
                named.append(NamedExpr(.cast(.literal(.null), field.type), as: field.name))
                continue
            }
            let source = sources[position]
            let value: Expr = .column(source.planName)
            named.append(NamedExpr(source.type == field.type ? value : .cast(value, field.type), as: field.name))
        }
        return Self.counted(.insert(table: table), plan: .project(named, relation.plan))
    }

    /// The table `name` bound as the target of DELETE or UPDATE, qualified by `alias` (or its name), and its schema.
    private func target(_ name: String, at location: SourceLocation) throws -> (String, Schema, [String: Relation]) {
        let table = try existingTable(name, at: location)
        guard let schema = try catalog.tableSchema(table) else {
            throw expressions.error("table \"\(name)\" does not exist", at: location, code: .notFound)
        }
        let columns = schema.fields.map {
            BindScope.Column(qualifier: table, name: $0.name, planName: $0.name, type: $0.type)
        }
        let relation = Relation(plan: .scan(table: BoundStatement.targetReference, columns: nil),
                                scope: BindScope(columns: columns, label: "table \(table)"))
        return (table, schema, [Self.targetName: relation])
    }

    /// Refuses window functions and aggregates in a DELETE or UPDATE expression (they would run over each file
    /// alone), as DuckDB refuses them there.
    private func checkRowwise(_ expr: SQLExpr?, clause: String) throws {
        guard let expr else { return }
        if WindowCollector.containsWindow(expr) || ExpressionBinder.containsAggregate(expr) {
            throw expressions.error("\(clause) cannot use window functions or aggregates", at: expr.location)
        }
    }

    /// `coalesce(condition, false)` (TRUE when the condition holds), or TRUE without a condition.
    private static func matches(_ condition: SQLExpr?, at location: SourceLocation) -> SQLExpr {
        guard let condition else { return .literal(.bool(true), location) }
        return .function(name: "coalesce", arguments: [condition, .literal(.bool(false), location)], distinct: false,
                         star: false, location)
    }

    /// `DELETE` (step 2).
    func bindDelete(table name: String, alias: String?, condition: SQLExpr?,
                    at location: SourceLocation) throws -> BoundStatement {
        let (table, schema, ctes) = try target(name, at: location)
        try checkRowwise(condition, clause: "DELETE's WHERE")
        var select = SQLSelect(location: location)
        select.items = schema.fields.map { .expr(.column(qualifier: nil, name: $0.name, location), alias: $0.name) }
            + [.expr(Self.matches(condition, at: location), alias: Self.matchColumn)]
        select.from = .table(name: Self.targetName, alias: alias ?? table, location)
        let relation = try bindSelect(select, ctes: ctes)
        return Self.counted(.delete(table: table), plan: relation.plan)
    }

    /// `UPDATE` (step 2).
    func bindUpdate(table name: String, alias: String?, assignments: [SQLAssignment], condition: SQLExpr?,
                    at location: SourceLocation) throws -> BoundStatement {
        let (table, schema, ctes) = try target(name, at: location)
        try checkRowwise(condition, clause: "UPDATE's WHERE")
        for assignment in assignments { try checkRowwise(assignment.value, clause: "UPDATE's SET") }
        var values: [String: SQLAssignment] = [:]
        for assignment in assignments {
            guard let field = schema.fields.first(where: { $0.name == assignment.column })
                ?? schema.fields.first(where: { $0.name.lowercased() == assignment.column.lowercased() }) else {
                throw expressions.error("table \(table) has no column \"\(assignment.column)\"",
                                        at: assignment.location, code: .notFound)
            }
            guard values[field.name] == nil else {
                throw expressions.error("column \"\(field.name)\" is assigned twice", at: assignment.location)
            }
            values[field.name] = assignment
        }
        let match = Self.matches(condition, at: location)
        var select = SQLSelect(location: location)
        select.items = schema.fields.map { field in
            let current = SQLExpr.column(qualifier: nil, name: field.name, location)
            guard let assignment = values[field.name] else { return .expr(current, alias: field.name) }
            let value = SQLExpr.cast(assignment.value, typeName: field.type.name, assignment.location)
            let updated = SQLExpr.caseWhen(operand: nil, branches: [SQLWhen(condition: match, result: value)],
                                           otherwise: current, assignment.location)
            return .expr(updated, alias: field.name)
        } + [.expr(match, alias: Self.matchColumn)]
        select.from = .table(name: Self.targetName, alias: alias ?? table, location)
        let relation = try bindSelect(select, ctes: ctes)
        return Self.counted(.update(table: table), plan: relation.plan)
    }

    /// `COPY … TO` and `COPY … FROM`: the options as lowercased names and their values.
    func copyOptions(_ options: [SQLCopyOption]) throws -> [String: String] {
        var result: [String: String] = [:]
        for option in options {
            guard result[option.name] == nil else {
                throw expressions.error("option \(option.name) is given twice", at: option.location)
            }
            result[option.name] = option.value ?? "true"
        }
        return result
    }

    /// `VALUES` (step 3).
    func bindValues(_ rows: [[SQLExpr]], at location: SourceLocation) throws -> Relation {
        let empty = BindScope(columns: [], label: "VALUES")
        var folded: [[Expr]] = []
        for row in rows {
            folded.append(try row.map { expr in
                let value = expressions.fold(try expressions.translate(expr, scope: empty, clause: "VALUES"))
                switch value {
                case .literal, .cast(.literal(.null), _): return value
                default: throw expressions.error("VALUES takes constant values", at: expr.location)
                }
            })
        }
        let width = folded.first?.count ?? 0
        var types: [DataType] = []
        for column in 0..<width {
            var type: DataType?
            for row in folded {
                guard let rowType = Self.literalType(row[column]) else { continue }
                guard let current = type else { type = rowType; continue }
                guard let common = SQLBinder.unifyTypes(current, rowType) else {
                    throw expressions.error("VALUES column \(column + 1) mixes \(current) and \(rowType)",
                                            at: location)
                }
                type = common
            }
            types.append(type ?? .int32)
        }
        var values: [[Value]] = []
        for (r, row) in folded.enumerated() {
            values.append(try row.enumerated().map { column, expr in
                let cast = expressions.fold(.cast(expr, types[column]))
                switch cast {
                case let .literal(value): return value
                case .cast(.literal(.null), _): return .null
                default:
                    throw expressions.error("VALUES row \(r + 1), column \(column + 1) does not convert to "
                        + "\(types[column])", at: location)
                }
            })
        }
        let names = (0..<width).map { "col\($0)" }
        let schema = Schema(unchecked: zip(names, types).map { Field($0, $1) })
        let columns = zip(names, types).map { BindScope.Column(qualifier: nil, name: $0, planName: $0, type: $1) }
        return Relation(plan: .values(schema, values), scope: BindScope(columns: columns, label: "VALUES"))
    }

    /// The type of a folded constant; nil for an untyped NULL.
    private static func literalType(_ expr: Expr) -> DataType? {
        switch expr {
        case let .cast(.literal(.null), type): return type
        case let .literal(value):
            switch value {
            case .null: return nil
            case .bool: return .bool
            case .int32: return .int32
            case .int64: return .int64
            case .float: return .float
            case .double: return .double
            case .string: return .string
            case .date: return .date
            case .timestamp: return .timestamp
            case .timestampNanos: return .timestampNanos
            case .blob: return .blob
            case .time: return .time
            case let .decimal(_, precision, scale): return .decimal(precision: precision, scale: scale)
            }
        default: return nil
        }
    }

    /// Whether `name` is a valid table name (letters, digits and `_`, not starting with a digit; ≤ 128 bytes).
    static func isIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return !bytes.isEmpty && bytes.count <= 128 && bytes.enumerated().allSatisfy { i, c in
            (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || (i > 0 && c >= 48 && c <= 57)
        }
    }
}
