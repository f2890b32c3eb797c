/// A statement's result rows as an `AsyncSequence`, batch by batch underneath (see ``QueryBatches``: the same
/// start on iteration, awaiting without blocking, and cancellation with the iterating task).
public struct QueryRows: AsyncSequence, Sendable {
    public typealias Element = Row
    private let batches: QueryBatches

    /// The rows of `batches`.
    init(batches: QueryBatches) {
        self.batches = batches
    }

    public func makeAsyncIterator() -> Iterator { Iterator(batches: batches.makeAsyncIterator()) }

    /// The rows decoded as `T` (columns matched to its coding keys by name; see ``Row/decode(_:)``).
    public func decoded<T: Decodable>(as type: T.Type) -> DecodedRows<T> { DecodedRows(rows: self) }

    /// Hands out the rows of one batch after the other.
    public struct Iterator: AsyncIteratorProtocol {
        private var batches: QueryBatches.Iterator
        private var batch: Batch?
        private var names: [String] = []
        private var index = 0

        init(batches: QueryBatches.Iterator) {
            self.batches = batches
        }

        /// The next row, nil after the last.
        public mutating func next() async throws -> Row? {
            while true {
                if let batch, index < batch.count {
                    defer { index += 1 }
                    return Row(columnNames: names, values: batch.row(index))
                }
                guard let next = try await batches.next() else { return nil }
                batch = next
                names = batches.columnNames ?? next.schema.fields.map(\.name)
                index = 0
            }
        }
    }
}

/// A statement's rows decoded as `T` (see ``QueryRows/decoded(as:)`` and ``Row/decode(_:)``).
public struct DecodedRows<T: Decodable>: AsyncSequence, Sendable {
    public typealias Element = T
    private let rows: QueryRows

    init(rows: QueryRows) {
        self.rows = rows
    }

    public func makeAsyncIterator() -> Iterator { Iterator(rows: rows.makeAsyncIterator()) }

    /// Decodes one row after the other.
    public struct Iterator: AsyncIteratorProtocol {
        private var rows: QueryRows.Iterator

        init(rows: QueryRows.Iterator) {
            self.rows = rows
        }

        /// The next record, nil after the last.
        public mutating func next() async throws -> T? {
            guard let row = try await rows.next() else { return nil }
            return try row.decode(T.self)
        }
    }
}
