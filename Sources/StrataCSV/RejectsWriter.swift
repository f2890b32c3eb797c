import StrataCore
import StrataStorage

/// Writes rejected rows to a CSV file with header `line,column,error,row`; `row` holds the row's original bytes,
/// always quoted (so rows with newlines, delimiters or invalid UTF-8 survive unchanged); the other fields are quoted
/// when needed, and `column` is empty when no column is at fault.
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
        if let column = error.column { appendField(Array(column.utf8)) }
        buffer.append(UInt8(ascii: ","))
        appendField(Array(error.reason.utf8))
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

    /// Appends a field, quoted only when it holds a comma, a quote or a line break (or is empty).
    private func appendField(_ bytes: [UInt8]) {
        let special: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "\""), 10, 13]
        if bytes.isEmpty || bytes.contains(where: special.contains) {
            appendQuoted(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
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
