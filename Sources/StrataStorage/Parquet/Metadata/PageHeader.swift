/// The header before every page; the page body of `compressedPageSize` bytes follows it directly.
package struct PageHeader: ThriftCodable, Hashable {
    /// The page type (field 1, required).
    package var type: PageType
    /// Body size after decompression, header excluded (field 2, required).
    package var uncompressedPageSize: Int32
    /// Stored body size, header excluded (field 3, required).
    package var compressedPageSize: Int32
    /// CRC-32 of the stored body (field 4, optional).
    package var crc: Int32?
    /// Set for version 1 data pages (field 5, optional).
    package var dataPageHeader: DataPageHeader?
    /// Set for dictionary pages (field 7, optional).
    package var dictionaryPageHeader: DictionaryPageHeader?
    /// Set for version 2 data pages (field 8, optional).
    package var dataPageHeaderV2: DataPageHeaderV2?

    /// Creates a value; optional fields default to absent.
    package init(type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32, crc: Int32? = nil,
        dataPageHeader: DataPageHeader? = nil, dictionaryPageHeader: DictionaryPageHeader? = nil,
        dataPageHeaderV2: DataPageHeaderV2? = nil) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
        self.crc = crc
        self.dataPageHeader = dataPageHeader
        self.dictionaryPageHeader = dictionaryPageHeader
        self.dataPageHeaderV2 = dataPageHeaderV2
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var type: PageType?
        var uncompressedPageSize: Int32?
        var compressedPageSize: Int32?
        var crc: Int32?
        var dataPageHeader: DataPageHeader?
        var dictionaryPageHeader: DictionaryPageHeader?
        var dataPageHeaderV2: DataPageHeaderV2?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: type = try reader.readEnum(PageType.self, "page type")
            case 2 where field.type == .i32: uncompressedPageSize = try reader.readI32()
            case 3 where field.type == .i32: compressedPageSize = try reader.readI32()
            case 4 where field.type == .i32: crc = try reader.readI32()
            case 5 where field.type == .struct: dataPageHeader = try DataPageHeader(from: &reader)
            case 7 where field.type == .struct: dictionaryPageHeader = try DictionaryPageHeader(from: &reader)
            case 8 where field.type == .struct: dataPageHeaderV2 = try DataPageHeaderV2(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.type = try reader.required(type, "PageHeader", 1, "type", structStart: start)
        self.uncompressedPageSize = try reader.required(
            uncompressedPageSize, "PageHeader", 2, "uncompressed_page_size", structStart: start)
        self.compressedPageSize = try reader.required(
            compressedPageSize, "PageHeader", 3, "compressed_page_size", structStart: start)
        self.crc = crc
        self.dataPageHeader = dataPageHeader
        self.dictionaryPageHeader = dictionaryPageHeader
        self.dataPageHeaderV2 = dataPageHeaderV2
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeI32Field(1, type.rawValue)
        writer.writeI32Field(2, uncompressedPageSize)
        writer.writeI32Field(3, compressedPageSize)
        if let crc { writer.writeI32Field(4, crc) }
        if let dataPageHeader { writer.writeStructField(5, dataPageHeader) }
        if let dictionaryPageHeader { writer.writeStructField(7, dictionaryPageHeader) }
        if let dataPageHeaderV2 { writer.writeStructField(8, dataPageHeaderV2) }
        writer.writeStructEnd()
    }
}
