import Foundation
import Strata

/// A fresh, uniquely named directory under the system temp directory, removed when the value is released.
final class TempDirectory: @unchecked Sendable {
    let path: String

    init(_ label: String = "strata-test") throws {
        let base = NSTemporaryDirectory().isEmpty ? "/tmp" : NSTemporaryDirectory()
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        path = root + "/\(label)-\(getpid())-\(UUID().uuidString.prefix(12).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func path(_ relative: String) -> String { path + "/" + relative }
}

/// Paths of repository files, found from this source file (`Tests/StrataTests/Support/`).
enum RepoPaths {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `Fixtures/sample/trips.parquet`: 20,000 rows.
    static var trips: String { root + "/Fixtures/sample/trips.parquet" }
    static let tripsRows: Int64 = 20_000

    static func parquetFixture(_ name: String) -> String { root + "/Fixtures/parquet/" + name }

    /// The `strata` executable built next to the test bundle (`swift build --build-tests` builds both), or nil.
    static func strataExecutable() -> String? {
        var candidates: [String] = []
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().path + "/strata")
        }
        if let url = Bundle.main.executableURL {
            candidates.append(url.deletingLastPathComponent().path + "/strata")
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().path + "/strata")
        candidates.append(root + "/.build/debug/strata")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Every batch of a cursor.
func drain(_ cursor: consuming BatchCursor) throws -> [Batch] {
    var cursor = cursor
    var batches: [Batch] = []
    while let batch = try cursor.next() { batches.append(batch) }
    return batches
}

/// The rows of `batches`, one column concatenated per field of `schema`.
func concatenate(_ batches: [Batch], schema: Schema) throws -> Batch {
    try Batch(schema: schema, columns: schema.fields.indices.map { c in
        try Column.concatenate(batches.map { $0.columns[c] }, type: schema.fields[c].type)
    })
}

/// The first row where two batches differ (NaN equals NaN), or nil.
func firstDifference(_ expected: Batch, _ actual: Batch) -> String? {
    guard expected.schema.fields.map(\.name) == actual.schema.fields.map(\.name),
          expected.schema.fields.map(\.type) == actual.schema.fields.map(\.type)
    else { return "schema \(actual.schema), expected \(expected.schema)" }
    guard expected.count == actual.count else { return "\(actual.count) rows, expected \(expected.count)" }
    for (c, field) in expected.schema.fields.enumerated() {
        let a = expected.columns[c], b = actual.columns[c]
        if a.values != b.values {
            let row = (0..<a.count).first { a.value(at: $0) != b.value(at: $0) } ?? -1
            return "column \(field.name) row \(row): \(row >= 0 ? b.value(at: row) : .null), expected \(row >= 0 ? a.value(at: row) : .null)"
        }
    }
    return nil
}
