/// A Parquet value or level encoding, kept as the raw Thrift value so unknown encodings still decode.
///
/// Whether an encoding is supported is decided by the page decoder, not here.
package struct ParquetEncoding: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The Thrift enum value.
    package var rawValue: Int32

    /// Wraps a raw Thrift enum value.
    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// PLAIN.
    package static let plain = ParquetEncoding(rawValue: 0)
    /// PLAIN_DICTIONARY (deprecated; same format as RLE_DICTIONARY).
    package static let plainDictionary = ParquetEncoding(rawValue: 2)
    /// RLE / bit-packing hybrid.
    package static let rle = ParquetEncoding(rawValue: 3)
    /// BIT_PACKED (deprecated).
    package static let bitPacked = ParquetEncoding(rawValue: 4)
    /// DELTA_BINARY_PACKED.
    package static let deltaBinaryPacked = ParquetEncoding(rawValue: 5)
    /// DELTA_LENGTH_BYTE_ARRAY.
    package static let deltaLengthByteArray = ParquetEncoding(rawValue: 6)
    /// DELTA_BYTE_ARRAY.
    package static let deltaByteArray = ParquetEncoding(rawValue: 7)
    /// RLE_DICTIONARY.
    package static let rleDictionary = ParquetEncoding(rawValue: 8)
    /// BYTE_STREAM_SPLIT.
    package static let byteStreamSplit = ParquetEncoding(rawValue: 9)

    /// The Parquet name, or `ENCODING(<n>)` for values this code does not know.
    package var description: String {
        switch rawValue {
        case 0: "PLAIN"
        case 2: "PLAIN_DICTIONARY"
        case 3: "RLE"
        case 4: "BIT_PACKED"
        case 5: "DELTA_BINARY_PACKED"
        case 6: "DELTA_LENGTH_BYTE_ARRAY"
        case 7: "DELTA_BYTE_ARRAY"
        case 8: "RLE_DICTIONARY"
        case 9: "BYTE_STREAM_SPLIT"
        default: "ENCODING(\(rawValue))"
        }
    }
}
