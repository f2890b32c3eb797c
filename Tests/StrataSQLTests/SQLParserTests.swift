import Foundation
import StrataCore
import StrataSQL
import Testing

@Suite struct SQLParserTests {
    // MARK: - Clauses

    @Test func everyClause() throws {
        let select = try parseSelect("""
            select distinct a, b + 1 as b1, count(*) total
            from t as u
            where a > 0
            group by a, 2
            having count(*) > 1
            order by a desc nulls first, b1 asc nulls last, 3
            limit 10 offset 5;
            """)
        #expect(select.rendered == "SELECT DISTINCT a, (+ b 1) AS b1, count(*) AS total FROM t AS u WHERE (> a 0) "
            + "GROUP BY a, 2 HAVING (> count(*) 1) ORDER BY a DESC NULLS FIRST, b1 NULLS LAST, 3 LIMIT 10 OFFSET 5")
        #expect(select.distinct)
        #expect(select.orderBy.map(\.ascending) == [false, true, true])
        #expect(select.orderBy.map(\.nullsFirst) == [true, false, nil])
    }

    @Test func optionalClauses() throws {
        #expect(try parseSelect("SELECT 1 + 1").rendered == "SELECT (+ 1 1)")
        #expect(try parseSelect("SELECT ALL a FROM t").rendered == "SELECT a FROM t")
        #expect(try parseSelect("SELECT 1 WHERE false").rendered == "SELECT 1 WHERE FALSE")
        #expect(try parseSelect("SELECT a FROM t OFFSET 2 LIMIT 3").rendered == "SELECT a FROM t LIMIT 3 OFFSET 2")
        #expect(try parseSelect("SELECT a FROM t OFFSET 2").rendered == "SELECT a FROM t OFFSET 2")
        #expect(try parseSelect("SELECT a FROM t LIMIT ?").rendered == "SELECT a FROM t LIMIT $1")
        #expect(try parseSelect("SELECT a FROM t ORDER BY a LIMIT 1 + 1").rendered
            == "SELECT a FROM t ORDER BY a LIMIT (+ 1 1)")
    }

    @Test func selectItemsAndAliases() throws {
        let select = try parseSelect(#"SELECT *, t.*, "q".*, a AS "Mixed Case", b first, c AS date, d last FROM t"#)
        #expect(select.rendered == #"SELECT *, t.*, q.*, a AS Mixed Case, b AS first, c AS date, d AS last FROM t"#)
        // `a.b` is a qualified column, and a keyword may follow the dot.
        #expect(try expression("t.a") == "t.a")
        #expect(try expression("t.order + t.\"x y\"") == "(+ t.order t.x y)")
        // A reserved keyword is no bare alias: FROM starts the next clause.
        #expect(try parseSelect("SELECT a FROM t").items.count == 1)
        expectSyntaxError("SELECT a AS FROM t", #"expected an alias, found "FROM""#, line: 1, column: 13)
        expectSyntaxError("SELECT a b c FROM t", #"expected end of statement, found identifier "c""#, line: 1,
                          column: 12)
        expectSyntaxError("SELECT t.* + 1 FROM t", #"expected end of statement, found "+""#, line: 1, column: 12)
    }

    @Test func explain() throws {
        guard case let .explain(select, analyze, format, location) = try SQLParser.parse("EXPLAIN SELECT a FROM t")
        else {
            Issue.record("not an explain")
            return
        }
        #expect(select.rendered == "SELECT a FROM t")
        #expect(!analyze)
        #expect(format == "text")
        #expect(location == SourceLocation(line: 1, column: 1, offset: 0))
        guard case let .explain(_, analyze, _, _) = try SQLParser.parse("explain analyze WITH c AS (SELECT 1) "
                                                                         + "SELECT * FROM c;") else {
            Issue.record("not an explain")
            return
        }
        #expect(analyze)
    }

    @Test func explainOptions() throws {
        for (sql, wantAnalyze, wantFormat) in [
            ("EXPLAIN ANALYZE (FORMAT html) SELECT 1", true, "html"),
            ("EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1", true, "json"),
            ("explain (format 'html', analyze) SELECT 1", true, "html"),
            ("EXPLAIN (ANALYZE) SELECT 1", true, "text"),
            ("EXPLAIN (SELECT 1)", false, "text"),
        ] {
            guard case let .explain(_, analyze, format, _) = try SQLParser.parse(sql) else {
                Issue.record("not an explain: \(sql)")
                continue
            }
            #expect(analyze == wantAnalyze, "\(sql)")
            #expect(format == wantFormat, "\(sql)")
        }
        expectSyntaxError("EXPLAIN (FORMAT html) SELECT 1", "FORMAT html needs EXPLAIN ANALYZE: the report describes "
                          + "a run", line: 1, column: 9)
        expectSyntaxError("EXPLAIN ANALYZE (FORMAT xml) SELECT 1",
                          #"unknown EXPLAIN format "xml"; use text, json or html"#, line: 1, column: 17)
        expectSyntaxError("EXPLAIN (ANALYZE, VERBOSE) SELECT 1", #"expected ANALYZE or FORMAT, found identifier "VERBOSE""#,
                          line: 1, column: 19)
    }

    @Test func timeTravelAndVacuum() throws {
        let select = try parseSelect("SELECT * FROM t AT (VERSION => 3) AS old JOIN t at (version=>0) ON true")
        #expect(select.from?.rendered == "(t AT (VERSION => 3) AS old INNER JOIN t AT (VERSION => 0) ON TRUE)")
        #expect(try parseSelect("SELECT * FROM at").from?.rendered == "at", "AT alone is still a name")
        expectSyntaxError("SELECT * FROM t AT (TIMESTAMP => 3)", #"expected VERSION (Strata travels by version "#
                          + #"number), found "TIMESTAMP""#, line: 1, column: 21)
        expectSyntaxError("SELECT * FROM t AT (VERSION => -1)", #"expected a version number, found "-""#, line: 1,
                          column: 32)
        guard case let .vacuum(table, hours, dryRun, _) = try SQLParser.parse("VACUUM events RETAIN 0 HOURS DRY RUN")
        else {
            Issue.record("not a vacuum")
            return
        }
        #expect(table == "events" && hours == 0 && dryRun)
        guard case let .vacuum(_, hours, dryRun, _) = try SQLParser.parse("vacuum \"My T\";") else {
            Issue.record("not a vacuum")
            return
        }
        #expect(hours == nil && !dryRun)
        expectSyntaxError("VACUUM t RETAIN 5 DAYS", #"expected HOURS, found identifier "DAYS""#, line: 1, column: 19)
    }

    @Test func tableStatements() throws {
        guard case let .createTable(create) = try SQLParser.parse(
            "create or replace table if not exists t (id BIGINT NOT NULL, \"a b\" DOUBLE PRECISION, d decimal(10, 2) NULL)")
        else {
            Issue.record("not a create")
            return
        }
        #expect(create.name == "t" && create.orReplace && create.ifNotExists && create.query == nil)
        #expect(create.columns.map(\.name) == ["id", "a b", "d"] && create.columns.map(\.notNull) == [true, false, false])
        #expect(create.columns.map(\.typeName) == ["BIGINT", "DOUBLE PRECISION", "decimal(10,2)"])
        guard case let .createTable(ctas) = try SQLParser.parse("CREATE TABLE t AS (SELECT 1 AS x)") else {
            Issue.record("not a create")
            return
        }
        #expect(ctas.query?.rendered == "SELECT 1 AS x")
        guard case let .insert(table, columns, query, _) = try SQLParser.parse("INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL)")
        else {
            Issue.record("not an insert")
            return
        }
        #expect(table == "t" && columns == ["a", "b"] && query.values.count == 2)
        guard case let .insert(_, noColumns, select, _) = try SQLParser.parse("INSERT INTO t (SELECT * FROM u)") else {
            Issue.record("not an insert")
            return
        }
        #expect(noColumns == nil && select.rendered == "SELECT * FROM u")
        guard case let .update(_, alias, assignments, condition, _) = try SQLParser.parse(
            "UPDATE t AS x SET a = a + 1, b = 'y' WHERE x.a > 3") else {
            Issue.record("not an update")
            return
        }
        #expect(alias == "x" && assignments.map(\.column) == ["a", "b"] && condition != nil)
        guard case let .delete(_, _, nothing, _) = try SQLParser.parse("DELETE FROM t") else {
            Issue.record("not a delete")
            return
        }
        #expect(nothing == nil)
        guard case let .dropTable(name, ifExists, _) = try SQLParser.parse("DROP TABLE IF EXISTS t") else {
            Issue.record("not a drop")
            return
        }
        #expect(name == "t" && ifExists)
        guard case let .copyTo(copied, path, options, _) = try SQLParser.parse(
            "COPY t TO 'out.csv' (FORMAT csv, HEADER)") else {
            Issue.record("not a copy")
            return
        }
        #expect(copied.rendered == "SELECT * FROM t" && path == "out.csv")
        #expect(options.map(\.name) == ["format", "header"] && options.map(\.value) == ["csv", nil])
        guard case let .copyFrom(_, from, _, _) = try SQLParser.parse("COPY t FROM 'in.parquet'") else {
            Issue.record("not a copy")
            return
        }
        #expect(from == "in.parquet")
        expectSyntaxError("INSERT INTO t VALUES (1, 2), (3)", "VALUES rows must have the same number of values (2, then 1)",
                          line: 1, column: 31)
    }

    @Test func commonTableExpressions() throws {
        let select = try parseSelect("""
            WITH a (x, "Y") AS (SELECT 1, 2), b AS (WITH c AS (SELECT 3) SELECT * FROM c)
            SELECT x FROM a
            """)
        #expect(select.rendered
            == "WITH a(x, Y) AS (SELECT 1, 2), b AS (WITH c AS (SELECT 3) SELECT * FROM c) SELECT x FROM a")
        #expect(select.ctes.map(\.columns) == [["x", "Y"], nil])
        #expect(select.location == SourceLocation(line: 1, column: 1, offset: 0))
        #expect(select.ctes.map(\.location.column) == [6, 35])
        expectSyntaxError("WITH a AS SELECT 1", #"expected "(", found "SELECT""#, line: 1, column: 11)
        expectSyntaxError("WITH a (SELECT 1) SELECT 1", #"expected a column name, found "SELECT""#, line: 1, column: 9)
        expectSyntaxError("WITH a AS (SELECT 1)", #"expected "SELECT", found end of input"#, line: 1, column: 21)
        expectSyntaxError("WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r", "WITH RECURSIVE is not supported",
                          line: 1, column: 6)
    }

    @Test func fromSources() throws {
        #expect(try parseSelect("SELECT * FROM t u").from?.rendered == "t AS u")
        #expect(try parseSelect(#"SELECT * FROM "My Table""#).from?.rendered == "My Table")
        #expect(try parseSelect("SELECT * FROM read_parquet('x/*.parquet') AS p").from?.rendered
            == "read_parquet('x/*.parquet') AS p")
        #expect(try parseSelect("SELECT * FROM read_csv('f.csv', header = true, delim = ';')").from?.rendered
            == "read_csv('f.csv', (= header TRUE), (= delim ';'))")
        #expect(try parseSelect("SELECT * FROM generate()").from?.rendered == "generate()")
        #expect(try parseSelect("SELECT s.a FROM (SELECT a FROM t WHERE a > 1) s").from?.rendered
            == "(SELECT a FROM t WHERE (> a 1)) AS s")
        #expect(try parseSelect("SELECT * FROM (WITH c AS (SELECT 1 AS x) SELECT x FROM c) AS s").from?.rendered
            == "(WITH c AS (SELECT 1 AS x) SELECT x FROM c) AS s")
        #expect(try parseSelect("SELECT * FROM (SELECT 1)").from?.rendered == "(SELECT 1)")
        #expect(try parseSelect("SELECT * FROM (t)").from?.rendered == "t")
        expectSyntaxError("SELECT * FROM", "expected a table name, found end of input", line: 1, column: 14)
        expectSyntaxError("SELECT * FROM t AS", "expected an alias, found end of input", line: 1, column: 19)
        #expect(try parseSelect("SELECT * FROM 'data/*.parquet' AS d").from?.rendered == "'data/*.parquet' AS d")
        #expect(try parseSelect("SELECT * FROM 'f.csv'").from?.rendered == "'f.csv'")
        #expect(try parseSelect("DESCRIBE t").from?.rendered == "(DESCRIBE SELECT * FROM t)")
        #expect(try parseSelect("SUMMARIZE SELECT a FROM t WHERE a > 1").from?.rendered
            == "(SUMMARIZE SELECT a FROM t WHERE (> a 1))")
        #expect(try parseSelect("SHOW TABLES").from?.rendered == "(SHOW TABLES)")
        guard case let .subquery(inner, "s", _)? = try parseSelect("SELECT name FROM (SHOW TABLES) AS s").from,
              case let .show(show)? = inner.from else {
            Issue.record("(SHOW TABLES) is not a subquery over SHOW TABLES")
            return
        }
        #expect(show.kind == .tables && show.target == nil)
        #expect(try parseSelect("SELECT (show) FROM t").from?.rendered == "t", "a column named show stays a column")
        expectSyntaxError("SELECT * FROM read_csv('f.csv'", #"expected ")", found end of input"#, line: 1, column: 31)
    }

    @Test func joins() throws {
        #expect(try parseSelect("SELECT * FROM a JOIN b ON a.x = b.x").from?.rendered
            == "(a INNER JOIN b ON (= a.x b.x))")
        #expect(try parseSelect("SELECT * FROM a x LEFT OUTER JOIN b USING (k, j)").from?.rendered
            == "(a AS x LEFT JOIN b USING (k, j))")
        #expect(try parseSelect("SELECT * FROM a NATURAL FULL JOIN b").from?.rendered == "(a NATURAL FULL JOIN b)")
        #expect(try parseSelect("SELECT * FROM a CROSS JOIN b, c").from?.rendered
            == "((a CROSS JOIN b) CROSS JOIN c)")
        // JOIN binds more tightly than the comma; joins go left to right; parentheses group.
        #expect(try parseSelect("SELECT * FROM a, b JOIN c ON b.k = c.k").from?.rendered
            == "(a CROSS JOIN (b INNER JOIN c ON (= b.k c.k)))")
        #expect(try parseSelect("SELECT * FROM a JOIN b ON p RIGHT JOIN c ON q").from?.rendered
            == "((a INNER JOIN b ON p) RIGHT JOIN c ON q)")
        #expect(try parseSelect("SELECT * FROM a LEFT JOIN (b JOIN c ON q) ON p").from?.rendered
            == "(a LEFT JOIN (b INNER JOIN c ON q) ON p)")
        #expect(try parseSelect("SELECT * FROM (SELECT 1) s INNER JOIN t ON TRUE").from?.rendered
            == "((SELECT 1) AS s INNER JOIN t ON TRUE)")
        expectSyntaxError("SELECT * FROM a LEFT JOIN b", "expected ON or USING after LEFT JOIN, found end of input",
                          line: 1, column: 28)
        expectSyntaxError("SELECT * FROM a JOIN b USING ()", #"expected a column name, found ")""#, line: 1,
                          column: 31)
        expectSyntaxError("SELECT * FROM a NATURAL b", #"expected JOIN after NATURAL, found identifier "b""#,
                          line: 1, column: 25)
        expectSyntaxError("SELECT * FROM a LEFT b", #"expected "JOIN", found identifier "b""#, line: 1, column: 22)
        expectSyntaxError("SELECT * FROM a JOIN", "expected a table name, found end of input", line: 1, column: 21)
    }

    @Test func setOperations() throws {
        let cases: [(String, String)] = [
            ("SELECT 1 UNION SELECT 2", "[SELECT 1] UNION [SELECT 2]"),
            ("SELECT a FROM t UNION ALL SELECT 2 ORDER BY 1 LIMIT 3",
             "[SELECT a FROM t] UNION ALL [SELECT 2] ORDER BY 1 LIMIT 3"),
            ("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "[SELECT 1] UNION [[SELECT 2] INTERSECT [SELECT 3]]"),
            ("SELECT 1 EXCEPT DISTINCT SELECT 2 EXCEPT ALL SELECT 3",
             "[[SELECT 1] EXCEPT [SELECT 2]] EXCEPT ALL [SELECT 3]"),
            ("(SELECT a FROM t ORDER BY a LIMIT 1) INTERSECT ALL SELECT 2",
             "[SELECT a FROM t ORDER BY a LIMIT 1] INTERSECT ALL [SELECT 2]"),
            ("WITH c AS (SELECT 1) SELECT * FROM c UNION SELECT 2",
             "WITH c AS (SELECT 1) [SELECT * FROM c] UNION [SELECT 2]"),
            ("(SELECT 1 LIMIT 1) ORDER BY 1", "SELECT * FROM (SELECT 1 LIMIT 1) ORDER BY 1"),
        ]
        for (sql, tree) in cases { #expect(try parseSelect(sql).rendered == tree, "\(sql)") }
        let subquery = try parseSelect("SELECT * FROM (SELECT 1 EXCEPT SELECT 2)")
        #expect(subquery.rendered == "SELECT * FROM ([SELECT 1] EXCEPT [SELECT 2])")
        expectSyntaxError("SELECT a FROM t ORDER BY a LIMIT 1 INTERSECT SELECT 2",
                          "INTERSECT must come before ORDER BY and LIMIT (put the query with them in parentheses)",
                          line: 1, column: 36)
        expectSyntaxError("SELECT 1 UNION", #"expected "SELECT", found end of input"#, line: 1, column: 15)
    }

    @Test func statementBoundaries() throws {
        #expect(try parseSelect("SELECT 1;").rendered == "SELECT 1")
        #expect(try parseSelect("  SELECT 1 ; -- done\n").rendered == "SELECT 1")
        expectSyntaxError("SELECT 1; SELECT 2", #"expected end of statement, found "SELECT""#, line: 1, column: 11)
        expectSyntaxError("SELECT 1;;", #"expected end of statement, found ";""#, line: 1, column: 10)
        expectSyntaxError("SELECT 1 2", #"expected end of statement, found number 2"#, line: 1, column: 10)
        expectSyntaxError("MERGE INTO t USING u ON true", #"expected "SELECT", found identifier "MERGE""#, line: 1,
                          column: 1)
        expectSyntaxError("EXPLAIN", #"expected "SELECT", found end of input"#, line: 1, column: 8)
    }

    @Test func emptyStatements() {
        expectSyntaxError("", "empty statement", line: 1, column: 1)
        expectSyntaxError("   ", "empty statement", line: 1, column: 4)
        expectSyntaxError("-- nothing\n/* at all */", "empty statement", line: 2, column: 13)
        expectSyntaxError(" ;", "empty statement", line: 1, column: 2)
    }

    // MARK: - Expressions

    @Test func precedence() throws {
        let cases: [(String, String)] = [
            ("1 + 2 * 3", "(+ 1 (* 2 3))"),
            ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
            ("1 - 2 - 3", "(- (- 1 2) 3)"),
            ("a / b % c * d", "(* (% (/ a b) c) d)"),
            ("NOT a = b", "(NOT (= a b))"),
            ("NOT a AND b", "(AND (NOT a) b)"),
            ("NOT NOT a", "(NOT (NOT a))"),
            ("a OR b AND c", "(OR a (AND b c))"),
            ("a AND b OR c", "(OR (AND a b) c)"),
            ("a OR b OR c", "(OR (OR a b) c)"),
            ("a = b IS NULL", "(IS NULL (= a b))"),
            ("NOT a IS NOT NULL", "(NOT (IS NOT NULL a))"),
            ("a + 1 IS NULL AND b", "(AND (IS NULL (+ a 1)) b)"),
            ("a < b + 1", "(< a (+ b 1))"),
            ("a != b", "(<> a b)"),
            ("a <> b AND c >= d", "(AND (<> a b) (>= c d))"),
            ("a || b || c", "||(||(a, b), c)"),
            ("a || b = c", "(= ||(a, b) c)"),
            ("a + b || c * d", "||((+ a b), (* c d))"),
            ("x IN (1, 2) = y", "(= (IN x 1 2) y)"),
            ("x + 1 NOT IN (1, a + 2)", "(NOT IN (+ x 1) 1 (+ a 2))"),
            ("x BETWEEN 1 AND 2 AND y", "(AND (BETWEEN x 1 2) y)"),
            ("x NOT BETWEEN a + 1 AND b * 2 OR z", "(OR (NOT BETWEEN x (+ a 1) (* b 2)) z)"),
            ("x LIKE 'a%' OR x NOT ILIKE 'b' || c", "(OR (LIKE x 'a%') (NOT ILIKE x ||('b', c)))"),
            ("a = b LIKE c", "(= a (LIKE b c))"),
            ("-a * b", "(* (- a) b)"),
            ("-x::int", "(- (CAST x int))"),
            ("- 2 * 3", "(* -2 3)"),
            ("+a - +b", "(- a b)"),
            ("a::int + 1", "(+ (CAST a int) 1)"),
            ("a::int::text", "(CAST (CAST a int) text)"),
            ("(a)", "a"),
            ("((a + b))", "(+ a b)"),
        ]
        expectTrees(cases)
    }

    @Test func literals() throws {
        let cases: [(String, String)] = [
            ("NULL", "NULL"), ("true", "TRUE"), ("FALSE", "FALSE"), ("12", "12"), ("007", "7"), ("1.5", "1.5"),
            (".5", "0.5"), ("1e3", "1000.0"), ("1.5E-2", "0.015"), ("1.", "1"), ("00.50", "0.50"), ("'it''s'", "'it's'"), ("''", "''"),
            ("DATE '2024-01-02'", "DATE '2024-01-02'"), ("timestamp '2024-01-02 03:04:05'",
                                                        "TIMESTAMP '2024-01-02 03:04:05'"),
            ("date", "date"), ("date(x)", "date(x)"), ("t.date", "t.date"),
        ]
        expectTrees(cases)
    }

    @Test func integerLimitsAndNegativeLiterals() throws {
        let cases: [(String, SQLLiteral)] = [
            ("9223372036854775807", .integer(.max)),
            ("9223372036854775808", .exactDecimal(9_223_372_036_854_775_808, precision: 19, scale: 0)),
            ("-9223372036854775808", .integer(.min)),
            ("-9223372036854775809", .exactDecimal(-9_223_372_036_854_775_809, precision: 19, scale: 0)),
            ("- 9223372036854775807", .integer(-.max)),
            ("-1.5", .exactDecimal(-15, precision: 2, scale: 1)),
            ("0.06", .exactDecimal(6, precision: 3, scale: 2)),
            ("12345678901234567890.123456789012345678", .exactDecimal(12_345_678_901_234_567_890_123_456_789_012_345_678, precision: 38, scale: 18)),
            ("1234567890123456789012345678901234567.89", .decimal(1.234_567_890_123_456_789_012_345_678_901_234_567_89e36)),
            ("-.5e1", .decimal(-5)),
            ("-(1)", .integer(-1)),
            ("- -1", .integer(1)),
            ("- -9223372036854775808", .exactDecimal(9_223_372_036_854_775_808, precision: 19, scale: 0)),
            ("123456789012345678901234567890", .exactDecimal(123_456_789_012_345_678_901_234_567_890, precision: 30, scale: 0)),
            ("1234567890123456789012345678901234567890", .decimal(1.234_567_890_123_456_789_012_345_678_901_234_567_890e39)),
        ]
        for (text, literal) in cases {
            guard case let .literal(value, location) = try expressionNode(text) else {
                Issue.record("\(text) is not a literal")
                continue
            }
            #expect(value == literal, "\(text)")
            #expect(location.column == 8, "\(text)")
        }
        #expect(try expression("-a") == "(- a)")
        #expect(try expression("-'1'") == "(- '1')")
        expectSyntaxError("SELECT 1e400", "number out of range", line: 1, column: 8)
        expectSyntaxError("SELECT -" + String(repeating: "9", count: 400), "number out of range", line: 1, column: 9)
    }

    @Test func casts() throws {
        let cases: [(String, String)] = [
            ("CAST(a AS BIGINT)", "(CAST a BIGINT)"),
            ("cast(a + 1 as double precision)", "(CAST (+ a 1) double precision)"),
            ("CAST(a AS DECIMAL(10, 2))", "(CAST a DECIMAL(10,2))"),
            ("CAST(a AS timestamp with time zone)", "(CAST a timestamp with time zone)"),
            ("CAST(a AS date)", "(CAST a date)"),
            ("a::varchar", "(CAST a varchar)"),
            ("a::VARCHAR(20)", "(CAST a VARCHAR(20))"),
            ("a::double precision", "(CAST a double precision)"),
            ("(a + b)::double", "(CAST (+ a b) double)"),
            ("'1'::int", "(CAST '1' int)"),
        ]
        expectTrees(cases)
        // After `::` a word that does not continue a type is an alias.
        #expect(try parseSelect("SELECT a::int b FROM t").rendered == "SELECT (CAST a int) AS b FROM t")
        expectSyntaxError("SELECT CAST(a AS)", #"expected a type name, found ")""#, line: 1, column: 17)
        expectSyntaxError("SELECT CAST(a, int)", #"expected "AS", found ",""#, line: 1, column: 14)
        expectSyntaxError("SELECT CAST(a AS int", #"expected ")", found end of input"#, line: 1, column: 21)
        expectSyntaxError("SELECT a::DECIMAL(10, x)", #"expected an integer, found identifier "x""#, line: 1,
                          column: 23)
        expectSyntaxError("SELECT a::DECIMAL(1, 2, 3)", #"expected ")", found ",""#, line: 1, column: 23)
        expectSyntaxError("SELECT a::", "expected a type name, found end of input", line: 1, column: 11)
    }

    @Test func caseExpressions() throws {
        #expect(try expression("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END")
            == "(CASE (WHEN (> a 1) 'x') (WHEN (> a 0) 'y') (ELSE 'z'))")
        #expect(try expression("case a + 1 when 1 then 'one' when 2 then 'two' end")
            == "(CASE (+ a 1) (WHEN 1 'one') (WHEN 2 'two'))")
        #expect(try expression("CASE WHEN a THEN CASE WHEN b THEN 1 END END")
            == "(CASE (WHEN a (CASE (WHEN b 1))))")
        expectSyntaxError("SELECT CASE END", #"expected "WHEN", found "END""#, line: 1, column: 13)
        expectSyntaxError("SELECT CASE WHEN a 1 END", #"expected "THEN", found number 1"#, line: 1, column: 20)
        expectSyntaxError("SELECT CASE WHEN a THEN b c END", #"expected "WHEN", "ELSE" or "END", found identifier "c""#,
                          line: 1, column: 27)
        expectSyntaxError("SELECT CASE WHEN a THEN b ELSE c", #"expected "END", found end of input"#, line: 1,
                          column: 33)
    }

    @Test func functionCalls() throws {
        let cases: [(String, String)] = [
            ("count(*)", "count(*)"),
            ("COUNT(DISTINCT a)", "COUNT(DISTINCT a)"),
            ("count(ALL a)", "count(a)"),
            ("sum(a + 1)", "sum((+ a 1))"),
            ("now()", "now()"),
            ("coalesce(a, b, 0)", "coalesce(a, b, 0)"),
            ("left(s, 2) || right(s, 1)", "||(left(s, 2), right(s, 1))"),
            (#""My Func"(1)"#, "My Func(1)"),
            ("first(a)", "first(a)"),
        ]
        expectTrees(cases)
        expectSyntaxError("SELECT count(*, a)", #"expected an expression, found "*""#, line: 1, column: 14)
        expectSyntaxError("SELECT f(a b)", #"expected ")", found identifier "b""#, line: 1, column: 12)
        expectTrees([
            ("sum(a) OVER (PARTITION BY b)", "sum(a) OVER (PARTITION BY b)"),
            ("row_number() over (partition by a, b order by c desc, d)",
             "row_number() OVER (PARTITION BY a, b; ORDER BY c DESC, d)"),
            ("count(*) OVER w", "count(*) OVER (w)"),
            ("lag(a, 2, 0) OVER (w ORDER BY t)", "lag(a, 2, 0) OVER (w; ORDER BY t)"),
            ("sum(a) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
             "sum(a) OVER (ORDER BY t; ROWS 2 PRECEDING CURRENT ROW)"),
            ("min(a) OVER (ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND 1.5 FOLLOWING)",
             "min(a) OVER (ORDER BY t; RANGE UNBOUNDED PRECEDING 1.5 FOLLOWING)"),
            ("max(a) OVER (ROWS UNBOUNDED PRECEDING)", "max(a) OVER (ROWS UNBOUNDED PRECEDING CURRENT ROW)"),
            ("1 + rank() OVER ()", "(+ 1 rank() OVER ())"),
        ])
        expectSyntaxError("SELECT sum(a) OVER (ROWS BETWEEN 1 AND 2) FROM t", #"expected "FOLLOWING", found "AND""#,
                          line: 1, column: 36)
        expectSyntaxError("SELECT lower(a) FILTER (WHERE a) FROM t", "FILTER applies to aggregate functions only", line: 1, column: 17)
    }

    @Test func predicates() throws {
        let cases: [(String, String)] = [
            ("a IS NULL", "(IS NULL a)"),
            ("a is not null", "(IS NOT NULL a)"),
            ("a IN (1)", "(IN a 1)"),
            ("a NOT IN ('x', 'y')", "(NOT IN a 'x' 'y')"),
            ("a BETWEEN 1 AND 10", "(BETWEEN a 1 10)"),
            ("a LIKE 'x%'", "(LIKE a 'x%')"),
            ("a ILIKE 'x%'", "(ILIKE a 'x%')"),
            ("a NOT LIKE 'x%'", "(NOT LIKE a 'x%')"),
        ]
        expectTrees(cases)
        expectSyntaxError("SELECT a IS 1", #"expected "NULL", found number 1"#, line: 1, column: 13)
        expectSyntaxError("SELECT a IN 1", #"expected "(", found number 1"#, line: 1, column: 13)
        expectSyntaxError("SELECT a IN ()", #"expected an expression, found ")""#, line: 1, column: 14)
        expectSyntaxError("SELECT a BETWEEN 1 OR 2", #"expected "AND", found "OR""#, line: 1, column: 20)
        expectSyntaxError("SELECT a NOT b", #"expected end of statement, found "NOT""#, line: 1, column: 10)
    }

    @Test func subqueriesInExpressions() {
        expectTrees([
            ("(SELECT 1)", "(SUBQUERY (SELECT 1))"),
            ("a IN (SELECT b FROM u)", "(IN a (SELECT b FROM u))"),
            ("a NOT IN (  SELECT b\n FROM u )", "(NOT IN a (SELECT b FROM u))"),
            ("exists(SELECT 1)", "(EXISTS (SELECT 1))"),
            ("NOT EXISTS (WITH c AS (SELECT 1) SELECT * FROM c)", "(NOT (EXISTS (WITH c AS (SELECT 1) SELECT * FROM c)))"),
            ("a > ANY (SELECT b FROM u)", "(> ANY a (SELECT b FROM u))"),
            ("a <= some (SELECT b FROM u)", "(<= ANY a (SELECT b FROM u))"),
            ("a = ALL (SELECT b FROM u) AND c", "(AND (= ALL a (SELECT b FROM u)) c)"),
            ("((SELECT 1)) + 1", "(+ (SUBQUERY (SELECT 1)) 1)"),
            ("exists + 1", "(+ exists 1)"),
            ("any(x)", "any(x)"),
        ])
        expectSyntaxError("SELECT abs(SELECT 1)", "a subquery as an argument needs its own parentheses", line: 1,
                          column: 12)
        expectSyntaxError("SELECT a IN (SELECT 1", #"expected ")", found end of input"#, line: 1, column: 22)
    }

    @Test func parameters() throws {
        let (statement, count) = try SQLParser.parseWithParameters("SELECT ? + ? FROM t WHERE a = ? LIMIT ?")
        guard case let .select(select) = statement else {
            Issue.record("not a query")
            return
        }
        #expect(select.rendered == "SELECT (+ $1 $2) FROM t WHERE (= a $3) LIMIT $4")
        #expect(count == 4)
        let numbered = try SQLParser.parseWithParameters("SELECT $2, $1, $2 FROM t WHERE a = $5")
        #expect(numbered.parameterCount == 5)
        #expect(try expression("$3 * $3") == "(* $3 $3)")
        #expect(try SQLParser.parseWithParameters("SELECT 1").parameterCount == 0)
        expectSyntaxError("SELECT ?, $1", "cannot mix ? and $n parameters", line: 1, column: 11)
        expectSyntaxError("SELECT $1 + ?", "cannot mix ? and $n parameters", line: 1, column: 13)
    }

    // MARK: - Locations and errors

    @Test func locationsOfNodes() throws {
        let select = try parseSelect("""
            SELECT t.a + b * 2, count(DISTINCT c), x IS NULL, x NOT IN (1), CASE WHEN y THEN 1 END,
              CAST(z AS int), z::int, -5, NOT w, x BETWEEN 1 AND 2, x LIKE 'a', a || b, *, t.*
            FROM t
            """)
        let columns = select.items.map { item -> Int in
            switch item {
            case let .expr(expr, _): expr.location.column
            case let .star(_, location): location.column
            }
        }
        #expect(columns == [12, 21, 42, 53, 65, 3, 20, 27, 31, 40, 59, 71, 77, 80])
        #expect(select.items.map { item in
            if case let .expr(expr, _) = item { return expr.location.line } else { return 2 }
        } == [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2])
        guard case let .expr(.binary(_, left, right, _), _) = select.items[0] else {
            Issue.record("not a binary")
            return
        }
        #expect(left.location == SourceLocation(line: 1, column: 8, offset: 7))
        #expect(right.location.column == 16)
        guard case let .table(_, _, location)? = select.from else {
            Issue.record("not a table")
            return
        }
        #expect(location == SourceLocation(line: 3, column: 6, offset: 176))
    }

    @Test func expectedMessagesPointAtTheFoundToken() {
        expectSyntaxError("SELECT a FROM t WHERE", "expected an expression, found end of input", line: 1, column: 22)
        expectSyntaxError("SELECT a FROM t WHERE", "expected an expression, found end of input", line: 1, column: 22)
        let error = parseError("SELECT a FROM t WHERE")
        #expect(error?.message == """
            syntax error at line 1, column 22: expected an expression, found end of input
            SELECT a FROM t WHERE
                                 ^
            """)
        expectSyntaxError("SELECT a\nFROM t\nWHERE a = )", #"expected an expression, found ")""#, line: 3, column: 11)
        expectSyntaxError("SELECT a\r\nFROM t\r\nWHERE a = )", #"expected an expression, found ")""#, line: 3,
                          column: 11)
        expectSyntaxError("SELECT a FROM t GROUP a", #"expected "BY", found identifier "a""#, line: 1, column: 23)
        expectSyntaxError("SELECT a FROM t ORDER BY a NULLS", #"expected "FIRST" or "LAST", found end of input"#,
                          line: 1, column: 33)
        expectSyntaxError("SELECT (a + 1", #"expected ")", found end of input"#, line: 1, column: 14)
        expectSyntaxError("SELECT 'naïve' = = 1", #"expected an expression, found "=""#, line: 1, column: 18)
        expectSyntaxError("SELECT t.", "expected a column name, found end of input", line: 1, column: 10)
        expectSyntaxError("SELECT a, FROM t", #"expected an expression, found "FROM""#, line: 1, column: 11)
    }

    @Test func lexerErrorsComeInTextOrder() {
        // A parse error before the lexer's wins; the lexer's wins once the parser gets there, even at the very start
        // or after a whole statement (the lexer's own messages are checked in SQLLexerTests).
        expectSyntaxError("SELECT FROM 'x", #"expected an expression, found "FROM""#, line: 1, column: 8)
        expectSyntaxError("SELECT 1 'x", "unterminated string", line: 1, column: 10)
        expectSyntaxError("#", "unexpected character \"#\"", line: 1, column: 1)
        expectSyntaxError("SELECT 1;\n/* x", "unterminated block comment", line: 2, column: 1)
    }

    // MARK: - Limits and robustness

    @Test func deepNestingIsAnErrorNotACrash() {
        func parens(_ depth: Int) -> String {
            "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        }
        func subqueries(_ depth: Int) -> String {
            "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: depth) + "t"
                + String(repeating: ")", count: depth)
        }
        let expression = "expression nested too deeply"
        let query = "subqueries nested too deeply"
        // (statement, the start of its error or nil when it parses). The query and the select item take two levels.
        let cases: [(String, String?)] = [
            (parens(254), nil),
            (parens(255), "syntax error at line 1, column 263: " + expression),
            (parens(100_000), "syntax error at line 1, column 263: " + expression),
            ("SELECT " + String(repeating: "NOT ", count: 254) + "a", nil),
            ("SELECT " + String(repeating: "NOT ", count: 255) + "a", expression),
            ("SELECT " + String(repeating: "- ", count: 300) + "1", expression),
            ("SELECT " + String(repeating: "+", count: 300) + "1", expression),
            ("SELECT " + String(repeating: "f(", count: 300) + String(repeating: ")", count: 300), expression),
            ("SELECT " + String(repeating: "CASE WHEN a THEN ", count: 300) + "1"
                + String(repeating: " END", count: 300), expression),
            (subqueries(255), nil),
            (subqueries(256), query),
            (String(repeating: "WITH c AS (", count: 300) + "SELECT 1" + String(repeating: ") SELECT 1", count: 300),
             query),
        ]
        // On an 8 MiB stack (a main thread's), so that the nesting count, not the stack guard, sets the limit.
        let statements = cases.map(\.0)
        let errors = onThread(stackSize: 8 << 20) { statements.map { parseError($0)?.message } }
        for ((sql, expected), error) in zip(cases, errors) {
            if let expected {
                #expect(error?.hasPrefix(expected) == true || error?.contains(": " + expected + "\n") == true,
                        "\(sql.prefix(30)): \(error ?? "parsed")")
            } else {
                #expect(error == nil, "\(sql.prefix(30))")
            }
        }
    }

    @Test func longOperatorChainsAreLimitedByTreeHeight() throws {
        func chain(_ terms: Int) -> String {
            "SELECT " + (0..<terms).map { "a = \($0)" }.joined(separator: " OR ")
        }
        #expect(parseError(chain(999)) == nil)
        #expect(parseError(chain(1_001))?.message.contains("expression nested too deeply") == true)
        #expect(parseError("SELECT " + Array(repeating: "1", count: 50_000).joined(separator: " + "))?.message
            .contains("expression nested too deeply") == true)
        // Lists are flat, so long ones are fine.
        let list = (0..<20_000).map(String.init).joined(separator: ", ")
        #expect(parseError("SELECT a IN (\(list)), f(\(list)) FROM t") == nil)
    }

    @Test func smallStacksGetTheNestingErrorNotACrash() {
        // Secondary threads and the cooperative pool have 512 KiB stacks on macOS, and unoptimised frames are large:
        // deep statements must parse or fail with the nesting error there, never overflow the stack.
        func nested(_ depth: Int) -> [String] {
            let closing = String(repeating: ")", count: depth)
            let parens = "SELECT " + String(repeating: "(", count: depth) + "1" + closing
            let nots = "SELECT " + String(repeating: "NOT ", count: depth) + "a"
            let calls = "SELECT " + String(repeating: "f(", count: depth) + "1" + closing
            let subqueries = "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: depth) + "t" + closing
            return [parens, nots, calls, subqueries]
        }
        let chain = "SELECT " + (0..<999).map { "a = \($0)" }.joined(separator: " OR ")
        let statements = nested(50) + nested(250) + [chain]
        let results = onThread(stackSize: 512 << 10) {
            statements.map { parseError($0).map { String($0.message.prefix { $0 != "\n" }) } ?? "parsed" }
        }
        for (sql, result) in zip(statements, results) {
            let allowed = result == "parsed" || result.hasSuffix("nested too deeply")
            #expect(allowed, "\(sql.prefix(30)): \(result)")
        }
        // The shallow ones and the long chain parse even there.
        #expect(results.prefix(4).allSatisfy { $0 == "parsed" }, "\(results.prefix(4))")
        #expect(results.last == "parsed")
    }

    @Test func truncatedAndMutatedStatementsNeverCrash() {
        let statements = [
            "SELECT a, b + 1 AS c, count(*) FROM t WHERE a > 1 AND b IS NOT NULL GROUP BY a, b HAVING count(*) > 2 "
                + "ORDER BY a DESC NULLS LAST LIMIT 10 OFFSET 5;",
            "WITH x (p, q) AS (SELECT 1, 'two') SELECT DISTINCT * FROM x WHERE p IN (1, 2, 3) OR q LIKE 'a%'",
            "EXPLAIN ANALYZE SELECT CASE WHEN a BETWEEN 1 AND 2 THEN 'x' ELSE 'y' END FROM read_parquet('d/*.parquet')",
            "SELECT CAST(a AS DECIMAL(10, 2)), b::double precision, -9223372036854775808, 1.5e-3, .5 FROM t",
            "SELECT \"Quoted \"\"name\"\"\", 'it''s' || x, $1, $2 FROM read_csv('f.csv', header = true) AS r",
            "SELECT t.*, DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00' FROM (SELECT * FROM u) t -- end",
            "SELECT a /* inline */ FROM t WHERE NOT (a <> 1 OR b != 2) AND c NOT BETWEEN ? AND ? OFFSET 1 LIMIT 2",
            "SELECT count(DISTINCT a), sum(b) FILTER (WHERE c) FROM t UNION SELECT 1",
            "select lower(name) ilike '%é%', x % 3 * 2 / 1 - -1 from t order by 1 nulls first",
            "SELECT CASE x WHEN 1 THEN 'one' END, coalesce(a, b) FROM t WHERE a NOT IN (SELECT 1)",
        ]
        var checked = 0
        for sql in statements {
            let bytes = Array(sql.utf8)
            for end in 0...bytes.count {
                checkNeverCrashes(String(decoding: bytes[..<end], as: UTF8.self))
                checked += 1
            }
        }
        // Mutations at scattered places, chosen by a multiplicative hash so that every run makes the same ones.
        let alphabet = Array("()'\",.;:*+-/%|=<>!?$ \n\t-_aZ09éSELECTFROMWHERE".utf8)
        for round in 0..<600 {
            var bytes = Array(statements[round % statements.count].utf8)
            for edit in 0...(round % 4) {
                let hash = UInt64(round * 4 + edit + 1) &* 0x9E37_79B9_7F4A_7C15
                let position = Int((hash >> 20) % UInt64(bytes.count))
                switch (hash >> 8) % 3 {
                case 0: bytes[position] = alphabet[Int((hash >> 40) % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8(truncatingIfNeeded: hash >> 56), at: position)
                }
                if bytes.isEmpty { bytes = [0x20] }
            }
            checkNeverCrashes(String(decoding: bytes, as: UTF8.self))
            checked += 1
        }
        #expect(checked > 1_500)
    }
}

/// Runs `body` on a new thread with a stack of `stackSize` bytes and returns its result.
private func onThread<Result: Sendable>(stackSize: Int, _ body: @escaping @Sendable () -> Result) -> Result {
    let done = DispatchSemaphore(value: 0)
    let box = Box<Result>()
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    guard let value = box.value else { preconditionFailure("the thread returned nothing") }
    return value
}

/// A value handed from a thread to the one that waits for it.
private final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?

    var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Parses `sql`, which must give a statement or a syntax error that names a line and shows a caret.
private func checkNeverCrashes(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    guard let error = parseError(sql) else { return }
    #expect(error.code == .invalidArgument, sourceLocation: sourceLocation)
    #expect(error.message.hasPrefix("syntax error at line "), sourceLocation: sourceLocation)
    #expect(error.line != nil, sourceLocation: sourceLocation)
    #expect(error.message.hasSuffix("^"), "\(sql)", sourceLocation: sourceLocation)
}

