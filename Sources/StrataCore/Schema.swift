/// An ordered list of uniquely named fields.
public struct Schema: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The fields in column order.
    public var fields: [Field]

    /// Creates a schema; throws when two fields share a name or a name is empty.
    public init(_ fields: [Field]) throws(StrataError) {
        var seen = Set<String>()
        for field in fields {
            guard !field.name.isEmpty else {
                throw StrataError(.invalidArgument, "a column name must not be empty")
            }
            guard seen.insert(field.name).inserted else {
                throw StrataError(.invalidArgument, "duplicate column name \"\(field.name)\"", column: field.name)
            }
        }
        self.fields = fields
    }

    /// Creates a schema without validation; for callers that already checked the names.
    package init(unchecked fields: [Field]) {
        self.fields = fields
    }

    /// Number of fields.
    public var count: Int { fields.count }

    /// The position of the field called `name`, if any.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// Parses `name:type,name:type,…` (as accepted by the CLI's `--schema`).
    public init(parsing text: String) throws(StrataError) {
        var fields: [Field] = []
        for part in Schema.splitEntries(text) {
            let pieces = part.split(separator: ":", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard pieces.count == 2, !pieces[0].isEmpty else {
                throw StrataError(.invalidArgument, "schema entry \"\(part)\" is not of the form name:type")
            }
            guard let type = DataType(name: pieces[1]) else {
                throw StrataError(.invalidArgument, "unknown type \"\(pieces[1])\" for column \"\(pieces[0])\"; "
                    + "expected one of \(DataType.typeNames.joined(separator: ", "))", column: pieces[0])
            }
            fields.append(Field(pieces[0], type))
        }
        try self.init(fields)
    }

    public var description: String { fields.map(\.description).joined(separator: ", ") }

    /// `text` split at the commas outside parentheses (`a:int,b:decimal(15,2)` has two entries).
    private static func splitEntries(_ text: String) -> [Substring] {
        var parts: [Substring] = [], depth = 0, start = text.startIndex
        for index in text.indices {
            switch text[index] {
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case "," where depth == 0:
                parts.append(text[start..<index])
                start = text.index(after: index)
            default: break
            }
        }
        parts.append(text[start...])
        return parts
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
