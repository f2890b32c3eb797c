import Testing
@testable import StrataExecution
import StrataCore
import StrataTestSupport

@Suite struct JoinHashTableTests {
    /// Probes every key of a table of 100,000 rows (string and integer keys, duplicates and NULLs) and checks each
    /// probe row's matches, in row order, against a dictionary of the build rows.
    @Test func everyKeyFindsExactlyItsRows() throws {
        let rows = 100_000
        var generator = SplitMix64(seed: 42)
        let ints: [Value] = (0..<rows).map { _ in
            let v = Int64(generator.next() % 30_000)
            return v % 97 == 0 ? .null : .int64(v)
        }
        let strings: [Value] = (0..<rows).map { _ in .string("k\(generator.next() % 7)") }
        let batch = try Batch(schema: try Schema([Field("a", .int64), Field("b", .string)]),
                              columns: [try Column(type: .int64, values: ints),
                                        try Column(type: .string, values: strings)])
        let encoder = KeyEncoder(types: [.int64, .string])
        let table = JoinHashTable(batch, keyCount: 2, encoder: encoder, tracksMatches: false)
        #expect(table.nullKeyRows == ints.filter { $0 == .null }.count)

        var expected: [[Value]: [UInt32]] = [:]
        for row in 0..<rows where ints[row] != .null {
            expected[[ints[row], strings[row]], default: []].append(UInt32(row))
        }
        // Probe with the build rows themselves, in slices as the join does.
        let keys = EncodedKeys()
        var probeOut = [UInt32](repeating: 0, count: 1024)
        var buildOut = [UInt32](repeating: 0, count: 1024)
        var start = 0
        while start < rows {
            let end = min(rows, start + 16_384)
            encoder.encode(batch.columns, rows: start..<end, into: keys)
            var found = [[UInt32]](repeating: [], count: end - start)
            var cursor = JoinHashTable.Cursor()
            while cursor.row < end - start {
                let n = probeOut.withUnsafeMutableBufferPointer { p in
                    buildOut.withUnsafeMutableBufferPointer { b in
                        table.probe(keys, eligible: nil, firstMatchOnly: false, cursor: &cursor,
                                    probeOut: p.baseAddress!, buildOut: b.baseAddress!, capacity: 1024)
                    }
                }
                for i in 0..<n { found[Int(probeOut[i])].append(buildOut[i]) }
            }
            for i in 0..<(end - start) {
                let row = start + i
                let want = ints[row] == .null ? [] : expected[[ints[row], strings[row]]] ?? []
                #expect(found[i] == want, "row \(row)")
                if found[i] != want { return }
            }
            start = end
        }
    }
}
