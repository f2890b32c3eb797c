import StrataCore
import StrataExecution

// A recursive-descent parser for one SQL statement. Grammar ([x] optional, {x} repeated, | alternatives):
//
//   statement  := [EXPLAIN [ANALYZE] ["(" option {"," option} ")"]] query [";"] end
//   option     := ANALYZE | FORMAT (text | json | html)
//   query      := [WITH cte {"," cte}] operand {setop operand} [ORDER BY order {"," order}]
//                 [LIMIT expr [OFFSET expr] | OFFSET expr [LIMIT expr]]
//   setop      := (UNION | INTERSECT | EXCEPT) [ALL | DISTINCT]     (INTERSECT binds more tightly)
//   operand    := select | "(" query ")" | show
//   show       := DESCRIBE (query | source) | SUMMARIZE (query | source) | SHOW TABLES | SHOW source
//   cte        := name ["(" name {"," name} ")"] AS "(" query ")"
//   select     := SELECT [DISTINCT | ALL] item {"," item} [FROM source] [WHERE expr]
//                 [GROUP BY expr {"," expr}] [HAVING expr] [WINDOW …] [QUALIFY expr]
//   item       := "*" | name "." "*" | expr [[AS] alias]
//   from       := joined {"," joined}
//   joined     := source {[NATURAL] [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER]] JOIN source
//                         [ON expr | USING "(" name {"," name} ")"] | CROSS JOIN source}
//   source     := name [[AS] alias] | name "(" [expr {"," expr}] ")" [[AS] alias] | "(" query ")" [[AS] alias]
//               | "(" joined ")" | string [[AS] alias]          (a file, read by its extension)
//   order      := expr [ASC | DESC] [NULLS (FIRST | LAST)]
//   primary    := literal | parameter | name ["." name] | name "(" [args] ")" | CAST "(" expr AS type ")"
//               | CASE [expr] WHEN expr THEN expr {WHEN expr THEN expr} [ELSE expr] END | "(" expr ")"
//               | "(" query ")" | EXISTS "(" query ")"
//   subqueries := expr [NOT] IN "(" query ")" | expr comparison (ANY | SOME | ALL) "(" query ")"
//   literal    := NULL | TRUE | FALSE | number | string | DATE string | TIMESTAMP string
//   args       := "*" | [DISTINCT | ALL] expr {"," expr}
//   type       := word {word} ["(" integer ["," integer] ")"]
//
// A table function's named argument `header = true` is an ordinary `=` comparison of a column with a value. A bare
// alias must not be a reserved keyword (SQLKeyword.isReserved). JOIN binds more tightly than the comma (`a, b JOIN c
// ON …` joins b and c first). INTERSECT binds more tightly than UNION and EXCEPT, as in DuckDB. `EXISTS`, `ANY` and
// `SOME` are not keywords: they mean a subquery only when `(SELECT` or `(WITH` follows.
//
// Expression operators, lowest precedence first, as in the grammars of Postgres and DuckDB (where IS binds more
// loosely than the comparisons: `a = b IS NULL` is `(a = b) IS NULL`):
//
//   1  OR                                          left
//   2  AND                                         left
//   3  NOT                                         prefix
//   4  IS [NOT] NULL                               postfix
//   5  =  <>  !=  <  <=  >  >=                     left
//   6  [NOT] IN (…), [NOT] BETWEEN a AND b,        postfix / infix (BETWEEN's bounds and the LIKE pattern are
//      [NOT] LIKE, [NOT] ILIKE                     parsed above this level, so `x BETWEEN 1 AND 2 AND y` works)
//   7  ||   (a call of the function named ||)       left
//   8  +  -                                        left
//   9  *  /  %                                     left
//  10  unary -  +                                  prefix (+ is dropped; - of a number literal folds into it)
//  11  ::type                                      postfix
//
// Nesting (parentheses, prefix operators, calls, CASE, subqueries) deeper than `maxNesting` and expression trees
// higher than `maxExpressionHeight` (long chains such as `a OR b OR …` nest to the left) are errors, which bounds how
// deep anything walking the tree must recurse. The parser also stops with the same error when the thread's stack
// runs low (ThreadStack), as a level takes a few hundred bytes of stack optimised but about 2 KiB unoptimised, and
// secondary threads may have only 512 KiB. For the same reason the functions on the recursive paths are small (one
// a construct, token tests in helpers), the parser is a class (a struct's `self` is copied at calls in unoptimised
// code) and errors travel wrapped in a reference (`Failure`) rather than as an 88-byte StrataError.

