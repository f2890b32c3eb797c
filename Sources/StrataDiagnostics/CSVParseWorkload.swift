// CSV parsing on one thread, measured on the importer's chunk parser.
//
// 1. init writes the CSV text to a scratch file and cuts it into chunks with the importer's ChunkReader (chunk size
//    as `strata import --threads 2` picks it with its default memory limit, unless given), then deletes the file: the chunks stay
//    in memory.
// 2. The plan gives every column its name and type, as the sniffer would (types that may widen, parsed strictly).
// 3. parse() runs the importer's ChunkParser over every chunk in order on the calling thread (tokenizing, checking
//    and converting into typed columns) and returns the rows; a row error or a widening is thrown, as the importer
//    does without `--skip-bad-rows`.
import Strata
import StrataCSV
import StrataExecution
import StrataStorage

extension Diagnostics {
    /// Parses an in-memory CSV text into typed batches with the importer's chunk parser, on one thread.
    public final class CSVParseWorkload {
        /// Bytes of CSV text.
        public let inputBytes: Int
        /// Number of chunks the text was cut into.
        public var chunkCount: Int { chunks.count }
        /// Target size of a chunk.
        public let blockBytes: Int

        private let chunks: [CSVChunk]
        private let parser: ChunkParser
        private let fileName: String

        /// Cuts `csv` (records only, no header; fields separated by `delimiter`, quoted with `"`) into chunks of
        /// about `blockBytes` (default: the importer's default chunk size) for columns `columns`.
        public init(csv: [UInt8], columns: [Field], delimiter: UInt8 = UInt8(ascii: ","),
                    blockBytes: Int? = nil) throws {
            let defaults = CSVImportConfiguration()
            let blockBytes = blockBytes ?? defaults.effectiveBlockBytes
            let scratch = SpillManager()
            defer { scratch.cleanup() }
            let path = try scratch.scratchPath(label: "csv", suffix: "csv")
            let file = try FileIO(path: path, mode: .createNew)
            try file.write(csv)
            try file.close()
            let reader = ChunkReader(input: try CSVInput(path: path, spoolPath: nil), quote: UInt8(ascii: "\""),
                                     blockBytes: blockBytes, maxRecordBytes: defaults.maxRecordBytes)
            var chunks: [CSVChunk] = []
            while let chunk = try reader.next() { chunks.append(chunk) }
            self.chunks = chunks
            self.blockBytes = blockBytes
            inputBytes = csv.count
            fileName = "<benchmark input>"
            let plan = CSVParsePlan(dialect: CSVDialect(delimiter: delimiter, quote: UInt8(ascii: "\"")),
                                    columns: columns.map { .init(name: $0.name, type: $0.type, fixed: false) },
                                    fileName: fileName)
            parser = ChunkParser(plan: plan, inferOnly: false)
        }

        /// Parses every chunk (the measured operation); returns the rows parsed.
        /// - Throws: ``StrataError`` `.invalidData` for the first bad row or a value that does not fit its column.
        public func parse() throws -> Int {
            var rows = 0
            for chunk in chunks {
                let parsed = try parser.parse(chunk)
                if let error = parsed.errors.first { throw error.error(fileName: fileName) }
                guard !parsed.needsWidening, let batch = parsed.batch else {
                    throw StrataError(.invalidData, "a value of chunk \(chunk.index) does not fit its column's type")
                }
                rows += batch.count
            }
            return rows
        }
    }
}
