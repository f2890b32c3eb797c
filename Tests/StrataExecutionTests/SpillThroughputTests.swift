#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore
import Testing
@testable import StrataExecution

/// Write and read throughput of 1e7 rows (int64, double, short strings) in batches of 65,536 rows.
/// Run with `STRATA_SLOW_TESTS=1 swift test -c release --filter SpillThroughput`.
@Suite(.enabled(if: getenv("STRATA_SLOW_TESTS") != nil))
struct SpillThroughputTests {
    @Test func tenMillionRows() throws {
        let rows = 10_000_000, batchRows = 1 << 16
        let schema = Schema(unchecked: [Field("id", .int64), Field("price", .double), Field("code", .string)])
        let words = ["AB", "XYZ", "delta", "q", "omega-7", "", "north", "sud-ouest"]
        let batches = try stride(from: 0, to: rows, by: batchRows).map { start -> Batch in
            let range = start ..< min(start + batchRows, rows)
            let strings = try StringBuffer(range.map { words[Int(SpillTestData.scrambled($0) & 7)] + "\($0 % 100)" })
            return try Batch(schema: schema, columns: [
                try Column(type: .int64, data: .int64(range.map { Int64($0) * 3 })),
                try Column(type: .double,
                           data: .double(range.map { Double(SpillTestData.scrambled($0) % 100_000) / 100 })),
                try Column(type: .string, data: .string(strings)),
            ])
        }
        let inMemory = batches.reduce(0) { $0 + $1.byteCount }
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let clock = ContinuousClock()
        var run: SpillRun?
        let writeTime = try clock.measure {
            let writer = try manager.createRun(label: "throughput")
            for batch in batches { try writer.write(batch) }
            run = try writer.finish()
        }
        let finished = try #require(run)
        var readRows = 0
        let readTime = try clock.measure {
            let reader = try finished.open()
            while let batch = try reader.next() { readRows += batch.count }
        }
        #expect(readRows == rows)
        func rate(_ duration: Duration) -> String {
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            return "\(Int(Double(finished.uncompressedBytes) / seconds / 1e6)) MB/s"
        }
        print("""
            spill throughput: \(rows) rows, \(inMemory / 1_000_000) MB in memory, \
            \(finished.uncompressedBytes / 1_000_000) MB serialized, \(finished.bytes / 1_000_000) MB on disk; \
            write \(writeTime) (\(rate(writeTime)) serialized), read \(readTime) (\(rate(readTime)) serialized)
            """)
    }
}
