@testable import StrataExecution
import Testing

/// Selection finds the same quantile as sorting the whole group, for every shape of group.
@Suite struct QuantileSelectionTests {
    /// The quantile of `values` by sorting (NaN last), the way the accumulator used to compute it.
    static func bySorting(_ values: [Double], _ quantile: Double) -> Double {
        let sorted = values.filter { !$0.isNaN }.sorted() + values.filter(\.isNaN)
        return sorted.withUnsafeBufferPointer { QuantileAccumulator.interpolate($0, quantile) }
    }

    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    @Test func matchesSortingOnRandomGroups() {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<2_000 {
            let count = 1 + trial % 300
            let distinct = trial % 3 == 0 ? 5 : 1_000_000
            var values = (0..<count).map { _ in Double(Int.random(in: 0..<distinct, using: &generator)) / 7 }
            if trial % 5 == 0 { values[Int.random(in: 0..<count, using: &generator)] = .nan }
            if trial % 11 == 0 { values = values.sorted() }
            if trial % 13 == 0 { values = values.sorted(by: >) }
            for quantile in [0, 0.1, 0.25, 0.5, 0.9, 0.99, 1] {
                var work = values
                let selected = work.withUnsafeMutableBufferPointer { QuantileSelection.quantile($0, quantile) }
                let expected = Self.bySorting(values, quantile)
                #expect(Self.same(selected, expected), "trial \(trial), q \(quantile): \(selected) vs \(expected)")
            }
        }
    }

    @Test func nansOrderLastAndEqualValuesTerminate() {
        var allNaN: [Double] = [.nan, .nan, .nan]
        #expect(allNaN.withUnsafeMutableBufferPointer { QuantileSelection.quantile($0, 0.5) }.isNaN)
        var oneNumber: [Double] = [.nan, 3, .nan]
        #expect(oneNumber.withUnsafeMutableBufferPointer { QuantileSelection.quantile($0, 0) } == 3)
        var equal = [Double](repeating: 2.5, count: 100_000)
        #expect(equal.withUnsafeMutableBufferPointer { QuantileSelection.quantile($0, 0.5) } == 2.5)
        var single: [Double] = [-1]
        #expect(single.withUnsafeMutableBufferPointer { QuantileSelection.quantile($0, 0.75) } == -1)
    }
}
