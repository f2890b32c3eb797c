import Testing

/// The SQL logic tests: every `Tests/sql/**/*.slt` file run against Strata's SQL engine under each configuration of
/// its matrix (expected results from DuckDB, written by `Tests/sql/complete.py`).
@Suite struct SQLLogicTests {
    @Test func everySLTFileIsFound() {
        let files = SLTFile.all()
        #expect(files.count >= 10)
        #expect(files.contains { $0.relativePath == "Tests/sql/basic/select.slt" })
        #expect(files.allSatisfy { !$0.records.isEmpty })
    }

    @Test(arguments: SLTFile.all())
    func runSLTFile(_ file: SLTFile) throws {
        for error in file.errors {
            Issue.record(Comment(rawValue: "\(file.relativePath):\(error.line): \(error.message)"),
                         sourceLocation: file.sourceLocation(line: error.line))
        }
        guard file.errors.isEmpty else { return }
        let runner = SLTRunner(root: RepoPaths.root, makeEngine: makeStrataSLTEngine(threads:pool:))
        let failures: [SLTFailure]
        do {
            failures = try runner.run(file)
        } catch let skip as SLTSkip {
            // The engine is not available yet: a known issue, so the suite stays green until it is wired.
            withKnownIssue(Comment(rawValue: "\(file.relativePath): \(skip.reason)")) { throw skip }
            return
        }
        for failure in failures {
            Issue.record(Comment(rawValue: failure.description),
                         sourceLocation: file.sourceLocation(line: failure.line))
        }
    }
}
