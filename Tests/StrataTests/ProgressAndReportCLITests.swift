import Foundation
import Testing
import StrataTestSupport

/// What a person sees of a long query: the progress line on a terminal (through a pseudo-terminal made by
/// `script`), and the performance report rendered by headless Chromium.
@Suite(.serialized) struct ProgressAndReportCLITests {
    /// A store whose table `t` has 150,000 rows of nearly distinct string keys: grouping them at a 32 MiB limit
    /// spills.
    static func store(_ dir: TempDirectory) throws -> String {
        var text = "k,v\n"
        var random = SplitMix64(seed: 11)
        for i in 0..<150_000 { text += "key-\(random.next() % 10_000_000)-\(random.next() % 100_000),\(i)\n" }
        let csv = dir.path("keys.csv")
        try TestFiles.write(text, to: csv)
        let store = dir.path("store")
        CSVImportCLITests.expectSuccess(try StrataCLI.run(["import", csv, "--store", store, "--table", "t", "--quiet"]),
                                        "import")
        return store
    }

    static let query = "SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k ORDER BY n DESC, k LIMIT 3"

    /// `text` quoted for `sh`.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs `strata arguments…` with a pseudo-terminal as its stdin, stdout and stderr (`script -q -e -c`) and
    /// returns what the terminal received.
    static func onTerminal(_ arguments: [String]) throws -> StrataCLI.Result {
        let command = ([try StrataCLI.executable()] + arguments).map(quoted).joined(separator: " ")
        return try StrataCLI.run(executable: "/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"],
                                 timeout: 120)
    }

    @Test func aLongQueryDrawsAProgressLineOnlyOnATerminal() throws {
        let dir = try TempDirectory("strata-progress")
        let store = try Self.store(dir)
        let spill = dir.path("spill")
        try FileManager.default.createDirectory(atPath: spill, withIntermediateDirectories: true)
        let limits = ["--memory-limit", "32MiB", "--threads", "2", "--spill-dir", spill]

        let terminal = try Self.onTerminal(["sql", store, Self.query] + limits + ["--timer"])
        #expect(terminal.status == 0, "\(terminal)")
        let screen = terminal.stdout
        let frames = screen.components(separatedBy: "\r\u{1B}[2K").dropFirst().filter { !$0.isEmpty }
        #expect(frames.count >= 2, "no progress line was drawn: \(screen.debugDescription)")
        for frame in frames.dropLast() {
            #expect(frame.hasPrefix("[") && frame.contains("% · ") && frame.contains("memory "), "\(frame)")
            #expect(frame.count <= 79, "the line fits the terminal: \(frame)")
        }
        #expect(frames.contains { $0.contains("spilled ") }, "the spill shows: \(frames)")
        // The line is erased before the result prints: after the last erase comes the table alone.
        let last = try #require(screen.range(of: "\r\u{1B}[2K", options: .backwards))
        let after = String(screen[last.upperBound...])
        #expect(after.hasPrefix("┌") && after.contains("3 rows") && !after.contains("memory "), "\(after)")
        #expect(after.contains("Run Time: ") && after.contains("spilled "), "--timer's line: \(after)")

        let forcedOff = try Self.onTerminal(["sql", store, Self.query, "--no-progress"] + limits)
        #expect(forcedOff.status == 0 && !forcedOff.stdout.contains("\u{1B}[2K"), "\(forcedOff)")
        #expect(forcedOff.stdout.contains("3 rows"))
        let csvToTerminal = try Self.onTerminal(["sql", store, Self.query, "--format", "csv"] + limits)
        #expect(!csvToTerminal.stdout.contains("\u{1B}[2K"), "rows stream to the terminal: no line over them")
        let piped = try StrataCLI.run(["sql", store, Self.query] + limits)
        #expect(piped.status == 0 && piped.stderr.isEmpty, "no terminal, no line: \(piped)")
        let forcedOn = try StrataCLI.run(["sql", store, Self.query, "--progress"] + limits)
        #expect(forcedOn.stderr.contains("\r\u{1B}[2K["), "--progress draws even without a terminal: \(forcedOn)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spill).isEmpty, "spill files left behind")
    }

    /// Debian's chromium (installed by scripts/setup.sh), or nil.
    static func chromium() -> String? {
        let candidates = [ProcessInfo.processInfo.environment["STRATA_CHROMIUM"], "/usr/bin/chromium",
                          "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs headless Chromium on `page` with `options` (`--dump-dom`, `--screenshot=…`).
    static func chromium(_ browser: String, _ options: [String], page: String, profile: String) throws
        -> StrataCLI.Result {
        try StrataCLI.run(executable: browser, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                "--user-data-dir=\(profile)", "--window-size=1200,2000"]
                            + options + ["file://" + page], timeout: 120)
    }

    @Test func theReportRendersInABrowserWithEveryPart() throws {
        guard let browser = Self.chromium() else {
            Issue.record("chromium not found: scripts/setup.sh installs Debian's chromium package")
            return
        }
        let dir = try TempDirectory("strata-report")
        let store = try Self.store(dir)
        let report = dir.path("report.html")
        let run = try StrataCLI.run(["sql", store, Self.query, "--memory-limit", "32MiB", "--threads", "2",
                                     "--profile", report])
        #expect(run.status == 0, "\(run)")
        let json = dir.path("report.json")
        #expect(try StrataCLI.run(["sql", store, Self.query, "--memory-limit", "32MiB", "--threads", "2",
                                   "--profile", json]).status == 0)
        let profile = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
            as? [String: Any]
        let operators = (profile?["operators"] as? [Any])?.count ?? -1
        #expect(operators >= 3, "the JSON profile lists the operators")

        let dom = try Self.chromium(browser, ["--dump-dom"], page: report, profile: dir.path("chromium"))
        #expect(dom.status == 0, "\(dom.stderr)")
        let html = dom.stdout
        #expect(html.contains("<h1>Strata performance report</h1>"))
        #expect(html.contains(Self.query.replacingOccurrences(of: ">", with: "&gt;")), "the query text")
        for part in ["summary", "task-stream", "memory", "spill", "plan"] {
            #expect(html.contains("<section id=\"\(part)\">"), "\(part) is not on the page")
        }
        // The task stream has bars on both workers; memory has the RSS line and the limit; spill has its lines.
        #expect(html.components(separatedBy: "<rect class=\"task\"").count > 10)
        #expect(html.contains("worker 0") && html.contains("worker 1"))
        #expect(html.contains("class=\"rss\"") && html.contains("class=\"limit\"") && html.contains("class=\"reserved\""))
        #expect(html.contains("class=\"spill-written\"") && html.contains("class=\"spill-read\""), "it spilled")
        #expect(html.components(separatedBy: "data-operator=").count - 1 == operators, "one box per operator")
        #expect(html.contains("32.0 MiB") && html.contains("Machine"), "the options and the machine")

        let png = dir.path("report.png")
        let shot = try Self.chromium(browser, ["--screenshot=\(png)"], page: report, profile: dir.path("chromium"))
        #expect(shot.status == 0, "\(shot.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 20_000, "a picture: \(bytes.count) bytes")
    }
}
