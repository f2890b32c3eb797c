import Foundation

/// Runs a program to completion and captures its output.
enum Subprocess {
    struct Result: Sendable {
        var status: Int32
        /// stdout followed by stderr.
        var output: String
    }

    /// Runs `arguments[0]` (looked up on PATH through /usr/bin/env) with the remaining arguments.
    static func run(_ arguments: [String], currentDirectory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        let text = String(decoding: outData, as: UTF8.self) + String(decoding: errData.get(), as: UTF8.self)
        return Result(status: process.terminationStatus, output: text)
    }

    /// Whether `python3` can import every module in `modules`.
    static func pythonHas(_ modules: [String]) -> Bool {
        guard let result = try? run(["python3", "-c", "import " + modules.joined(separator: ", ")]) else { return false }
        return result.status == 0
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?

    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    func get() -> Data { lock.withLock { data ?? Data() } }
}
