import StrataCore
import Testing
@testable import StrataExecution

/// The estimating aggregates on their own: fixed memory however many values pass, estimates close to the exact
/// answers, and states that merge (as they do between workers and through spill files) without losing accuracy.
@Suite struct ApproxAggregateTests {
    /// `count` int64 values in batches of 65,536, value `i` being `f(i)`, all of group 0.
    static func feed(_ accumulator: any Accumulator, _ range: Range<Int>, _ f: (Int) -> Int64) throws {
        accumulator.resize(groups: 1)
        let zeros = [UInt32](repeating: 0, count: 65_536)
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + 65_536)
            let column = Column(unchecked: .int64, data: .int64((start..<end).map(f)), validity: nil)
            try zeros.withUnsafeBufferPointer { ids in
                guard let base = ids.baseAddress else { return }
                try accumulator.update([column], rows: 0..<(end - start), groupIds: base)
            }
            start = end
        }
    }

    /// Moves `source`'s state into `target` (as a worker's table is merged, or a spilled partition read back).
    static func merge(_ source: any Accumulator, into target: any Accumulator) throws {
        let states = try source.states(nil)
        target.resize(groups: 1)
        let ids: [UInt32] = [0]
        try ids.withUnsafeBufferPointer { ids in
            guard let base = ids.baseAddress else { return }
            try target.merge(states: states[...], rows: 0..<1, groupIds: base)
        }
    }

    static func value(_ column: Column) -> Double? {
        switch column.value(at: 0) {
        case let .int64(v): Double(v)
        case let .double(v): v
        default: nil
        }
    }

    @Test(arguments: [10, 1_000, 100_000, 2_000_000])
    func hyperLogLogCountsWithinAFewPercentInFourKiB(distinct: Int) throws {
        let whole = HyperLogLogAccumulator(type: .int64)
        // Every value three times, in a scrambled order.
        try Self.feed(whole, 0..<(3 * distinct)) { Int64(($0 &* 7_919) % distinct) }
        #expect(whole.byteCount < 64 << 10 + 16 << 20, "\(whole.byteCount) bytes")
        let estimate = try #require(Self.value(try whole.finalize(groups: 1)))
        let error = abs(estimate - Double(distinct)) / Double(distinct)
        #expect(error < (distinct <= 1_000 ? 0.01 : 0.05), "\(estimate) for \(distinct) distinct values")
        // Split in two and merged: the same registers, so the same estimate.
        let left = HyperLogLogAccumulator(type: .int64), right = HyperLogLogAccumulator(type: .int64)
        try Self.feed(left, 0..<(2 * distinct)) { Int64(($0 &* 7_919) % distinct) }
        try Self.feed(right, (2 * distinct)..<(3 * distinct)) { Int64(($0 &* 7_919) % distinct) }
        try Self.merge(right, into: left)
        let again = HyperLogLogAccumulator(type: .int64)
        try Self.feed(again, 0..<(3 * distinct)) { Int64(($0 &* 7_919) % distinct) }
        #expect(try Self.value(left.finalize(groups: 1)) == Self.value(again.finalize(groups: 1)))
    }

    @Test func theSampleIsExactWhenSmallAndCloseWhenLarge() throws {
        // 5,000 values: all kept, so quantile_cont's exact answer.
        for q in [0.0, 0.25, 0.5, 0.9, 1.0] {
            let small = ApproxQuantileAccumulator(quantile: q)
            let exact = QuantileAccumulator(quantile: q)
            try Self.feed(small, 0..<5_000) { Int64(($0 &* 31) % 5_000) * 3 }
            try Self.feed(exact, 0..<5_000) { Int64(($0 &* 31) % 5_000) * 3 }
            #expect(try Self.value(small.finalize(groups: 1)) == Self.value(exact.finalize(groups: 1)), "q = \(q)")
        }
        // 3,000,000 values 0…2,999,999 in a scrambled order: the median is 1,499,999.5; the sample's is within
        // about 1 % of the rows, and the memory held stays at most two samples' pairs.
        let large = ApproxQuantileAccumulator(quantile: 0.5)
        var most = 0
        for part in 0..<6 {
            try Self.feed(large, (part * 500_000)..<((part + 1) * 500_000)) { Int64(($0 &* 1_000_003) % 3_000_000) }
            most = max(most, large.byteCount)
        }
        #expect(most <= 2 * ApproxQuantileAccumulator.sampleSize * 16 + 64, "\(most) bytes held")
        let median = try #require(Self.value(try large.finalize(groups: 1)))
        #expect(abs(median - 1_499_999.5) < 0.03 * 3_000_000, "median \(median)")
        // Two halves merged: still a uniform sample of the whole.
        let left = ApproxQuantileAccumulator(quantile: 0.9), right = ApproxQuantileAccumulator(quantile: 0.9)
        try Self.feed(left, 0..<1_000_000) { Int64($0) }
        try Self.feed(right, 1_000_000..<3_000_000) { Int64($0) }
        try Self.merge(right, into: left)
        let q90 = try #require(Self.value(try left.finalize(groups: 1)))
        #expect(abs(q90 - 2_699_999.1) < 0.03 * 3_000_000, "q90 \(q90) after merging unequal halves")
    }

    @Test func corruptStatesAreErrors() throws {
        let hll = HyperLogLogAccumulator(type: .int64)
        hll.resize(groups: 1)
        let short = Column(unchecked: .blob, data: .string(try StringBuffer(offsets: [0, 3], bytes: [1, 2, 3])),
                           validity: nil)
        let ids: [UInt32] = [0]
        try ids.withUnsafeBufferPointer { ids in
            let base = try #require(ids.baseAddress)
            #expect(throws: StrataError.self) { try hll.merge(states: [short][...], rows: 0..<1, groupIds: base) }
            let sample = ApproxQuantileAccumulator(quantile: 0.5)
            sample.resize(groups: 1)
            #expect(throws: StrataError.self) { try sample.merge(states: [short][...], rows: 0..<1, groupIds: base) }
        }
    }
}
