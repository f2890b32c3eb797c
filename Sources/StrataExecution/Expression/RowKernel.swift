import StrataCore

// Drivers that run an element operation over whole operands.
//
// 1. The caller turns each operand into a typed buffer or a scalar (`Operand`, `StringOperand`).
// 2. A driver picks the reader types once (buffer or scalar on each side) and calls one generic loop, which the
//    compiler specialises for the operation and both readers, so the loop body has no dynamic dispatch.
// 3. The loop writes each result into an uninitialised array. An operation reports per row whether the result is
//    NULL (its validity bit is cleared; the words are created all-valid on first use) or an error; an error counts
//    only on a row whose inputs are valid, and the first such row is returned for the caller to throw.

/// What happened to one row of a kernel.
enum RowStatus {
    /// The result is a value.
    case ok
    /// The result is NULL (division by zero, …).
    case null
    /// The row fails (overflow, out of range, …).
    case error
}

/// An element operation on two inputs.
protocol PairOperation {
    associatedtype Left
    associatedtype Right
    associatedtype Output
    func apply(_ left: Left, _ right: Right) -> (Output, RowStatus)
}

/// An element operation on one input.
protocol UnaryOperation {
    associatedtype Input
    associatedtype Output
    func apply(_ value: Input) -> (Output, RowStatus)
}

/// The output of a kernel: values, validity words (`nil` = all valid) and the first failing valid row.
struct KernelOutput<Element> {
    var values: [Element]
    var words: [UInt64]?
    var failedRow: Int?
}

/// Records a non-`ok` status of row `i` (kept out of line: it is the rare path).
@inline(never)
private func record(_ status: RowStatus, row i: Int, count: Int, words: inout [UInt64]?, failed: inout Int?) {
    if status == .null {
        if words == nil { words = allValidWords(count) }
        words?[i >> 6] &= ~(1 << UInt64(i & 63))
    } else if status == .error, failed == nil {
        if let w = words, (w[i >> 6] >> UInt64(i & 63)) & 1 == 0 { return }
        failed = i
    }
}

/// Applies `op` to rows `0..<count` of two readers.
func pairLoop<Op: PairOperation, A: RowReader, B: RowReader>(
    _ op: Op, _ a: A, _ b: B, count: Int, words: [UInt64]?
) -> KernelOutput<Op.Output> where A.Element == Op.Left, B.Element == Op.Right {
    var words = words
    var failed: Int?
    let values = [Op.Output](unsafeUninitializedCapacity: count) { buffer, initialized in
        for i in 0..<count {
            let (value, status) = op.apply(a[i], b[i])
            buffer.initializeElement(at: i, to: value)
            if status != .ok { record(status, row: i, count: count, words: &words, failed: &failed) }
        }
        initialized = count
    }
    return KernelOutput(values: values, words: words, failedRow: failed)
}

/// Applies `op` to rows `0..<count` of one reader.
func unaryLoop<Op: UnaryOperation, A: RowReader>(
    _ op: Op, _ a: A, count: Int, words: [UInt64]?
) -> KernelOutput<Op.Output> where A.Element == Op.Input {
    var words = words
    var failed: Int?
    let values = [Op.Output](unsafeUninitializedCapacity: count) { buffer, initialized in
        for i in 0..<count {
            let (value, status) = op.apply(a[i])
            buffer.initializeElement(at: i, to: value)
            if status != .ok { record(status, row: i, count: count, words: &words, failed: &failed) }
        }
        initialized = count
    }
    return KernelOutput(values: values, words: words, failedRow: failed)
}

/// Applies `op` to two fixed-width operands (`count` is 1 when both are scalars).
func mapPairs<Op: PairOperation>(
    _ op: Op, _ left: Operand<Op.Left>, _ right: Operand<Op.Right>, count: Int, words: [UInt64]?
) -> KernelOutput<Op.Output> {
    switch (left, right) {
    case let (.array(a), .array(b)):
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                pairLoop(op, BufferReader(base: pa), BufferReader(base: pb), count: count, words: words)
            }
        }
    case let (.array(a), .scalar(s)):
        return a.withUnsafeBufferPointer { pa in
            pairLoop(op, BufferReader(base: pa), ScalarReader(value: s), count: count, words: words)
        }
    case let (.scalar(s), .array(b)):
        return b.withUnsafeBufferPointer { pb in
            pairLoop(op, ScalarReader(value: s), BufferReader(base: pb), count: count, words: words)
        }
    case let (.scalar(s), .scalar(t)):
        return pairLoop(op, ScalarReader(value: s), ScalarReader(value: t), count: count, words: words)
    }
}

/// Applies `op` to one fixed-width operand.
func mapValues<Op: UnaryOperation>(_ op: Op, _ input: Operand<Op.Input>, count: Int,
                                   words: [UInt64]?) -> KernelOutput<Op.Output> {
    switch input {
    case let .array(a):
        return a.withUnsafeBufferPointer { unaryLoop(op, BufferReader(base: $0), count: count, words: words) }
    case let .scalar(s):
        return unaryLoop(op, ScalarReader(value: s), count: count, words: words)
    }
}

/// Runs `body` with a reader over a string buffer's rows.
func withStringReader<R>(_ buffer: StringBuffer, _ body: (StringReader) -> R) -> R {
    buffer.bytes.withUnsafeBytes { bytes in
        buffer.offsets.withUnsafeBufferPointer { offsets in body(StringReader(bytes: bytes, offsets: offsets)) }
    }
}

/// Applies `op` to two string operands.
func mapStringPairs<Op: PairOperation>(
    _ op: Op, _ left: StringOperand, _ right: StringOperand, count: Int, words: [UInt64]?
) -> KernelOutput<Op.Output> where Op.Left == UnsafeRawBufferPointer, Op.Right == UnsafeRawBufferPointer {
    switch (left, right) {
    case let (.buffer(a), .buffer(b)):
        return withStringReader(a) { ra in
            withStringReader(b) { rb in pairLoop(op, ra, rb, count: count, words: words) }
        }
    case let (.buffer(a), .scalar(s)):
        return withStringReader(a) { ra in
            s.withUnsafeBytes { pairLoop(op, ra, ScalarReader(value: $0), count: count, words: words) }
        }
    case let (.scalar(s), .buffer(b)):
        return withStringReader(b) { rb in
            s.withUnsafeBytes { pairLoop(op, ScalarReader(value: $0), rb, count: count, words: words) }
        }
    case let (.scalar(s), .scalar(t)):
        return s.withUnsafeBytes { ps in
            t.withUnsafeBytes { pt in
                pairLoop(op, ScalarReader(value: ps), ScalarReader(value: pt), count: count, words: words)
            }
        }
    }
}

/// Applies `op` to one string operand.
func mapStrings<Op: UnaryOperation>(_ op: Op, _ input: StringOperand, count: Int,
                                    words: [UInt64]?) -> KernelOutput<Op.Output>
where Op.Input == UnsafeRawBufferPointer {
    switch input {
    case let .buffer(a): return withStringReader(a) { unaryLoop(op, $0, count: count, words: words) }
    case let .scalar(s): return s.withUnsafeBytes { unaryLoop(op, ScalarReader(value: $0), count: count, words: words) }
    }
}

extension KernelOutput where Element: ColumnElement {
    /// The result as a vector of `type`.
    func vector(_ type: DataType, constant: Bool) -> Vector {
        Vector.make(type, Element.wrap(values), words: words, constant: constant)
    }
}
