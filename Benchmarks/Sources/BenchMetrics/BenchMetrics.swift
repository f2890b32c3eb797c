// What the ordo-one/benchmark suites share: the throughput metrics, the configuration, a timed call that records
// one throughput value per iteration, the checks of an iteration's result, and scratch directories.
import Benchmark
import Foundation

extension BenchmarkMetric {
    /// Throughput in MB (10⁶ bytes) per second.
    public static let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger,
                                                                  useScalingFactor: false)
    /// Throughput in thousands of rows per second.
    public static let kilorowsPerSecond = BenchmarkMetric.custom("krows/s", polarity: .prefersLarger,
                                                                 useScalingFactor: false)
    /// Compressed size in percent of the input.
    public static let compressedPercent = BenchmarkMetric.custom("compressed %", polarity: .prefersSmaller,
                                                                 useScalingFactor: false)
    /// Cost in nanoseconds per task.
    public static let nanosecondsPerTask = BenchmarkMetric.custom("ns/task", polarity: .prefersSmaller,
                                                                  useScalingFactor: false)
}

extension Benchmark.Configuration {
    /// Wall clock, peak resident memory and the custom metrics `extra` (printed unscaled); one warmup, then
    /// iterations for up to `seconds` (at most `iterations`).
    public static func micro(_ extra: BenchmarkMetric..., seconds: Int = 8, iterations: Int = 10) -> Self {
        .init(metrics: [.wallClock, .peakMemoryResident] + extra,
              units: Dictionary(uniqueKeysWithValues: extra.map { ($0, BenchmarkUnits.count) }), warmupIterations: 1,
              maxDuration: .seconds(seconds), maxIterations: iterations)
    }
}

/// An iteration's result that is not what the benchmark expected.
public struct WrongResult: Error, CustomStringConvertible {
    /// What was wrong.
    public let description: String
}

/// Throws ``WrongResult`` with `message` unless `condition` holds.
public func verify(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw WrongResult(description: message()) }
}

extension Benchmark {
    /// Runs one iteration's `body`; an error it throws (a failed ``verify(_:_:)`` included) fails the benchmark.
    public func iteration(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            self.error("\(name): \(error)")
        }
    }

    /// Runs `body` as the measured part of the iteration, timed with a `ContinuousClock`, and records
    /// `amount / seconds / scale` (rounded) as `metric`. Returns what `body` returned.
    public func measure<T>(_ metric: BenchmarkMetric, amount: Double, scale: Double,
                           _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        startMeasurement()
        let start = clock.now
        let result = try body()
        let elapsed = clock.now - start
        stopMeasurement()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds > 0 { measurement(metric, Int((amount / seconds / scale).rounded())) }
        return result
    }

    /// Like ``measure(_:amount:scale:_:)`` with `amount` in bytes, recorded as MB/s.
    public func measureBytes<T>(_ bytes: Int, _ body: () throws -> T) rethrows -> T {
        try measure(.megabytesPerSecond, amount: Double(bytes), scale: 1e6, body)
    }
}

/// A scratch directory below the temporary directory, unique to this process and `name` (not created).
public func scratchDirectory(_ name: String) -> String {
    NSTemporaryDirectory() + "strata-bench-\(ProcessInfo.processInfo.processIdentifier)-" + name
}

/// Creates the scratch directory `name` (empty) and returns its path.
public func makeScratchDirectory(_ name: String) throws -> String {
    let path = scratchDirectory(name)
    removeScratch(path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Deletes `path` and everything below it, if it exists.
public func removeScratch(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}
