import Foundation
import StrataTestSupport

extension SplitMix64 {
    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

/// Calls `body` with the bytes in a heap block of exactly their size (no terminator, no slack), so a parser that
/// reads past the end reads outside the allocation instead of a convenient sentinel.
func withExactBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    let block = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
    defer { block.deallocate() }
    block.initialize(from: bytes, count: bytes.count)
    return try body(UnsafePointer(block), bytes.count)
}

/// `withExactBytes` for the UTF-8 of a string.
func withExactBytes<R>(_ text: String, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    try withExactBytes(Array(text.utf8), body)
}

/// Readable form of bytes for failure messages: printable ASCII as is, everything else as `\xNN`.
func show(_ bytes: [UInt8]) -> String {
    bytes.map { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }
        .joined()
}

/// A fresh, uniquely named directory under the system temp directory, removed when the value is released.
final class TempDirectory: @unchecked Sendable {
    /// Absolute path of the directory (no trailing slash).
    let path: String

    init(_ label: String = "strata-csv-test") throws {
        let base = NSTemporaryDirectory().isEmpty ? "/tmp" : NSTemporaryDirectory()
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        path = root + "/" + "\(label)-\(getpid())-\(UUID().uuidString.prefix(12).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`.
    func path(_ relative: String) -> String { path + "/" + relative }

    /// Writes `bytes` to `path/relative` and returns the full path.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let full = path(relative)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }
}
