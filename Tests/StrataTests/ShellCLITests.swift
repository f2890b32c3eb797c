import Foundation
import Strata
import Testing

/// `strata shell` as a person sees it: each dot-command through piped input and through a session in a
/// pseudo-terminal (prompts, line editing, the history file). Query results are compared with DuckDB's.
@Suite struct ShellCLITests {
    static let people = RepoPaths.root + "/Fixtures/sql/data/people.parquet"
    static let cities = RepoPaths.root + "/Fixtures/sql/data/cities.csv"

    /// A store with `people` and `cities` (from the SQL fixtures).
    private static func store(in directory: TempDirectory) throws -> String {
        let path = directory.path("s.store")
        let database = try Database(path: path, createIfMissing: true)
        _ = try database.importParquet(from: people, into: "people")
        _ = try database.importCSV(from: cities, into: "cities")
        return path
    }

    /// Runs the shell over `store` with `input` piped in.
    private func piped(_ store: String, _ input: String) throws -> StrataCLI.Result {
        try StrataCLI.run(["shell", store], stdin: Data(input.utf8), environment: ["STRATA_HISTORY": ""])
    }

    /// `strata shell store` in a pseudo-terminal typing `lines` (each followed by Return; `\u{1b}[A` is the up
    /// arrow), then Ctrl-D: what the terminal showed, and the exit status.
    private func interactive(_ store: String, _ lines: [String], history: String) throws -> (String, Int) {
        try interactiveCommand(["env", "STRATA_HISTORY=\(history)", "COLUMNS=120", try StrataCLI.executable(),
                                "shell", store], lines.map { $0 + "\r" })
    }

    /// DuckDB's line mode for `sql`'s rows: `name = value`, names right-aligned to at least 5, blank lines between.
    private func lineMode(_ sql: String) throws -> String {
        let csv = try DuckDBOracle.csv(sql).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let names = csv[0]
        let width = names.reduce(5) { max($0, $1.utf8.count) }
        return csv.dropFirst().map { row in
            zip(names, row).map { String(repeating: " ", count: width - $0.utf8.count) + "\($0) = \($1)\n" }
                .joined()
        }.joined(separator: "\n")
    }

