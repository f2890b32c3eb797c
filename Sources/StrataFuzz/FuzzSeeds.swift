import Foundation
import StrataCore
import StrataExecution

/// Seed inputs the fuzz harnesses cannot get from Python (`Tests/fuzz/make_corpus.py` writes the others):
/// `strata-fuzz seeds spill FOLDER` writes valid spill runs, each prefixed with its frame count as the `spill`
/// harness expects.
enum FuzzSeeds {
    /// Writes the `spill` seeds into `folder`: an empty run, a run of one small batch, one of three batches with
    /// nulls, and one of a 2000-row batch.
    static func spill(into folder: String) throws {
        let manager = SpillManager(directory: folder)
        defer { manager.cleanup() }
        let shapes: [[(rows: Int, nulls: Bool)]] = [[], [(3, false)], [(5, true), (1, false), (40, true)],
                                                    [(2000, true)]]
        for (index, shape) in shapes.enumerated() {
            let writer = try manager.createRun(label: "seed")
            for (offset, part) in shape.enumerated() {
                try writer.write(try batch(rows: part.rows, nulls: part.nulls, seed: offset))
            }
            let run = try writer.finish()
            let reader = try run.open()
            var frames = 0
            while try reader.next() != nil { frames += 1 }
            let bytes = [UInt8(frames)] + (try readFile(run.path))
            try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/seed-\(index).spill"))
            run.delete()
        }
    }

    /// A batch under ``FuzzHarness/spillSchema``; every third row is null when `nulls` is set.
    private static func batch(rows: Int, nulls: Bool, seed: Int) throws -> Batch {
        var builders = FuzzHarness.spillSchema.fields.map { ColumnBuilder(type: $0.type, capacity: rows) }
        let words = ["", "a", "héllo", "日本語", "longer ASCII value"]
        for row in 0..<rows {
            let n = row &+ seed
            if nulls && n % 3 == 0 {
                for index in builders.indices { builders[index].appendNull() }
                continue
            }
            try builders[0].append(.bool(n & 1 == 0))
            try builders[1].append(.int32(Int32(truncatingIfNeeded: n &* 7919)))
            try builders[2].append(.int64(Int64(n) &* 1_000_003))
            try builders[3].append(.float(Float(n) * 0.25))
            try builders[4].append(.double(Double(n) / 7))
            try builders[5].append(.string(words[n % words.count]))
            try builders[6].append(.decimal(Int128(n) * 10_000_000_000_007, precision: 38, scale: 4))
            try builders[7].append(.blob((0..<(n % 4)).map { UInt8(truncatingIfNeeded: n &+ $0) }))
        }
        return try Batch(schema: FuzzHarness.spillSchema, columns: builders.map { $0.finish() })
    }

    private static func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StrataError(.io, "cannot read \(path)", path: path)
        }
        return Array(data)
    }
}
