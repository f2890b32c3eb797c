import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `approx_count_distinct(x)`: a HyperLogLog estimate of the distinct non-null values, in fixed memory per group
/// (4 KiB), so it never holds the values themselves (SUMMARIZE's `approx_unique` uses it).
///
/// 1. Each value is encoded as a group key (``KeyEncoder``, so equal values of any type encode alike; 4,096 rows at a
///    time) and hashed (``KeyHasher``). The top 12 bits choose one of 4,096 registers; the register keeps the largest position of the
///    first 1-bit in the other 52 bits (leading zeros + 1).
/// 2. Merging two sketches (workers, spilled partitions) takes the larger of each pair of registers; the state
///    column is one 4,096-byte blob per group.
/// 3. The estimate is α·m²/Σ2^−register (Flajolet et al.); while it is at most 2.5·m and some registers are zero,
///    linear counting m·ln(m/zeros) is used instead, which is nearly exact for small counts. The standard error
///    is about 1.04/√4096 ≈ 1.6 %.
final class HyperLogLogAccumulator: Accumulator {
    /// Register index bits.
    static let precision = 12
    /// Registers per group.
    static let registers = 1 << precision

    private let encoder: KeyEncoder
    private let scratch = EncodedKeys()
    /// `registers` bytes per group, group after group.
    private var sketches: [UInt8] = []
    private var groupCount = 0

    init(type: DataType) { encoder = KeyEncoder(types: [type]) }

    var resultType: DataType { .int64 }
    var stateTypes: [DataType] { [.blob] }
    var byteCount: Int { StateArray.bytes(sketches) + scratch.byteCount }

    /// Rows encoded at once: the scratch of encoded values stays this small whatever the batch size (with one
    /// accumulator per column and worker, as in SUMMARIZE, slice-sized scratches would add up to tens of MiB).
    static let encodeRows = 4_096

    func projectedBytes(groups: Int, rows: Int) -> Int {
        StateArray.projected(sketches, count: max(groupCount, groups) * Self.registers) + scratch.byteCount
            + min(rows, Self.encodeRows) * (encoder.fixedWidth + 40)
    }

    func resize(groups: Int) {
        guard groups > groupCount else { return }
        StateArray.extend(&sketches, to: groups * Self.registers, with: 0)
        groupCount = groups
    }

    /// Step 1 for one hash.
    @inline(__always)
    private static func add(_ hash: UInt64, group: Int, into sketches: UnsafeMutableBufferPointer<UInt8>) {
        let register = Int(hash >> UInt64(64 - precision))
        let rest = hash << UInt64(precision)
        let rank = UInt8(min(64 - precision, rest.leadingZeroBitCount) + 1)
        let slot = group * registers + register
        if sketches[slot] < rank { sketches[slot] = rank }
    }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = arguments.first else {
            throw StrataError(.internal, "approx_count_distinct without an argument")
        }
        let validity = column.validity
        var chunkStart = rows.lowerBound
        while chunkStart < rows.upperBound {
            let chunk = chunkStart..<min(rows.upperBound, chunkStart + Self.encodeRows)
            let first = chunkStart - rows.lowerBound  // index of the chunk's first row in `ids`
            encoder.encode([column], rows: chunk, into: scratch)
            scratch.bytes.withUnsafeBytes { encoded in
                sketches.withUnsafeMutableBufferPointer { sketches in
                    guard let base = encoded.baseAddress else { return }
                    var i = 0
                    for r in chunk {
                        defer { i += 1 }
                        if let validity, !validity.isValid(r) { continue }
                        let start = scratch.offsets[i]
                        let hash = KeyHasher.hash(base + start, count: scratch.offsets[i + 1] - start)
                        Self.add(hash, group: Int(ids[first + i]), into: sketches)
                    }
                }
            }
            chunkStart = chunk.upperBound
        }
    }

    func states(_ groups: [Int]?) throws(StrataError) -> [Column] {
        [try StateArray.blobColumn(groups ?? Array(0..<groupCount), aggregate: "approx_count_distinct") { group, bytes in
            bytes.append(contentsOf: sketches[group * Self.registers ..< (group + 1) * Self.registers])
        }]
    }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        try sketches.withUnsafeMutableBufferPointer { (sketches) throws(StrataError) in
            let target = sketches
            try StateArray.forEachBlob(states, rows: rows, groupIds: ids, aggregate: "approx_count_distinct") {
                (group, state) throws(StrataError) in
                guard state.count == Self.registers else {
                    throw StrataError(.corrupt, "approx_count_distinct state of \(state.count) bytes, not \(Self.registers)")
                }
                let offset = group * Self.registers
                for j in 0..<Self.registers {
                    let register = state[j]
                    if target[offset + j] < register { target[offset + j] = register }
                }
            }
        }
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        let m = Double(Self.registers)
        let alpha = 0.7213 / (1 + 1.079 / m)
        var estimates = [Int64](repeating: 0, count: groups)
        sketches.withUnsafeBufferPointer { sketches in
            for group in 0..<groups {
                var sum = 0.0
                var zeros = 0
                for j in 0..<Self.registers {
                    let register = sketches[group * Self.registers + j]
                    if register == 0 { zeros += 1 }
                    sum += 1 / Double(UInt64(1) << UInt64(register))
                }
                var estimate = alpha * m * m / sum
                if estimate <= 2.5 * m, zeros > 0 { estimate = m * log(m / Double(zeros)) }
                estimates[group] = Int64(estimate.rounded())
            }
        }
        return Column(unchecked: .int64, data: .int64(estimates), validity: nil)
    }

    func reset() {
        sketches = []
        groupCount = 0
    }
}
