import Foundation

/// A fresh, uniquely named directory under the system temp directory, removed when the value is released.
///
/// ```swift
/// let dir = try TempDirectory()
/// let file = dir.path("t.parquet")
/// ```
final class TempDirectory: @unchecked Sendable {
    /// Absolute path of the directory (no trailing slash).
    let path: String

    init(_ label: String = "strata-test") throws {
        let base = NSTemporaryDirectory().isEmpty ? "/tmp" : NSTemporaryDirectory()
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        let name = "\(label)-\(getpid())-\(UUID().uuidString.prefix(12).lowercased())"
        path = root + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`.
    func path(_ relative: String) -> String { path + "/" + relative }

    /// Whether something exists at `path/relative`.
    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }
}

/// File helpers for tests that poke at bytes on disk.
enum Files {
    /// Entries of a directory, sorted; empty when it does not exist.
    static func list(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func size(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Inverts every bit of the byte at `offset`.
    static func flipByte(in path: String, at offset: Int) throws {
        var bytes = try read(path)
        precondition(offset >= 0 && offset < bytes.count, "offset \(offset) outside \(path) (\(bytes.count) B)")
        bytes[offset] ^= 0xFF
        try write(bytes, to: path)
    }

    /// Keeps only the first `count` bytes of the file.
    static func truncate(_ path: String, to count: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(count))
    }
}
