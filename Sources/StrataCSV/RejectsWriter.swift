import StrataCore
import StrataStorage

/// Writes rejected rows to a CSV file with header `line,column,error,row`; `row` holds the row's original bytes,
/// quoted (so rows with newlines, delimiters or invalid UTF-8 survive unchanged).
package final class RejectsWriter {
    private let file: FileIO
    private var buffer: [UInt8] = []

    /// Creates (or truncates) `path` and writes the header.
    package init(path: String) throws {
        file = try FileIO(path: path, mode: .truncate)
        buffer.append(contentsOf: Array("line,column,error,row\n".utf8))
    }

    /// Appends one rejected row.
    package func write(_ error: CSVRowError) throws {
        buffer.append(contentsOf: Array(String(error.line).utf8))
        buffer.append(UInt8(ascii: ","))
        if let column = error.column { appendQuoted(Array(column.utf8)) }
        buffer.append(UInt8(ascii: ","))
        appendQuoted(Array(error.reason.utf8))
        buffer.append(UInt8(ascii: ","))
        appendQuoted(error.row)
        buffer.append(10)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes what is buffered and closes the file.
    package func close() throws {
        try flush()
        try file.close()
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func appendQuoted(_ bytes: [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
