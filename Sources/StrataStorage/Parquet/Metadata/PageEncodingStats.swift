/// How many pages of one type use one encoding in a column chunk.
package struct PageEncodingStats: ThriftCodable, Hashable {
    /// The page type (field 1, required).
    package var pageType: PageType
    /// The encoding (field 2, required).
    package var encoding: ParquetEncoding
    /// Number of pages (field 3, required).
    package var count: Int32

    /// Creates a value; optional fields default to absent.
    package init(pageType: PageType, encoding: ParquetEncoding, count: Int32) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var pageType: PageType?
        var encoding: ParquetEncoding?
        var count: Int32?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: pageType = try reader.readEnum(PageType.self, "page type")
            case 2 where field.type == .i32: encoding = ParquetEncoding(rawValue: try reader.readI32())
            case 3 where field.type == .i32: count = try reader.readI32()
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.pageType = try reader.required(pageType, "PageEncodingStats", 1, "page_type", structStart: start)
        self.encoding = try reader.required(encoding, "PageEncodingStats", 2, "encoding", structStart: start)
        self.count = try reader.required(count, "PageEncodingStats", 3, "count", structStart: start)
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeI32Field(1, pageType.rawValue)
        writer.writeI32Field(2, encoding.rawValue)
        writer.writeI32Field(3, count)
        writer.writeStructEnd()
    }
}
