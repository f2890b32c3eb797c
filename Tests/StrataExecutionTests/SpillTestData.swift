import StrataCore
import StrataStorage
@testable import StrataExecution

/// Batches and directories for the spill tests.
enum SpillTestData {
    /// A schema with one column of every type.
    static let everyTypeSchema = Schema(unchecked: everyType.enumerated().map { Field("c\($0.offset)_\($0.element.storage)", $0.element) })

    /// Every type, with a narrow and a wide decimal.
    static let everyType: [DataType] = [.bool, .int32, .int64, .float, .double, .string, .date, .timestamp,
                                        .decimal(precision: 15, scale: 2), .decimal(precision: 38, scale: 6),
                                        .timestampNanos, .blob, .time]

    /// Strings that exercise the encoding: empty, ASCII, multi-byte UTF-8.
    static let strings = ["", "a", "héllo wörld", "日本語のテキスト", "emoji 🦀✓", "", "longer ASCII value number 7"]

    /// A batch of `rows` rows with a column of every type; every third row is null when `nulls` is set.
    static func everyType(rows: Int, nulls: Bool, seed: Int = 0) throws -> Batch {
        let validity = nulls ? ValidityMask((0..<rows).map { ($0 + seed) % 3 != 0 }) : nil
        let columns = try everyType.map { type throws -> Column in
            let data: ColumnData
            switch type {
            case .bool: data = .bool((0..<rows).map { ($0 + seed) & 1 == 0 })
            case .int32, .date: data = .int32((0..<rows).map { Int32(truncatingIfNeeded: ($0 + seed) &* 7919) })
            case .int64, .timestamp, .timestampNanos: data = .int64((0..<rows).map { scrambled($0 + seed) })
            case .time: data = .int64((0..<rows).map { Int64(($0 + seed) &* 7_919_000) % 86_400_000_001 })
            case .decimal where type.isWideDecimal:
                data = .int128((0..<rows).map { Int128(scrambled($0 + seed)) * 1_000_000_007 })
            case .decimal: data = .int64((0..<rows).map { scrambled($0 + seed) % 1_000_000_000_000_000 })
            case .float: data = .float((0..<rows).map { Float($0 + seed) * 0.25 })
            case .double: data = .double((0..<rows).map { Double(scrambled($0 + seed) % 1_000_000) / 7 })
            case .string:
                data = .string(try StringBuffer((0..<rows).map { strings[($0 + seed) % strings.count] }))
            case .blob:
                var blobs = ColumnBuilder(type: .blob, capacity: rows)
                for i in 0..<rows {
                    try blobs.append(.blob((0..<((i + seed) % 5)).map {
                        UInt8(truncatingIfNeeded: scrambled(i + $0 + seed))
                    }))
                }
                data = blobs.finish().data
            }
            return try Column(type: type, data: data, validity: validity)
        }
        return try Batch(schema: everyTypeSchema, columns: columns)
    }

    /// Incompressible 64-bit values.
    static func scrambled(_ i: Int) -> Int64 {
        var x = UInt64(truncatingIfNeeded: i) &+ 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int64(bitPattern: x ^ (x >> 31))
    }

    /// Writes `batches` as one run and reads it back.
    static func roundTrip(_ batches: [Batch], manager: SpillManager,
                          label: String = "test") throws -> (run: SpillRun, read: [Batch]) {
        let writer = try manager.createRun(label: label)
        for batch in batches { try writer.write(batch) }
        let run = try writer.finish()
        return (run, try readAll(run))
    }

    /// Every batch of `run`.
    static func readAll(_ run: SpillRun) throws -> [Batch] {
        let reader = try run.open()
        var batches: [Batch] = []
        while let batch = try reader.next() { batches.append(batch) }
        return batches
    }
}

/// A fresh directory for one test, removed when the value is dropped.
final class SpillTestDirectory {
    /// The directory's path.
    let path = "/tmp/strata-spill-test-\(FileSystem.randomHex(12))"

    init() throws { try FileSystem.createDirectory(path) }

    deinit { try? FileSystem.removeTree(path) }

    /// Names of the entries below the directory, recursively, relative to it.
    func contents() throws -> [String] {
        var found: [String] = []
        func walk(_ relative: String) throws {
            for name in try FileSystem.list(path + relative) {
                let child = relative + "/" + name
                found.append(child)
                if FileSystem.kind(of: path + child).isDirectory { try walk(child) }
            }
        }
        try walk("")
        return found
    }
}