/// Parses one SQL statement into the syntax tree.
package final class SQLParser {
    /// The deepest nesting of parentheses, prefix operators, calls and subqueries accepted.
    package static let maxNesting = 256
    /// The highest expression tree accepted, in nodes from the root to the deepest leaf.
    package static let maxExpressionHeight = 1_000
    /// The stack kept free below the deepest parse: room for the error path, including freeing partial trees as
    /// high as `maxExpressionHeight` (under 128 KiB even unoptimised).
    private static let stackReserve: UInt = 128 * 1024

    /// Parses `sql`, which holds exactly one statement (and at most a trailing `;`).
    package static func parse(_ sql: String) throws(StrataError) -> SQLStatement {
        try parseWithParameters(sql).0
    }

    /// Parses `sql` and counts its parameters: the highest parameter number (`?` are numbered 1, 2, … from the left;
    /// `$n` is n; a statement may not mix the two).
    package static func parseWithParameters(_ sql: String) throws(StrataError) -> (SQLStatement,
                                                                                    parameterCount: Int) {
        let parser = SQLParser(sql)
        do throws(Failure) {
            let statement = try parser.parseStatement()
            return (statement, parameterCount: parser.parameterCount)
        } catch {
            throw error.error
        }
    }

    /// A syntax error on its way out of the recursion. A reference, so that the functions on the recursive paths
    /// need a pointer, not room for a whole StrataError, at each call that can throw.
    private final class Failure: Error, Sendable {
        /// The error.
        let error: StrataError

        /// Wraps `error`.
        init(_ error: StrataError) { self.error = error }
    }

    /// An expression with the height of its tree.
    private typealias Parsed = (expr: SQLExpr, height: Int)

    /// How the statement writes its parameters.
    private enum ParameterStyle { case none, positional, numbered }

    /// The statement, for error messages.
    private let sql: String
    /// Its tokens up to `.end`, or up to where the lexer failed (then the last `.end` stands for `lexerError`).
    private let tokens: [SQLToken]
    /// Why the lexer stopped early, if it did: the error of any parse that reaches that point.
    private let lexerError: StrataError?
    /// The current token.
    private var index = 0
    /// The current nesting, against `maxNesting`.
    private var nesting = 0
    /// The parameter style seen so far.
    private var parameterStyle = ParameterStyle.none
    /// The highest parameter number so far.
    private var parameterCount = 0
    /// Nesting stops with an error when the stack gets below this address (0: where the platform does not tell).
    private let stackFloor: UInt
    /// The thread's stack (nil: unknown); a frame address outside it is not judged.
    private let stack: ClosedRange<UInt>?

    /// A parser at the start of `sql`.
    private init(_ sql: String) {
        self.sql = sql
        var lexer = SQLLexer(sql)
        var tokens: [SQLToken] = []
        var lexerError: StrataError?
        while true {
            do throws(StrataError) {
                let token = try lexer.next()
                tokens.append(token)
                if token.kind == .end { break }
            } catch {
                let location = tokens.last?.location ?? SourceLocation(line: 1, column: 1, offset: 0)
                tokens.append(SQLToken(.end, "", at: location))
                lexerError = error
                break
            }
        }
        self.tokens = tokens
        self.lexerError = lexerError
        stack = ThreadStack.bounds()
        stackFloor = stack.map { $0.lowerBound + Self.stackReserve } ?? 0
    }

    // MARK: - Statements

    /// `[EXPLAIN [ANALYZE]] query [;]` and the end of the text.
    private func parseStatement() throws(Failure) -> SQLStatement {
        if lexerError == nil, at(.end) || (at(.punctuation(.semicolon)) && next(is: .end)) {
            throw error("empty statement", at: current.location)
        }
        let statement: SQLStatement
        let start = current.location
        if accept(.keyword(.explain)) {
            var analyze = accept(.keyword(.analyze))
            var format: String?
            let optionStart = current.location
            // `(ANALYZE, FORMAT html)` or `ANALYZE (FORMAT json)`; `EXPLAIN (SELECT …)` is a query.
            if at(.punctuation(.leftParen)),
               next(is: .keyword(.analyze)) || (token(after: 1).kind == .identifier
                                                  && token(after: 1).text.uppercased() == "FORMAT") {
                advance()
                repeat {
                    if accept(.keyword(.analyze)) {
                        analyze = true
                    } else if atWord("FORMAT") {
                        advance()
                        guard at(.identifier) || at(.string) else { throw expected("a format: text, json or html") }
                        format = advance().text.lowercased()
                    } else {
                        throw expected("ANALYZE or FORMAT")
                    }
                } while accept(.punctuation(.comma))
                try expect(.punctuation(.rightParen))
            }
            if let format, !["text", "json", "html"].contains(format) {
                throw error("unknown EXPLAIN format \"\(format)\"; use text, json or html", at: optionStart)
            }
            if let format, format != "text", !analyze {
                throw error("FORMAT \(format) needs EXPLAIN ANALYZE: the report describes a run", at: optionStart)
            }
            statement = .explain(try parseQuery(), analyze: analyze, format: format ?? "text", start)
        } else if atWord("VACUUM") {
            statement = try parseVacuum()
        } else if atWord("CREATE") {
            statement = try parseCreateTable()
        } else if atWord("INSERT") {
            statement = try parseInsert()
        } else if atWord("DELETE") {
            statement = try parseDelete()
        } else if atWord("UPDATE") {
            statement = try parseUpdate()
        } else if atWord("DROP") {
            statement = try parseDrop()
        } else if atWord("COPY") {
            statement = try parseCopy()
        } else {
            statement = .select(try parseQuery())
        }
        _ = accept(.punctuation(.semicolon))
        guard at(.end) else { throw expected("end of statement") }
        if let lexerError { throw Failure(lexerError) }
        return statement
    }

    /// `[WITH cte, …] operand {set-operator operand} [ORDER BY …] [LIMIT …] [OFFSET …]`, an operand being a SELECT
    /// without ORDER BY and LIMIT or a parenthesized query. The operands are parsed in a loop here (not by
    /// recursion per operator, which would cost stack frames at every level of nesting) and combined afterwards.
    private func parseQuery() throws(Failure) -> SQLSelect {
        try enter("subqueries nested too deeply")
        defer { nesting -= 1 }
        let start = current.location
        let ctes = try parseWith()
        var operands: [SQLSelect] = []
        var operators: [SetOperator] = []
        while true {
            operands.append(try parseSetOperand())
            guard let op = setOperator() else { break }
            operators.append(op)
        }
        return try finishQuery(Self.combine(operands, operators), ctes: ctes, start: start)
    }

    /// The query's ORDER BY, LIMIT and OFFSET, and its CTEs. (A function of its own, so that the recursion through
    /// `parseQuery` does not carry its locals.)
    @inline(never)
    private func finishQuery(_ combined: SQLSelect, ctes: [SQLCommonTableExpr],
                             start: SourceLocation) throws(Failure) -> SQLSelect {
        var select = combined
        if at(.keyword(.order)) || at(.keyword(.limit)) || at(.keyword(.offset)) {
            if !select.orderBy.isEmpty || select.limit != nil || select.offset != nil {
                // `(… LIMIT 1) ORDER BY x`: the outer clauses apply to the parenthesized query's result.
                var outer = SQLSelect(location: select.location)
                outer.items = [.star(qualifier: nil, select.location)]
                outer.from = .subquery(select, alias: nil, select.location)
                select = outer
            }
            try parseOrderAndLimit(into: &select)
        }
        if case let .keyword(keyword) = current.kind, [.union, .intersect, .except].contains(keyword) {
            throw error("\(keyword.rawValue) must come before ORDER BY and LIMIT (put the query with them in "
                + "parentheses)", at: current.location)
        }
        select.ctes = ctes + select.ctes
        select.location = start
        return select
    }

    /// `SELECT …` without ORDER BY and LIMIT, or a parenthesized query.
    private func parseSetOperand() throws(Failure) -> SQLSelect {
        if at(.punctuation(.leftParen)), atQuery(after: 1) { return try parseParenthesizedQuery() }
        if atShow(after: 0) { return try parseShow() }
        if atWord("VALUES") { return try parseValues() }
        var operand = SQLSelect(location: current.location)
        try parseSelect(into: &operand)
        return operand
    }

    /// A set operator between two operands.
    private typealias SetOperator = (kind: SQLSetOperation.Kind, all: Bool, location: SourceLocation)

    /// `UNION | INTERSECT | EXCEPT [ALL | DISTINCT]` at the current token, consumed; nil when none is there.
    private func setOperator() -> SetOperator? {
        let kind: SQLSetOperation.Kind
        switch current.kind {
        case .keyword(.union): kind = .union
        case .keyword(.intersect): kind = .intersect
        case .keyword(.except): kind = .except
        default: return nil
        }
        let location = advance().location
        let all = accept(.keyword(.all))
        if !all { _ = accept(.keyword(.distinct)) }
        return (kind, all, location)
    }

    /// `operands` joined by `operators`: INTERSECT first, then UNION and EXCEPT left to right (as in DuckDB).
    private static func combine(_ operands: [SQLSelect], _ operators: [SetOperator]) -> SQLSelect {
        func join(_ left: SQLSelect, _ op: SetOperator, _ right: SQLSelect) -> SQLSelect {
            var select = SQLSelect(location: left.location)
            select.setOperation = SQLSetOperation(op.kind, all: op.all, left, right, location: op.location)
            return select
        }
        // Terms: runs of operands joined by INTERSECT.
        var terms: [SQLSelect] = [operands[0]]
        var between: [SetOperator] = []
        for (op, right) in zip(operators, operands.dropFirst()) {
            if op.kind == .intersect, let last = terms.popLast() {
                terms.append(join(last, op, right))
            } else {
                between.append(op)
                terms.append(right)
            }
        }
        var result = terms[0]
        for (op, right) in zip(between, terms.dropFirst()) { result = join(result, op, right) }
        return result
    }

    /// `WITH cte, …` when present.
    private func parseWith() throws(Failure) -> [SQLCommonTableExpr] {
        guard accept(.keyword(.with)) else { return [] }
        if at(.identifier), current.text.uppercased() == "RECURSIVE", isName(token(after: 1)) {
            throw error("WITH RECURSIVE is not supported", at: current.location)
        }
        var ctes: [SQLCommonTableExpr] = []
        repeat { ctes.append(try parseCommonTableExpr()) } while accept(.punctuation(.comma))
        return ctes
    }

    /// `name [(column, …)] AS (query)`.
    private func parseCommonTableExpr() throws(Failure) -> SQLCommonTableExpr {
        let location = current.location
        let name = try parseName("a name for the WITH query")
        let columns = try parseColumnNames()
        try expect(.keyword(.as))
        let query = try parseParenthesizedQuery()
        return SQLCommonTableExpr(name: name, columns: columns, query: query, location: location)
    }

    /// `(name, …)` after a CTE's name, when present.
    private func parseColumnNames() throws(Failure) -> [String]? {
        guard accept(.punctuation(.leftParen)) else { return nil }
        var names: [String] = []
        repeat { names.append(try parseName("a column name")) } while accept(.punctuation(.comma))
        try expect(.punctuation(.rightParen))
        return names
    }

    /// `(query)`.
    private func parseParenthesizedQuery() throws(Failure) -> SQLSelect {
        try expect(.punctuation(.leftParen))
        guard at(.keyword(.select)) || at(.keyword(.with)) || atWord("VALUES") || atShow(after: 0) else {
            throw expected("\"SELECT\"")
        }
        let query = try parseQuery()
        try expect(.punctuation(.rightParen))
        return query
    }

    /// `SELECT …` up to its last clause, into `select`.
    private func parseSelect(into select: inout SQLSelect) throws(Failure) {
        try parseSelectList(into: &select)
        if accept(.keyword(.from)) { select.from = try parseFrom() }
        try parseClauses(into: &select)
    }

    /// `SELECT [DISTINCT | ALL] item, …`.
    private func parseSelectList(into select: inout SQLSelect) throws(Failure) {
        try expect(.keyword(.select))
        if accept(.keyword(.distinct)) {
            select.distinct = true
        } else {
            _ = accept(.keyword(.all))
        }
        repeat { select.items.append(try parseSelectItem()) } while accept(.punctuation(.comma))
    }

    /// The clauses after FROM up to QUALIFY (WHERE, GROUP BY, HAVING, WINDOW, QUALIFY).
    private func parseClauses(into select: inout SQLSelect) throws(Failure) {
        if accept(.keyword(.where)) { select.whereClause = try parseExpression() }
        if accept(.keyword(.group)) {
            try expect(.keyword(.by))
            select.groupBy = try parseExpressionList()
        }
        if accept(.keyword(.having)) { select.having = try parseExpression() }
        if accept(.keyword(.window)) {
            repeat {
                let name = try parseName("a window name")
                try expect(.keyword(.as))
                select.windows.append(SQLNamedWindow(name: name, spec: try parseWindowSpec()))
            } while accept(.punctuation(.comma))
        }
        if accept(.keyword(.qualify)) { select.qualify = try parseExpression() }
    }

    /// `ORDER BY …`, `LIMIT …`, `OFFSET …` (LIMIT and OFFSET in either order).
    private func parseOrderAndLimit(into select: inout SQLSelect) throws(Failure) {
        if accept(.keyword(.order)) {
            try expect(.keyword(.by))
            repeat { select.orderBy.append(try parseOrderItem()) } while accept(.punctuation(.comma))
        }
        if accept(.keyword(.limit)) {
            select.limit = try parseExpression()
            if accept(.keyword(.offset)) { select.offset = try parseExpression() }
        } else if accept(.keyword(.offset)) {
            select.offset = try parseExpression()
            if accept(.keyword(.limit)) { select.limit = try parseExpression() }
        }
    }

    /// `*`, `t.*` or `expr [[AS] alias]`.
    private func parseSelectItem() throws(Failure) -> SQLSelectItem {
        let start = current
        if accept(.operator(.star)) { return .star(qualifier: nil, start.location) }
        if isName(start), next(is: .punctuation(.dot)), next(is: .operator(.star), after: 2) {
            index += 3
            return .star(qualifier: start.text, start.location)
        }
        let expr = try parseExpression()
        return .expr(expr, alias: try parseAlias())
    }

    /// `[AS] alias` after a select item or a FROM source; nil when there is none.
    private func parseAlias() throws(Failure) -> String? {
        if accept(.keyword(.as)) { return try parseName("an alias") }
        return isName(current) ? advance().text : nil
    }

    /// The FROM sources: joined sources separated by commas (each comma a cross join).
    private func parseFrom() throws(Failure) -> SQLTableRef {
        var source = try parseJoined()
        while at(.punctuation(.comma)) {
            let location = advance().location
            source = .join(SQLJoin(left: source, right: try parseJoined(), kind: .cross, natural: false,
                                   condition: nil, location: location))
        }
        return source
    }

    /// A source followed by any number of JOIN clauses, joined left to right.
    private func parseJoined() throws(Failure) -> SQLTableRef {
        var source = try parseTableRef()
        while let (kind, natural, location) = try parseJoinKeywords() {
            let right = try parseTableRef()
            var condition: SQLJoin.Condition?
            if kind != .cross && !natural {
                if accept(.keyword(.on)) {
                    condition = .on(try parseExpression())
                } else if accept(.keyword(.using)) {
                    try expect(.punctuation(.leftParen))
                    var names: [(String, SourceLocation)] = []
                    repeat {
                        let at = current.location
                        names.append((try parseName("a column name"), at))
                    } while accept(.punctuation(.comma))
                    try expect(.punctuation(.rightParen))
                    condition = .using(names)
                } else {
                    throw expected("ON or USING after \(kind.rawValue) JOIN")
                }
            }
            source = .join(SQLJoin(left: source, right: right, kind: kind, natural: natural, condition: condition,
                                   location: location))
        }
        return source
    }

    /// `[NATURAL] [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER] | CROSS] JOIN`, or nil when no join follows.
    private func parseJoinKeywords() throws(Failure) -> (SQLJoin.Kind, Bool, SourceLocation)? {
        let location = current.location
        let natural = accept(.keyword(.natural))
        var kind = SQLJoin.Kind.inner
        switch current.kind {
        case .keyword(.join): break
        case .keyword(.inner): advance()
        case .keyword(.cross):
            guard !natural else { throw error("NATURAL CROSS JOIN is not a join", at: current.location) }
            advance()
            kind = .cross
        case let .keyword(keyword) where [.left, .right, .full].contains(keyword):
            advance()
            _ = accept(.keyword(.outer))
            kind = SQLJoin.Kind(rawValue: keyword.rawValue) ?? .inner
        default:
            if natural { throw expected("JOIN after NATURAL") }
            return nil
        }
        try expect(.keyword(.join))
        return (kind, natural, location)
    }

    /// A table, a table function, a subquery or a parenthesized join, with its alias.
    private func parseTableRef() throws(Failure) -> SQLTableRef {
        if at(.string) {
            let location = current.location
            let path = advance().text
            return .file(path: path, alias: try parseAlias(), location)
        }
        guard at(.punctuation(.leftParen)) else { return try parseNamedSource() }
        if atQuery(after: 1) { return try parseSubquerySource() }
        advance()
        try enter("FROM nested too deeply")
        defer { nesting -= 1 }
        let joined = try parseJoined()
        try expect(.punctuation(.rightParen))
        return joined
    }

    /// `(query) [[AS] alias]` in FROM.
    private func parseSubquerySource() throws(Failure) -> SQLTableRef {
        let location = current.location
        let query = try parseParenthesizedQuery()
        let alias = try parseAlias()
        if let alias, at(.punctuation(.leftParen)) { return try renamedSubquery(query, alias: alias, at: location) }
        return .subquery(query, alias: alias, location)
    }

    /// `(query) AS name (column, …)`: the query becomes a CTE with those column names.
    @inline(never)
    private func renamedSubquery(_ query: SQLSelect, alias: String,
                                 at location: SourceLocation) throws(Failure) -> SQLTableRef {
        let columns = try parseColumnNames() ?? []
        let hidden = "__columns_\(alias)"
        var wrapper = SQLSelect(location: location)
        wrapper.ctes = [SQLCommonTableExpr(name: hidden, columns: columns, query: query, location: location)]
        wrapper.items = [.star(qualifier: nil, location)]
        wrapper.from = .table(name: hidden, alias: nil, location)
        return .subquery(wrapper, alias: alias, location)
    }

    /// `name [AT (VERSION => n)] [[AS] alias]` or `name(argument, …) [[AS] alias]` in FROM.
    private func parseNamedSource() throws(Failure) -> SQLTableRef {
        let location = current.location
        let name = try parseName("a table name")
        if atWord("AT"), next(is: .punctuation(.leftParen)) {
            advance()
            return .versionedTable(name: name, version: try parseVersionClause(), alias: try parseAlias(), location)
        }
        guard accept(.punctuation(.leftParen)) else { return .table(name: name, alias: try parseAlias(), location) }
        var arguments: [SQLExpr] = []
        if !accept(.punctuation(.rightParen)) {
            arguments = try parseExpressionList()
            try expect(.punctuation(.rightParen))
        }
        return .function(name: name, arguments: arguments, alias: try parseAlias(), location)
    }

    // MARK: - DESCRIBE, SHOW TABLES, SUMMARIZE

    /// `DESCRIBE target`, `SUMMARIZE target`, `SHOW TABLES` or `SHOW name` (DESCRIBE), where the target is a query or
    /// a FROM source (`t`, `'file.parquet'`, `read_csv(…)`), as `SELECT * FROM <show>`.
    @inline(never)
    private func parseShow() throws(Failure) -> SQLSelect {
        let location = current.location
        let word = advance().text.uppercased()
        var show = SQLShow(kind: word == "SUMMARIZE" ? .summarize : .describe, target: nil, table: nil,
                           location: location)
        if word == "SHOW", atWord("TABLES") {
            advance()
            show.kind = .tables
        } else if at(.keyword(.select)) || at(.keyword(.with)) || atWord("VALUES")
                    || (at(.punctuation(.leftParen)) && atQuery(after: 1)) {
            show.target = try parseQuery()
        } else {
            let sourceLocation = current.location
            let source = try parseTableRef()
            if case let .table(name, nil, _) = source { show.table = name }
            var target = SQLSelect(location: sourceLocation)
            target.items = [.star(qualifier: nil, sourceLocation)]
            target.from = source
            show.target = target
        }
        var select = SQLSelect(location: location)
        select.items = [.star(qualifier: nil, location)]
        select.from = .show(show)
        return select
    }

    // MARK: - Table statements

    /// `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name (column type [NOT NULL], …) | AS query`.
    private func parseCreateTable() throws(Failure) -> SQLStatement {
        let start = current.location
        advance()
        var orReplace = false
        if accept(.keyword(.or)) {
            try expectWord("REPLACE")
            orReplace = true
        }
        try expectWord("TABLE")
        var ifNotExists = false
        if atWord("IF") {
            advance()
            try expect(.keyword(.not))
            guard atWord("EXISTS") else { throw expected("EXISTS") }
            advance()
            ifNotExists = true
        }
        let name = try parseName("a table name")
        var create = SQLCreateTable(name: name, columns: [], query: nil, orReplace: orReplace,
                                    ifNotExists: ifNotExists, location: start)
        if accept(.keyword(.as)) {
            let parenthesized = at(.punctuation(.leftParen))
            create.query = parenthesized ? try parseParenthesizedQuery() : try parseQuery()
            return .createTable(create)
        }
        try expect(.punctuation(.leftParen))
        repeat {
            let location = current.location
            let column = try parseName("a column name")
            let typeName = try parseTypeName(inCast: false)
            var notNull = false
            if accept(.keyword(.not)) {
                try expect(.keyword(.null))
                notNull = true
            } else {
                _ = accept(.keyword(.null))
            }
            create.columns.append(SQLColumnDefinition(name: column, typeName: typeName, notNull: notNull,
                                                      location: location))
        } while accept(.punctuation(.comma))
        try expect(.punctuation(.rightParen))
        return .createTable(create)
    }

    /// `INSERT INTO name [(column, …)] query | VALUES (…), …`.
    private func parseInsert() throws(Failure) -> SQLStatement {
        let start = current.location
        advance()
        try expectWord("INTO")
        let table = try parseName("a table name")
        var columns: [String]?
        if at(.punctuation(.leftParen)), !atQuery(after: 1) { columns = try parseColumnNames() }
        return .insert(table: table, columns: columns, query: try parseQuery(), start)
    }

    /// `DELETE FROM name [[AS] alias] [WHERE condition]`.
    private func parseDelete() throws(Failure) -> SQLStatement {
        let start = current.location
        advance()
        try expect(.keyword(.from))
        let table = try parseName("a table name")
        let alias = try parseAlias()
        let condition = accept(.keyword(.where)) ? try parseExpression() : nil
        return .delete(table: table, alias: alias, condition: condition, start)
    }

    /// `UPDATE name [[AS] alias] SET column = expr, … [WHERE condition]`.
    private func parseUpdate() throws(Failure) -> SQLStatement {
        let start = current.location
        advance()
        let table = try parseName("a table name")
        let alias = atWord("SET") ? nil : try parseAlias()
        try expectWord("SET")
        var assignments: [SQLAssignment] = []
        repeat {
            let location = current.location
            let column = try parseName("a column name")
            try expect(.operator(.equal))
            assignments.append(SQLAssignment(column: column, value: try parseExpression(), location: location))
        } while accept(.punctuation(.comma))
        let condition = accept(.keyword(.where)) ? try parseExpression() : nil
        return .update(table: table, alias: alias, assignments: assignments, condition: condition, start)
    }

    /// `DROP TABLE [IF EXISTS] name`.
    private func parseDrop() throws(Failure) -> SQLStatement {
        let start = current.location
        advance()
        try expectWord("TABLE")
        var ifExists = false
        if atWord("IF") {
            advance()
            try expectWord("EXISTS")
            ifExists = true
        }
        return .dropTable(name: try parseName("a table name"), ifExists: ifExists, start)
    }

    /// `COPY (query) TO 'path' [(options)]`, `COPY name TO 'path' [(options)]` or `COPY name FROM 'path' [(options)]`.
    private func parseCopy() throws(Failure) -> SQLStatement {
        let start = current.location
        advance()
        if at(.punctuation(.leftParen)) {
            let query = try parseParenthesizedQuery()
            try expectWord("TO")
            let path = try parseStringLiteral("a file path")
            return .copyTo(query: query, path: path, options: try parseCopyOptions(), start)
        }
        let nameLocation = current.location
        let table = try parseName("a table name or (query)")
        if accept(.keyword(.from)) {
            let path = try parseStringLiteral("a file path")
            return .copyFrom(table: table, path: path, options: try parseCopyOptions(), start)
        }
        try expectWord("TO")
        let path = try parseStringLiteral("a file path")
        var query = SQLSelect(location: nameLocation)
        query.items = [.star(qualifier: nil, nameLocation)]
        query.from = .table(name: table, alias: nil, nameLocation)
        return .copyTo(query: query, path: path, options: try parseCopyOptions(), start)
    }

    /// A string literal's text.
    private func parseStringLiteral(_ what: String) throws(Failure) -> String {
        guard at(.string) else { throw expected(what) }
        return advance().text
    }

    /// `[(name [value], …)]` after COPY's path (also `[WITH] (…)`): values are words, strings, numbers or booleans.
    private func parseCopyOptions() throws(Failure) -> [SQLCopyOption] {
        _ = accept(.keyword(.with))
        guard accept(.punctuation(.leftParen)) else { return [] }
        var options: [SQLCopyOption] = []
        repeat {
            let location = current.location
            let name = try parseName("an option name").lowercased()
            var value: String?
            switch current.kind {
            case .string, .integer, .decimal, .identifier, .quotedIdentifier, .keyword:
                if !at(.punctuation(.comma)) && !at(.punctuation(.rightParen)) { value = advance().text }
            default: break
            }
            options.append(SQLCopyOption(name: name, value: value, location: location))
        } while accept(.punctuation(.comma))
        try expect(.punctuation(.rightParen))
        return options
    }

    /// `VALUES (expr, …), …` as a query operand.
    private func parseValues() throws(Failure) -> SQLSelect {
        var select = SQLSelect(location: current.location)
        advance()
        repeat {
            try expect(.punctuation(.leftParen))
            let row = try parseExpressionList()
            try expect(.punctuation(.rightParen))
            if let first = select.values.first, first.count != row.count {
                throw error("VALUES rows must have the same number of values (\(first.count), then \(row.count))",
                            at: row.first?.location ?? select.location)
            }
            select.values.append(row)
        } while accept(.punctuation(.comma))
        return select
    }

    /// `VACUUM name [RETAIN n HOURS] [DRY RUN]` (Delta's and Spark's syntax).
    private func parseVacuum() throws(Failure) -> SQLStatement {
        let start = current.location
        advance()
        let table = try parseName("a table name")
        var hours: Double?
        if atWord("RETAIN") {
            advance()
            guard at(.integer) || at(.decimal), let number = Double(current.text) else {
                throw expected("a number of hours")
            }
            advance()
            guard atWord("HOURS") || atWord("HOUR") else { throw expected("HOURS") }
            advance()
            hours = number
        }
        var dryRun = false
        if atWord("DRY") {
            advance()
            guard atWord("RUN") else { throw expected("RUN") }
            advance()
            dryRun = true
        }
        return .vacuum(table: table, retainHours: hours, dryRun: dryRun, start)
    }

    /// `(VERSION => n)` after `AT`: the version number.
    private func parseVersionClause() throws(Failure) -> Int {
        try expect(.punctuation(.leftParen))
        guard atWord("VERSION") else { throw expected("VERSION (Strata travels by version number)") }
        advance()
        guard accept(.operator(.equal)), accept(.operator(.greater)) else { throw expected("\"=>\"") }
        guard at(.integer), let version = Int(current.text) else { throw expected("a version number") }
        advance()
        try expect(.punctuation(.rightParen))
        return version
    }

    /// `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]`.
    private func parseOrderItem() throws(Failure) -> SQLOrderItem {
        let expr = try parseExpression()
        var ascending = true
        if accept(.keyword(.desc)) {
            ascending = false
        } else {
            _ = accept(.keyword(.asc))
        }
        var nullsFirst: Bool?
        if accept(.keyword(.nulls)) {
            if accept(.keyword(.first)) {
                nullsFirst = true
            } else if accept(.keyword(.last)) {
                nullsFirst = false
            } else {
                throw expected("\"FIRST\" or \"LAST\"")
            }
        }
        return SQLOrderItem(expr: expr, ascending: ascending, nullsFirst: nullsFirst)
    }

    // MARK: - Expressions

    /// The binding strength of an operator (see the table at the top of the file).
    private enum Precedence: Int, Comparable {
        case or = 1, and, not, isNull, comparison, pattern, concat, additive, multiplicative, unary, cast

        /// The next stronger level: the least precedence the right operand of a left-associative operator takes.
        var next: Precedence { Precedence(rawValue: rawValue + 1) ?? .cast }

        static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
    }

    /// A whole expression.
    private func parseExpression() throws(Failure) -> SQLExpr {
        try parseExpression(above: .or).expr
    }

    /// `expr, …` (at least one).
    private func parseExpressionList() throws(Failure) -> [SQLExpr] {
        var list: [SQLExpr] = []
        repeat { list.append(try parseExpression()) } while accept(.punctuation(.comma))
        return list
    }

    /// `expr, …` (at least one) with the height of the highest.
    private func parseArguments() throws(Failure) -> (list: [SQLExpr], height: Int) {
        var list: [SQLExpr] = []
        var height = 0
        repeat {
            let argument = try parseExpression(above: .or)
            list.append(argument.expr)
            height = max(height, argument.height)
        } while accept(.punctuation(.comma))
        return (list, height)
    }

    /// An expression whose operators all bind at least as strongly as `minimum` (precedence climbing).
    private func parseExpression(above minimum: Precedence) throws(Failure) -> Parsed {
        try enter("expression nested too deeply")
        defer { nesting -= 1 }
        var left = try parsePrefix()
        while let precedence = infixPrecedence(), precedence >= minimum {
            left = try parseInfix(left, precedence)
        }
        return left
    }

    /// The precedence of the operator at the current token when it continues an expression, or nil.
    private func infixPrecedence() -> Precedence? {
        switch current.kind {
        case .keyword(.or): return .or
        case .keyword(.and): return .and
        case .keyword(.is): return .isNull
        case .keyword(.in), .keyword(.between), .keyword(.like), .keyword(.ilike): return .pattern
        case .keyword(.not):
            switch token(after: 1).kind {
            case .keyword(.in), .keyword(.between), .keyword(.like), .keyword(.ilike): return .pattern
            default: return nil
            }
        case let .operator(op):
            switch op {
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return .comparison
            case .concat: return .concat
            case .plus, .minus: return .additive
            case .star, .slash, .doubleSlash, .percent: return .multiplicative
            case .doubleColon: return .cast
            }
        default: return nil
        }
    }

    /// The operator at the current token (of `precedence`) applied to `left`.
    private func parseInfix(_ left: Parsed, _ precedence: Precedence) throws(Failure) -> Parsed {
        switch precedence {
        case .isNull: try parseIsNull(left)
        case .pattern: try parsePattern(left)
        case .cast: try parseCastSuffix(left)
        default: try parseBinary(left, precedence)
        }
    }

    /// `IS [NOT] NULL` after `left`.
    private func parseIsNull(_ left: Parsed) throws(Failure) -> Parsed {
        let location = advance().location
        let negated = accept(.keyword(.not))
        try expect(.keyword(.null))
        return try node(.isNull(left.expr, negated: negated, location), height: left.height + 1)
    }

    /// `::type` after `left`.
    private func parseCastSuffix(_ left: Parsed) throws(Failure) -> Parsed {
        let location = advance().location
        let typeName = try parseTypeName(inCast: false)
        return try node(.cast(left.expr, typeName: typeName, location), height: left.height + 1)
    }

    /// A left-associative binary operator (of `precedence`) and its right operand after `left`; `||` becomes a call
    /// of concat.
    private func parseBinary(_ left: Parsed, _ precedence: Precedence) throws(Failure) -> Parsed {
        let op = advance()
        if precedence == .comparison, let binary = Self.binaryOperator(op.kind), quantifierAhead() {
            let all = advance().kind == .keyword(.all)
            let (query, text) = try parseSubqueryText()
            return try node(.quantified(binary, left.expr, query, all: all, text: text, op.location),
                            height: left.height + 1)
        }
        let right = try parseExpression(above: precedence.next)
        let height = max(left.height, right.height) + 1
        guard let binary = Self.binaryOperator(op.kind) else {
            let arguments = [left.expr, right.expr]
            return try node(.function(name: "||", arguments: arguments, distinct: false, star: false, op.location),
                            height: height)
        }
        return try node(.binary(binary, left.expr, right.expr, op.location), height: height)
    }

    /// `[NOT] IN (…)`, `[NOT] BETWEEN a AND b`, `[NOT] LIKE p` or `[NOT] ILIKE p` after `left`; the node takes the
    /// location of the operator's first token (its NOT when negated).
    private func parsePattern(_ left: Parsed) throws(Failure) -> Parsed {
        let location = current.location
        let negated = accept(.keyword(.not))
        switch advance().kind {
        case .keyword(.in):
            if next(is: .punctuation(.leftParen), after: 0), atQuery(after: 1) {
                let (query, text) = try parseSubqueryText()
                return try node(.inSubquery(left.expr, query, negated: negated, text: text, location),
                                height: left.height + 1)
            }
            try expect(.punctuation(.leftParen))
            let list = try parseArguments()
            try expect(.punctuation(.rightParen))
            let expr = SQLExpr.inList(left.expr, list.list, negated: negated, location)
            return try node(expr, height: max(left.height, list.height) + 1)
        case .keyword(.between):
            let low = try parseExpression(above: Precedence.pattern.next)
            try expect(.keyword(.and))
            let high = try parseExpression(above: Precedence.pattern.next)
            let expr = SQLExpr.between(left.expr, low: low.expr, high: high.expr, negated: negated, location)
            return try node(expr, height: max(left.height, low.height, high.height) + 1)
        case let kind:
            let pattern = try parseExpression(above: Precedence.pattern.next)
            let expr = SQLExpr.like(left.expr, pattern: pattern.expr, negated: negated,
                                    caseInsensitive: kind == .keyword(.ilike), location)
            return try node(expr, height: max(left.height, pattern.height) + 1)
        }
    }

    /// `NOT e`, `-e`, `+e` or a primary expression.
    private func parsePrefix() throws(Failure) -> Parsed {
        switch current.kind {
        case .keyword(.not):
            return try parseNot()
        case .operator(.minus):
            return try parseNegation()
        case .operator(.plus):
            advance()
            return try parseExpression(above: .unary)
        default:
            return try parsePrimary()
        }
    }

    /// `NOT e`.
    private func parseNot() throws(Failure) -> Parsed {
        let location = advance().location
        let operand = try parseExpression(above: .not)
        return try node(.unary(.not, operand.expr, location), height: operand.height + 1)
    }

    /// `-e`; the minus of a number literal folds into it, so `-9223372036854775808` is `Int64.min`.
    private func parseNegation() throws(Failure) -> Parsed {
        let location = advance().location
        if at(.integer), !next(is: .operator(.doubleColon)) {
            return (.literal(try integerLiteral(advance(), negative: true), location), 1)
        }
        let operand = try parseExpression(above: .unary)
        switch operand.expr {
        case let .literal(.integer(value), _):
            let negated: SQLLiteral = value == .min ? .exactDecimal(-Int128(value), precision: 19, scale: 0)
                : .integer(-value)
            return (.literal(negated, location), 1)
        case let .literal(.decimal(value), _):
            return (.literal(.decimal(-value), location), 1)
        case let .literal(.exactDecimal(units, precision, scale), _):
            return (.literal(.exactDecimal(-units, precision: precision, scale: scale), location), 1)
        default:
            return try node(.unary(.negate, operand.expr, location), height: operand.height + 1)
        }
    }

    /// A literal, parameter, column, call, CAST, CASE or parenthesised expression.
    private func parsePrimary() throws(Failure) -> Parsed {
        switch current.kind {
        case .integer, .decimal, .string, .parameter, .keyword(.null), .keyword(.true), .keyword(.false):
            return (try parseLiteral(), 1)
        case .keyword(.date) where next(is: .string), .keyword(.timestamp) where next(is: .string):
            return (try parseLiteral(), 1)
        case .identifier where next(is: .string) && Self.typedLiteralTypes[current.text.lowercased()] != nil:
            return (try parseLiteral(), 1)
        case .keyword(.cast):
            return try parseCast()
        case .keyword(.case):
            return try parseCase()
        case .punctuation(.leftParen):
            return try parseParenthesized()
        case .keyword(.left) where next(is: .punctuation(.leftParen)),
             .keyword(.right) where next(is: .punctuation(.leftParen)):
            return try parseCall()
        default:
            guard isName(current) else { throw expected("an expression") }
            if current.kind == .identifier, current.text.uppercased() == "INTERVAL",
               next(is: .string) || next(is: .integer) {
                return (try parseInterval(), 1)
            }
            if current.kind == .identifier, current.text.uppercased() == "EXTRACT", next(is: .punctuation(.leftParen)),
               isName(token(after: 2)) || token(after: 2).kind == .string, token(after: 3).kind == .keyword(.from) {
                return try parseExtract()
            }
            if current.kind == .identifier, current.text.uppercased() == "EXISTS", next(is: .punctuation(.leftParen)),
               atQuery(after: 2) {
                let location = advance().location
                let (query, text) = try parseSubqueryText()
                return (.exists(query, text: text, location), 1)
            }
            return next(is: .punctuation(.leftParen)) ? try parseCall() : try parseColumn()
        }
    }

    /// A literal or a parameter.
    private func parseLiteral() throws(Failure) -> SQLExpr {
        let token = advance()
        let literal: SQLLiteral
        switch token.kind {
        case .integer: literal = try integerLiteral(token, negative: false)
        case .decimal: literal = try decimalLiteral(token)
        case .string: literal = .string(token.text)
        case .keyword(.null): literal = .null
        case .keyword(.true): literal = .bool(true)
        case .keyword(.false): literal = .bool(false)
        case .keyword(.date): literal = .typed(.date, advance().text)
        case .keyword(.timestamp): literal = .typed(.timestamp, advance().text)
        case .identifier where Self.typedLiteralTypes[token.text.lowercased()] != nil:
            literal = .typed(Self.typedLiteralTypes[token.text.lowercased()] ?? .string, advance().text)
        case let .parameter(number): return .parameter(try parameterNumber(number, at: token.location), token.location)
        default: throw error("expected a literal, found \(token)", at: token.location)
        }
        return .literal(literal, token.location)
    }

    /// Type names that are no keywords but make a typed literal before a string, as in DuckDB: `TIME '12:00'`,
    /// `TIMESTAMP_NS '…'`, `BLOB '\xAA'`.
    private static let typedLiteralTypes: [String: DataType] = [
        "time": .time, "timestamp_ns": .timestampNanos, "blob": .blob,
    ]

    /// `(expr)`, or `(SELECT …)`: a scalar subquery.
    private func parseParenthesized() throws(Failure) -> Parsed {
        if atQuery(after: 1) {
            let location = current.location
            let (query, text) = try parseSubqueryText()
            return (.subquery(query, text: text, location), 1)
        }
        advance()
        let inner = try parseExpression(above: .or)
        try expect(.punctuation(.rightParen))
        return inner
    }

    /// `name` or `qualifier.name`.
    private func parseColumn() throws(Failure) -> Parsed {
        let first = advance()
        guard accept(.punctuation(.dot)) else { return (.column(qualifier: nil, name: first.text, first.location), 1) }
        switch current.kind {
        case .identifier, .quotedIdentifier, .keyword: break
        default: throw expected("a column name")
        }
        return (.column(qualifier: first.text, name: advance().text, first.location), 1)
    }

    /// `INTERVAL 'n' unit`, `INTERVAL n unit` or `INTERVAL 'n unit [n unit …]'`.
    private func parseInterval() throws(Failure) -> SQLExpr {
        let location = advance().location
        let value = advance()
        var months: Int64 = 0, days: Int64 = 0, micros: Int64 = 0
        func add(_ amount: String, _ unit: String, at location: SourceLocation) throws(Failure) {
            guard let n = Int64(amount.filter { $0 != " " }) else {
                throw error("interval amount \"\(amount)\" is not a whole number", at: location)
            }
            guard let (m, d, u) = Self.intervalUnit(unit) else {
                throw error("unknown interval unit \"\(unit)\"", at: location)
            }
            let (mm, o1) = n.multipliedReportingOverflow(by: m), (dd, o2) = n.multipliedReportingOverflow(by: d)
            let (uu, o3) = n.multipliedReportingOverflow(by: u)
            guard !o1, !o2, !o3 else { throw error("interval out of range", at: location) }
            months &+= mm
            days &+= dd
            micros &+= uu
        }
        if isName(current), Self.intervalUnit(current.text) != nil {
            let unit = advance()
            try add(value.text, unit.text, at: unit.location)
        } else {
            let words = value.text.split(whereSeparator: { $0 == " " }).map(String.init)
            guard !words.isEmpty, words.count % 2 == 0 else {
                throw error("expected an interval such as '3 days' or '1 year 2 months'", at: value.location)
            }
            for i in stride(from: 0, to: words.count, by: 2) { try add(words[i], words[i + 1], at: value.location) }
        }
        return .literal(.interval(months: months, days: days, micros: micros), location)
    }

    /// The (months, days, microseconds) of one `unit` of an interval, or nil.
    private static func intervalUnit(_ unit: String) -> (Int64, Int64, Int64)? {
        switch unit.lowercased() {
        case "year", "years", "y", "yr", "yrs": (12, 0, 0)
        case "quarter", "quarters": (3, 0, 0)
        case "month", "months", "mon", "mons": (1, 0, 0)
        case "week", "weeks", "w": (0, 7, 0)
        case "day", "days", "d": (0, 1, 0)
        case "hour", "hours", "h", "hr", "hrs": (0, 0, 3_600_000_000)
        case "minute", "minutes", "min", "mins", "m": (0, 0, 60_000_000)
        case "second", "seconds", "sec", "secs", "s": (0, 0, 1_000_000)
        case "millisecond", "milliseconds", "ms", "msec": (0, 0, 1_000)
        case "microsecond", "microseconds", "us", "usec": (0, 0, 1)
        default: nil
        }
    }

    /// `EXTRACT(part FROM expr)`: a call of `date_part('part', expr)`.
    private func parseExtract() throws(Failure) -> Parsed {
        let location = advance().location
        advance()
        let part = advance()
        advance()
        let operand = try parseExpression(above: .or)
        try expect(.punctuation(.rightParen))
        let call = SQLExpr.function(name: "date_part", arguments: [.literal(.string(part.text), part.location),
                                                                   operand.expr],
                                    distinct: false, star: false, location)
        return try node(call, height: operand.height + 1)
    }

    /// `FROM start [FOR length]` of `substring(x FROM start [FOR length])`, appended to the arguments. (Kept out
    /// of `parseCall`, whose frame every nested call pays for.)
    @inline(never)
    private func parseSubstringTail(_ name: SQLToken,
                                    _ arguments: inout (list: [SQLExpr], height: Int)) throws(Failure) {
        guard ["SUBSTRING", "SUBSTR"].contains(name.text.uppercased()), arguments.list.count == 1 else { return }
        advance()
        let start = try parseExpression(above: .or)
        arguments.list.append(start.expr)
        arguments.height = max(arguments.height, start.height)
        if atWord("FOR") {
            advance()
            let length = try parseExpression(above: .or)
            arguments.list.append(length.expr)
            arguments.height = max(arguments.height, length.height)
        }
    }

    /// `FILTER (WHERE c)` after an aggregate call: `agg(x) FILTER (WHERE c)` is `agg(CASE WHEN c THEN x END)`
    /// (aggregates skip NULLs; count(*) counts the rows where c holds).
    @inline(never)
    private func parseFilter(_ name: SQLToken, star: inout Bool,
                             _ arguments: inout (list: [SQLExpr], height: Int)) throws(Failure) {
        let filterLocation = advance().location
        guard ExpressionBinder.aggregateFunctions.contains(name.text.lowercased()) || star else {
            throw error("FILTER applies to aggregate functions only", at: filterLocation)
        }
        advance()
        try expect(.keyword(.where))
        let condition = try parseExpression(above: .or)
        try expect(.punctuation(.rightParen))
        if atWord("OVER") { throw error("FILTER is not supported in window functions", at: filterLocation) }
        func only(_ value: SQLExpr) -> SQLExpr {
            .caseWhen(operand: nil, branches: [SQLWhen(condition: condition.expr, result: value)], otherwise: nil,
                      filterLocation)
        }
        if star || arguments.list.isEmpty {
            arguments.list = [only(.literal(.integer(1), filterLocation))]
            star = false
        } else if name.text.lowercased() == "string_agg", let first = arguments.list.first {
            // Its separator and ORDER BY keys stay as they are: a NULL value is skipped.
            arguments.list[0] = only(first)
        } else {
            arguments.list = arguments.list.map(only)
        }
        arguments.height = max(arguments.height, condition.height) + 1
    }

    /// `ORDER BY key [ASC | DESC], …` inside `string_agg(…)`: each key becomes an extra argument wrapped as
    /// `__asc(key)` or `__desc(key)` (NULLs sort last, DuckDB's default; `NULLS FIRST` is not supported here).
    private func parseAggregateOrder(_ name: SQLToken, _ arguments: inout (list: [SQLExpr], height: Int))
        throws(Failure) {
        let location = advance().location
        guard name.text.lowercased() == "string_agg" else {
            throw error("ORDER BY inside an aggregate is only supported in string_agg", at: location)
        }
        try expect(.keyword(.by))
        repeat {
            let item = try parseOrderItem()
            if item.nullsFirst != nil {
                throw error("NULLS FIRST / LAST is not supported inside string_agg", at: item.expr.location)
            }
            let wrapper = item.ascending ? "__asc" : "__desc"
            arguments.list.append(.function(name: wrapper, arguments: [item.expr], distinct: false, star: false,
                                            item.expr.location))
            arguments.height += 1
        } while accept(.punctuation(.comma))
    }

    /// `name(…)`: `name(*)`, `name()`, `name([DISTINCT | ALL] expr, …)`.
    private func parseCall() throws(Failure) -> Parsed {
        let name = advance()
        advance()
        var arguments: (list: [SQLExpr], height: Int) = ([], 0)
        var distinct = false
        var star = at(.operator(.star)) && next(is: .punctuation(.rightParen))
        if star {
            advance()
        } else if !at(.punctuation(.rightParen)) {
            distinct = accept(.keyword(.distinct))
            if !distinct { _ = accept(.keyword(.all)) }
            if atQuery(after: 0) { throw error("a subquery as an argument needs its own parentheses", at: current.location) }
            arguments = try parseArguments()
            if at(.keyword(.from)) { try parseSubstringTail(name, &arguments) }
            if at(.keyword(.order)) { try parseAggregateOrder(name, &arguments) }
        }
        try expect(.punctuation(.rightParen))
        if at(.identifier), next(is: .punctuation(.leftParen)), current.text.uppercased() == "FILTER" {
            try parseFilter(name, star: &star, &arguments)
        }
        if atWord("OVER") {
            advance()
            if distinct { throw error("DISTINCT is not supported in window functions", at: name.location) }
            let spec: SQLWindowSpec
            if at(.punctuation(.leftParen)) {
                spec = try parseWindowSpec()
            } else {
                var named = SQLWindowSpec(location: current.location)
                named.base = try parseName("a window name or \"(\"")
                spec = named
            }
            let call = SQLExpr.window(name: name.text, arguments: arguments.list, star: star, spec, name.location)
            return try node(call, height: arguments.height + 1)
        }
        let call = SQLExpr.function(name: name.text, arguments: arguments.list, distinct: distinct, star: star,
                                    name.location)
        return try node(call, height: arguments.height + 1)
    }

    /// Whether the current token is the identifier `word` (any letter case): the words of window clauses are not
    /// keywords.
    private func atWord(_ word: String) -> Bool {
        at(.identifier) && current.text.uppercased() == word
    }

    /// Consumes the identifier `word` or fails.
    private func expectWord(_ word: String) throws(Failure) {
        guard atWord(word) else { throw expected("\"\(word)\"") }
        advance()
    }

    /// `( [name] [PARTITION BY …] [ORDER BY …] [ROWS | RANGE …] )`.
    private func parseWindowSpec() throws(Failure) -> SQLWindowSpec {
        var spec = SQLWindowSpec(location: current.location)
        try expect(.punctuation(.leftParen))
        if isName(current), !atWord("PARTITION"), !atWord("ROWS"), !atWord("RANGE") {
            spec.base = advance().text
        }
        if atWord("PARTITION") {
            advance()
            try expect(.keyword(.by))
            spec.partitionBy = try parseExpressionList()
        }
        if accept(.keyword(.order)) {
            try expect(.keyword(.by))
            repeat { spec.orderBy.append(try parseOrderItem()) } while accept(.punctuation(.comma))
        }
        if atWord("ROWS") || atWord("RANGE") {
            let unit = advance()
            let rows = unit.text.uppercased() == "ROWS"
            if accept(.keyword(.between)) {
                let start = try parseFrameBound()
                try expect(.keyword(.and))
                spec.frame = SQLWindowFrame(rows: rows, start: start, end: try parseFrameBound(), location: unit.location)
            } else {
                spec.frame = SQLWindowFrame(rows: rows, start: try parseFrameBound(), end: .currentRow,
                                            location: unit.location)
            }
        }
        try expect(.punctuation(.rightParen))
        return spec
    }

    /// `UNBOUNDED PRECEDING | UNBOUNDED FOLLOWING | CURRENT ROW | expr PRECEDING | expr FOLLOWING`.
    private func parseFrameBound() throws(Failure) -> SQLFrameBound {
        if atWord("UNBOUNDED") {
            advance()
            if atWord("PRECEDING") {
                advance()
                return .unboundedPreceding
            }
            try expectWord("FOLLOWING")
            return .unboundedFollowing
        }
        if atWord("CURRENT") {
            advance()
            try expectWord("ROW")
            return .currentRow
        }
        let offset = try parseExpression(above: .comparison).expr
        if atWord("PRECEDING") {
            advance()
            return .preceding(offset)
        }
        try expectWord("FOLLOWING")
        return .following(offset)
    }

    /// `CAST(e AS type)`.
    private func parseCast() throws(Failure) -> Parsed {
        let location = advance().location
        try expect(.punctuation(.leftParen))
        let operand = try parseExpression(above: .or)
        try expect(.keyword(.as))
        let typeName = try parseTypeName(inCast: true)
        try expect(.punctuation(.rightParen))
        return try node(.cast(operand.expr, typeName: typeName, location), height: operand.height + 1)
    }

    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    private func parseCase() throws(Failure) -> Parsed {
        let location = advance().location
        let bare = at(.keyword(.when)) || at(.keyword(.else)) || at(.keyword(.end))
        let operand: Parsed? = bare ? nil : try parseExpression(above: .or)
        var height = operand?.height ?? 0
        var branches: [SQLWhen] = []
        while accept(.keyword(.when)) {
            let branch = try parseWhen()
            branches.append(branch.when)
            height = max(height, branch.height)
        }
        guard !branches.isEmpty else { throw expected("\"WHEN\"") }
        var otherwise: Parsed?
        if accept(.keyword(.else)) {
            otherwise = try parseExpression(above: .or)
        } else if !at(.keyword(.end)) {
            throw expected("\"WHEN\", \"ELSE\" or \"END\"")
        }
        try expect(.keyword(.end))
        let expr = SQLExpr.caseWhen(operand: operand?.expr, branches: branches, otherwise: otherwise?.expr, location)
        return try node(expr, height: max(height, otherwise?.height ?? 0) + 1)
    }

    /// `condition THEN result` after a WHEN.
    private func parseWhen() throws(Failure) -> (when: SQLWhen, height: Int) {
        let condition = try parseExpression(above: .or)
        try expect(.keyword(.then))
        let result = try parseExpression(above: .or)
        return (SQLWhen(condition: condition.expr, result: result.expr), max(condition.height, result.height))
    }

    /// A type name: words (`DOUBLE PRECISION`), then `(n)` or `(n, m)`, kept as `DECIMAL(10,2)`. In `CAST(… AS …)`
    /// every word up to the `)` belongs to it; after `::` only the words that continue a known multi-word type do,
    /// so `x::int y` still reads `y` as an alias.
    private func parseTypeName(inCast: Bool) throws(Failure) -> String {
        guard isTypeWord(current) else { throw expected("a type name") }
        var text = advance().text
        while isTypeWord(current), inCast || Self.typeContinuations.contains(current.text.uppercased()) {
            text += " " + advance().text
        }
        guard accept(.punctuation(.leftParen)) else { return text }
        var numbers: [String] = []
        repeat {
            guard at(.integer) else { throw expected("an integer") }
            numbers.append(advance().text)
        } while numbers.count < 2 && accept(.punctuation(.comma))
        try expect(.punctuation(.rightParen))
        return text + "(" + numbers.joined(separator: ",") + ")"
    }

    /// The words that continue a type name after `::` (`DOUBLE PRECISION`, `CHARACTER VARYING`,
    /// `TIMESTAMP WITH TIME ZONE`).
    private static let typeContinuations: Set<String> = ["PRECISION", "VARYING", "WITH", "WITHOUT", "TIME", "ZONE"]

    /// Whether `token` can be a word of a type name: an unquoted name, or WITH (`TIMESTAMP WITH TIME ZONE`).
    private func isTypeWord(_ token: SQLToken) -> Bool {
        token.kind != .quotedIdentifier && (isName(token) || token.kind == .keyword(.with))
    }

    // MARK: - Literals and parameters

    /// The integer literal `token` (negated when `negative`): an Int64 when it fits, else an exact DECIMAL(digits, 0)
    /// up to 38 digits (DuckDB types it HUGEINT: exact, so `u < 9223372036854775808` holds for 2^63 - 1), a double
    /// beyond.
    private func integerLiteral(_ token: SQLToken, negative: Bool) throws(Failure) -> SQLLiteral {
        if let value = Int64(negative ? "-" + token.text : token.text) { return .integer(value) }
        let digits = token.text.drop { $0 == "0" }
        if digits.count <= Int(DataType.maxDecimalPrecision), let units = Int128(digits) {
            return .exactDecimal(negative ? -units : units, precision: UInt8(digits.count), scale: 0)
        }
        return .decimal(try double(token, negative: negative))
    }

    /// A number with a point or an exponent: DECIMAL(digits, fraction digits) when it has no exponent and at most
    /// 38 digits (DuckDB's typing: `0.06` is DECIMAL(3,2)), a double otherwise.
    private func decimalLiteral(_ token: SQLToken) throws(Failure) -> SQLLiteral {
        let text = token.text
        guard !text.contains(where: { $0 == "e" || $0 == "E" }), let point = text.firstIndex(of: ".") else {
            return .decimal(try double(token, negative: false))
        }
        let whole = text[..<point], fraction = text[text.index(after: point)...]
        let digits = whole.count + fraction.count
        guard digits <= 38, digits > 0, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
              let units = Int128(whole + fraction) else {
            return .decimal(try double(token, negative: false))
        }
        return .exactDecimal(units, precision: UInt8(digits), scale: UInt8(fraction.count))
    }

    /// The number `token` as a double (negated when `negative`); an error when it is out of range.
    private func double(_ token: SQLToken, negative: Bool) throws(Failure) -> Double {
        guard let value = Double(token.text), value.isFinite else {
            throw error("number out of range", at: token.location)
        }
        return negative ? -value : value
    }

    /// The number of a parameter: `explicit` for `$n`, the next position for `?`.
    private func parameterNumber(_ explicit: Int?, at location: SourceLocation) throws(Failure) -> Int {
        let style: ParameterStyle = explicit == nil ? .positional : .numbered
        guard parameterStyle == .none || parameterStyle == style else {
            throw error("cannot mix ? and $n parameters", at: location)
        }
        parameterStyle = style
        let number = explicit ?? parameterCount + 1
        parameterCount = max(parameterCount, number)
        return number
    }

    // MARK: - Tokens

    /// The current token.
    private var current: SQLToken { tokens[index] }

    /// The token `offset` after the current one (the last, `.end`, past the end).
    private func token(after offset: Int) -> SQLToken { tokens[min(index + offset, tokens.count - 1)] }

    /// Whether the current token is of `kind`.
    private func at(_ kind: SQLToken.Kind) -> Bool { tokens[index].kind == kind }

    /// Whether the token `offset` after the current one is of `kind`.
    private func next(is kind: SQLToken.Kind, after offset: Int = 1) -> Bool { token(after: offset).kind == kind }

    /// Moves past the current token (never past `.end`) and returns it.
    @discardableResult
    private func advance() -> SQLToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Moves past the current token when it is of `kind`; whether it was.
    private func accept(_ kind: SQLToken.Kind) -> Bool {
        guard at(kind) else { return false }
        advance()
        return true
    }

    /// Moves past the current token, which must be of `kind` (a keyword or a punctuation mark).
    private func expect(_ kind: SQLToken.Kind) throws(Failure) {
        guard !accept(kind) else { return }
        switch kind {
        case let .keyword(keyword): throw expected("\"\(keyword.rawValue)\"")
        case let .punctuation(mark): throw expected("\"\(mark.rawValue)\"")
        default: throw expected("\(kind)")
        }
    }

    /// Whether `token` can be a name: an identifier, a quoted identifier or a keyword that is not reserved.
    private func isName(_ token: SQLToken) -> Bool {
        switch token.kind {
        case .identifier, .quotedIdentifier: true
        case let .keyword(keyword): !keyword.isReserved
        default: false
        }
    }

    /// A name (see `isName`), described as `what` when missing.
    private func parseName(_ what: String) throws(Failure) -> String {
        guard isName(current) else { throw expected(what) }
        return advance().text
    }

    // MARK: - Errors and limits

    /// One level deeper; an error (`message`) past `maxNesting` or when the thread's stack runs low. Pair with
    /// `defer { nesting -= 1 }`.
    private func enter(_ message: String) throws(Failure) {
        let here = ThreadStack.currentAddress()
        let stackLow = stack.map { $0.contains(here) && here <= stackFloor } ?? false
        guard nesting < Self.maxNesting, !stackLow else {
            throw error(message, at: current.location)
        }
        nesting += 1
    }

    /// `expr` with the height of its tree; an error when that is above `maxExpressionHeight`.
    private func node(_ expr: SQLExpr, height: Int) throws(Failure) -> Parsed {
        guard height <= Self.maxExpressionHeight else { throw error("expression nested too deeply", at: expr.location) }
        return (expr, height)
    }

    /// Whether `ANY`, `SOME` or `ALL` followed by `(SELECT` or `(WITH` is at the current token.
    private func quantifierAhead() -> Bool {
        let word: Bool
        switch current.kind {
        case .keyword(.all): word = true
        case .identifier: word = ["ANY", "SOME"].contains(current.text.uppercased())
        default: word = false
        }
        return word && next(is: .punctuation(.leftParen)) && atQuery(after: 2)
    }

    /// Whether a query (`SELECT` or `WITH`) starts `offset` tokens after the current one.
    private func atQuery(after offset: Int) -> Bool {
        let token = token(after: offset)
        switch token.kind {
        case .keyword(.select), .keyword(.with): return true
        case .identifier: return token.text.uppercased() == "VALUES" || atShow(after: offset)
        default: return false
        }
    }

    /// Whether `DESCRIBE`, `SUMMARIZE` or `SHOW` starts a statement `offset` tokens ahead: the word followed by
    /// what such a statement names (so a column called `show` in parentheses stays a column).
    private func atShow(after offset: Int) -> Bool {
        let word = token(after: offset)
        guard word.kind == .identifier, ["DESCRIBE", "SUMMARIZE", "SHOW"].contains(word.text.uppercased()) else {
            return false
        }
        switch token(after: offset + 1).kind {
        case .identifier, .quotedIdentifier, .string, .keyword(.select), .keyword(.with), .punctuation(.leftParen):
            return true
        default:
            return false
        }
    }

    /// `(query)` at the current `(`, and its text from `(` to `)` with runs of white space made one space (the
    /// default column name of an expression holding it).
    private func parseSubqueryText() throws(Failure) -> (SQLSelect, String) {
        let start = current.location.offset
        let query = try parseParenthesizedQuery()
        let end = tokens[max(0, index - 1)].location.offset + 1
        let bytes = Array(sql.utf8)
        let lower = min(max(0, start), bytes.count), upper = min(max(lower, end), bytes.count)
        let raw = String(decoding: bytes[lower..<upper], as: UTF8.self)
        let text = raw.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
            .joined(separator: " ").replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
        return (query, text)
    }

    /// "expected `what`, found <the current token>".
    private func expected(_ what: String) -> Failure {
        error("expected \(what), found \(current)", at: current.location)
    }

    /// A syntax error; the lexer's own error instead when the parser has reached the point where the lexer failed.
    private func error(_ message: String, at location: SourceLocation) -> Failure {
        if let lexerError, index == tokens.count - 1 { return Failure(lexerError) }
        return Failure(SQLError.syntax(message, at: location, in: sql))
    }

    /// The arithmetic, comparison or logical operator of `kind`, which is spelled as its token (`!=` is a `<>` token);
    /// nil for `||` (a call of the function `||`).
    private static func binaryOperator(_ kind: SQLToken.Kind) -> Expr.BinaryOperator? {
        switch kind {
        case let .operator(op): Expr.BinaryOperator(rawValue: op.rawValue)
        case let .keyword(keyword): Expr.BinaryOperator(rawValue: keyword.rawValue)
        default: nil
        }
    }
}
