import StrataCore

// String concatenation: `concat(a, b, …)` and `a || b`.
//
// 1. The binder has cast every argument to text.
// 2. `||` is NULL when either side is; `concat` skips NULL arguments (all NULL gives the empty string), as in
//    DuckDB.
// 3. One pass per row appends each argument's bytes to the output buffer; constants are read once.

/// The concatenation kernel.
enum Concat {
    /// Concatenates `args` row by row; `strict` makes any NULL argument give NULL.
    static func evaluate(_ args: [Vector], strict: Bool, count: Int) throws(StrataError) -> Vector {
        let constant = args.allSatisfy(\.isConstant)
        let rows = constant ? 1 : count
        var buffers: [StringBuffer] = []
        var constants: [Bool] = []
        var validity: [ValidityMask?] = []
        for arg in args {
            guard case let .string(buffer) = arg.column.data else {
                throw StrataError(.internal, "concat got a \(arg.type) argument")
            }
            buffers.append(buffer)
            constants.append(arg.isConstant)
            validity.append(arg.column.validity)
        }
        if strict, args.contains(where: \.isNullConstant) { return .null(.string) }
        let words: [UInt64]? = strict ? Vector.combinedWords(args) : nil
        var bytes: [UInt8] = []
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(rows + 1)
        bytes.reserveCapacity(buffers.reduce(0) { $0 + $1.bytes.count })
        for row in 0..<rows {
            if let words, (words[row >> 6] >> UInt64(row & 63)) & 1 == 0 {
                offsets.append(Int32(truncatingIfNeeded: bytes.count))
                continue
            }
            for k in buffers.indices {
                let i = constants[k] ? 0 : row
                if let mask = validity[k], !mask.isValid(i) { continue }
                bytes.append(contentsOf: buffers[k].bytes[buffers[k].range(i)])
            }
            guard bytes.count <= Int(Int32.max) else {
                throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
            }
            offsets.append(Int32(truncatingIfNeeded: bytes.count))
        }
        let out = try StringBuffer(offsets: offsets, bytes: bytes)
        return Vector.make(.string, .string(out), words: words, constant: constant)
    }
}
