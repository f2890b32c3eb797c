import StrataTestSupport
import Foundation

/// Paths of repository files, found from this source file's location (`Tests/StrataStorageTests/Support/`).
enum RepoPaths {
    /// The package root.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, StrataStorageTests, Tests, root
        return url.path
    }()

    /// `Fixtures/parquet`.
    static var parquetFixtures: String { root + "/Fixtures/parquet" }
    /// `Fixtures/sample/trips.parquet` (20,000 rows).
    static var tripsSample: String { root + "/Fixtures/sample/trips.parquet" }
    /// `Tests/interop/check_parquet.py`.
    static var interopChecker: String { root + "/Tests/interop/check_parquet.py" }

    /// `Fixtures/parquet/<name>`.
    static func parquetFixture(_ name: String) -> String { parquetFixtures + "/" + name }
}

/// The Parquet fixtures, split by what their `.schema.json` says: readable (a JSON array of columns) or rejected
/// (an object with `expect_error`).
enum ParquetFixtures {
    /// Base names (without `.parquet`) of every fixture that has a `.schema.json`, sorted.
    static let all: [String] = {
        Files.list(RepoPaths.parquetFixtures)
            .filter { $0.hasSuffix(".parquet") }
            .map { String($0.dropLast(".parquet".count)) }
            .filter { FileManager.default.fileExists(atPath: RepoPaths.parquetFixture($0 + ".schema.json")) }
    }()

    static let readable: [String] = all.filter { !isReject($0) }
    static let rejected: [String] = all.filter { isReject($0) }

    private static func isReject(_ name: String) -> Bool {
        guard let text = try? String(contentsOfFile: RepoPaths.parquetFixture(name + ".schema.json"), encoding: .utf8),
              let json = try? JSON.parse(text)
        else { return false }
        if case .object = json { return true }
        return false
    }
}
