/// A run of complete CSV records cut from the input, with where it came from (for error messages).
package struct CSVChunk: Sendable {
    /// Position of the chunk in the input, from 0.
    package var index: Int
    /// The bytes of the records (the last record may lack its newline at the end of the input).
    package var bytes: [UInt8]
    /// 1-based physical line number of the chunk's first byte.
    package var firstLine: Int
    /// Offset of the chunk's first byte in the (decompressed) input.
    package var offset: Int64
}