    /// The shell's history file as lines (libedit writes spaces and other characters as `\ooo` octal escapes).
    private func historyLines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").filter { $0 != "_HiStOrY_V2_" }.map { line in
            var out = "", chars = Array(line), i = 0
            while i < chars.count {
                if chars[i] == "\\", i + 3 < chars.count, let code = UInt8(String(chars[(i + 1)...(i + 3)]), radix: 8) {
                    out.append(Character(UnicodeScalar(code)))
                    i += 4
                } else {
                    out.append(chars[i])
                    i += 1
                }
            }
            return out
        }
    }

    // MARK: - Piped

    @Test func pipedDotCommands() throws {
        let directory = try TempDirectory()
        let store = try Self.store(in: directory)
        let database = try Database(path: store)
        let query = "SELECT city, count(*) AS n FROM people GROUP BY city ORDER BY n DESC, city"
        let duckQuery = query.replacingOccurrences(of: "FROM people", with: "FROM '\(Self.people)'")

        let help = try piped(store, ".help\n")
        for command in [".tables", ".schema", ".mode", ".output", ".read", ".timer", ".maxrows", ".quit"] {
            #expect(help.stdout.contains(command), "\(help)")
        }
        #expect(!help.stdout.contains("strata>"), "no prompt with piped input")

        let tables = try piped(store, ".tables\n")
        #expect(tables.stdout == (try database.tableNames()).map { $0 + "\n" }.joined(), "\(tables)")

        // .schema's CREATE TABLE, run in DuckDB, gives the columns DuckDB reads from the same file.
        let schema = try piped(store, ".schema people\n")
        #expect(schema.status == 0 && schema.stdout.hasPrefix("CREATE TABLE people("), "\(schema)")
        let created = try DuckDBOracle.csv("SELECT column_name, column_type FROM (DESCRIBE people)",
                                           setup: [schema.stdout])
        #expect(created == (try DuckDBOracle.csv("SELECT column_name, column_type FROM (DESCRIBE '\(Self.people)')")))
        let all = try piped(store, ".schema\n")
        #expect(all.stdout.split(separator: "\n").count == (try database.tableNames()).count, "\(all)")

        let csv = try piped(store, ".mode csv\n\(query);\n")
        #expect(csv.stdout == (try DuckDBOracle.csv(duckQuery)), "\(csv)")
        let json = try piped(store, ".mode json\nSELECT id, name FROM people WHERE id <= 3 ORDER BY id;\n")
        #expect(json.stdout.split(separator: "\n").count == 3 && json.stdout.hasPrefix("{\"id\":1,"), "\(json)")
        let line = try piped(store, ".mode line\nSELECT id, name, city FROM people WHERE id <= 3 ORDER BY id;\n")
        #expect(line.stdout == (try lineMode("SELECT id, name, city FROM '\(Self.people)' WHERE id <= 3 ORDER BY id")),
                "\(line)")

        let timer = try piped(store, ".timer on\nSELECT 1;\n.timer off\nSELECT 2;\n")
        #expect(timer.stderr.components(separatedBy: "Run Time: ").count == 2, "\(timer)")

        let limited = try piped(store, ".maxrows 6\nSELECT id FROM people ORDER BY id;\n")
        let shown = limited.stdout.split(separator: "\n").filter {
            Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "│ "))) != nil
        }
        #expect(shown.count == 6 && limited.stdout.contains("60 rows (6 shown)"), "\(limited)")

        let file = directory.path("out.txt")
        let output = try piped(store, ".output \(file)\n.mode csv\n\(query);\n.tables\n.output\nSELECT 7 AS seven;\n")
        #expect(output.stdout == "seven\n7\n", "\(output)")
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written == (try DuckDBOracle.csv(duckQuery)) + (try database.tableNames()).map { $0 + "\n" }.joined())

        let script = directory.path("script.sql")
        try ".mode csv\n-- a comment\n\(query);\nSELECT 8 AS eight\n".write(toFile: script, atomically: true,
                                                                                encoding: .utf8)
        let read = try piped(store, ".read \(script)\nSELECT 9 AS nine;\n")
        #expect(read.stdout == (try DuckDBOracle.csv(duckQuery)) + "eight\n8\nnine\n9\n", "\(read)")

        let quit = try piped(store, ".mode csv\nSELECT 1 AS one;\n.quit\nSELECT 2 AS two;\n")
        #expect(quit.stdout == "one\n1\n" && quit.status == 0, "\(quit)")
        let exit = try piped(store, ".exit\nSELECT 2 AS two;\n")
        #expect(exit.stdout.isEmpty && exit.status == 0, "\(exit)")

        let bad = try piped(store, ".mode xml\n.nothing\nSELECT 3 AS three;\n")
        #expect(bad.status == 1 && bad.stderr.contains("usage: .mode") && bad.stderr.contains("unknown command"))
        #expect(bad.stdout.contains("three"), "the shell goes on after a failed command")
    }

    @Test func pipedShellWithoutAStoreKeepsTablesForTheSession() throws {
        let scratch = try TempDirectory()
        let input = ".mode csv\nCREATE TABLE t AS SELECT * FROM '\(Self.cities)';\n.tables\n"
            + "SELECT count(*) AS n FROM t;\n"
        let result = try StrataCLI.run(["shell"], stdin: Data(input.utf8),
                                       environment: ["TMPDIR": scratch.path, "STRATA_HISTORY": ""])
        let rows = try DuckDBOracle.csv("SELECT count(*) AS Count FROM '\(Self.cities)'")
        #expect(result.stdout == rows + "t\n" + rows.replacingOccurrences(of: "Count", with: "n"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    // MARK: - In a terminal

    @Test func interactiveSessionInATerminal() throws {
        let directory = try TempDirectory()
        let store = try Self.store(in: directory)
        let history = directory.path("history")
        let file = directory.path("out.csv")
        let script = directory.path("script.sql")
        try "SELECT 'from the script' AS origin;\n".write(toFile: script, atomically: true, encoding: .utf8)
        let (screen, status) = try interactive(store, [
            "SELECT count(*) AS n,",
            "  max(age) AS oldest FROM people;",
            ".tables",
            "\u{1b}[A",  // the up arrow brings back .tables
            ".schema cities",
            ".mode line",
            "SELECT id, name FROM people WHERE id = 2;",
            ".mode table",
            ".maxrows 4",
            "SELECT id FROM people ORDER BY id;",
            ".timer on",
            "SELECT 1 AS one;",
            ".timer off",
            ".output \(file)",
            "SELECT 5 AS five;",
            ".output",
            ".read \(script)",
            ".help",
        ], history: history)
        #expect(status == 0, "\(screen)")
        #expect(screen.contains("strata> SELECT count(*) AS n,\n   ...>   max(age) AS oldest FROM people;"), "\(screen)")
        let counts = try DuckDBOracle.rows("SELECT count(*), max(age) FROM '\(Self.people)'")
        let (n, oldest) = (try #require(counts.first?[0] as? Int), try #require(counts.first?[1] as? Int))
        #expect(screen.split(separator: "\n").contains { $0.contains(" \(n) │ ") && $0.hasSuffix(" \(oldest) │") },
                "\(screen)")
        let tableList = (try Database(path: store).tableNames()).joined(separator: "\n")
        #expect(screen.components(separatedBy: ".tables\n" + tableList).count == 3, "listed twice: \(screen)")
        #expect(screen.contains("CREATE TABLE cities("), "\(screen)")
        #expect(screen.contains(try lineMode("SELECT id, name FROM '\(Self.people)' WHERE id = 2")), "\(screen)")
        #expect(screen.contains("60 rows (4 shown)"), "\(screen)")
        #expect(screen.contains("Run Time: "), "\(screen)")
        #expect(!screen.contains("│    5 │"), "the result went to the file")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("five"))
        #expect(screen.contains("from the script"), "\(screen)")
        #expect(screen.contains(".maxrows N"), "\(screen)")
        // The history file holds the statements and commands as typed, the recalled one once more.
        let lines = try historyLines(history)
        // A statement typed over two lines is one entry, so the up arrow brings all of it back.
        #expect(lines.first == "SELECT count(*) AS n,   max(age) AS oldest FROM people;", "\(lines)")
        #expect(lines.contains(".help") && !lines.contains("  max(age) AS oldest FROM people;"), "\(lines)")
        #expect(lines.filter { $0 == ".tables" }.count == 1, "consecutive duplicates are kept once: \(lines)")

        // A new session recalls the last line of the previous one with the up arrow.
        let (again, _) = try interactive(store, ["\u{1b}[A"], history: history)
        #expect(again.contains(".maxrows N"), "\(again)")
    }

    @Test func ctrlCAtThePromptLeavesAndRestoresTheTerminal() throws {
        let directory = try TempDirectory()
        let store = try Self.store(in: directory)
        // `stty -g` before and after the shell, which Ctrl-C ends while the line editor holds the terminal.
        let script = "stty -g; STRATA_HISTORY= '\(try StrataCLI.executable())' shell '\(store)'; echo \"exit=$?\"; "
            + "stty -g; echo 'strata> '; sleep 1"
        let (screen, _) = try interactiveCommand(["bash", "-c", script], ["SELECT 1 AS a,\u{3}"])
        let modes = screen.split(separator: "\n").filter { $0.contains(":") && !$0.contains(" ") }
        #expect(screen.contains("exit=130"), "\(screen)")
        #expect(modes.count == 2 && modes[0] == modes[1], "terminal modes before and after: \(modes)\n\(screen)")
    }

    /// `command` in a pseudo-terminal typing `keys` (as is, no Return added) after each prompt.
    private func interactiveCommand(_ command: [String], _ keys: [String]) throws -> (String, Int) {
        let steps = String(decoding: try JSONSerialization.data(withJSONObject: keys), as: UTF8.self)
        let result = try StrataCLI.run(executable: "/usr/bin/env",
                                       ["python3", RepoPaths.root + "/Tests/tools/pty_session.py",
                                        steps, "--"] + command, timeout: 120)
        try #require(result.status == 0, "\(result)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return ((object?["transcript"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n"),
                object?["status"] as? Int ?? -1)
    }
}
