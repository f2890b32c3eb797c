#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore
import StrataStorage
import Synchronization

/// Owns one query's spill directory: creates the run files of blocking operators in it, counts the bytes they hold
/// on disk against an optional cap, and deletes everything on `cleanup()` or deinit.
///
/// Several threads may create and write different runs at once; the counters sit behind a mutex.
package final class SpillManager: Sendable {
    /// The directory in which the spill directory is created.
    package let parentDirectory: String
    /// Cap on bytes on disk at once; nil means unlimited.
    package let maxBytes: Int64?
    /// The largest batch body one frame may hold (LZ4's block limit; smaller in tests of the splitting).
    let maxFramePayload: Int
    private let state = Mutex(State())
    private let readBytes = Atomic<Int>(0)

    private struct State {
        var directory: String?
        /// The folder `directory` names, holding its owner lock.
        var scratch: ScratchDirectory?
        /// Bytes written so far to every file not yet deleted, by path.
        var files: [String: Int64] = [:]
        var bytesOnDisk: Int64 = 0
        var peakBytesOnDisk: Int64 = 0
        var totalBytesWritten: Int64 = 0
        var runsCreated = 0
        var scratchFiles = 0
    }

    /// Creates a manager; nothing is created on disk until the first run.
    ///
    /// - Parameters:
    ///   - directory: the parent directory (default: `$TMPDIR`, else `/tmp`). A unique subdirectory
    ///     `strata-spill-<pid>-<random>` is created in it on the first run.
    ///   - maxBytes: cap on bytes on disk at once (nil = unlimited).
    package convenience init(directory: String? = nil, maxBytes: Int64? = nil) {
        self.init(directory: directory, maxBytes: maxBytes, maxFramePayload: SpillFormat.maxFramePayload)
    }

    /// Creates a manager whose frames hold at most `maxFramePayload` body bytes.
    init(directory: String?, maxBytes: Int64?, maxFramePayload: Int) {
        var parent = directory ?? getenv("TMPDIR").map { String(cString: $0) } ?? ""
        if parent.isEmpty { parent = "/tmp" }
        while parent.count > 1, parent.hasSuffix("/") { parent.removeLast() }
        parentDirectory = parent
        // Spill folders of processes that died (kill -9, power loss) go, once per process.
        ScratchDirectory.removeAbandonedOnce(in: parent, prefix: SpillManager.folderPrefix)
        self.maxBytes = maxBytes
        self.maxFramePayload = max(64, min(maxFramePayload, SpillFormat.maxFramePayload))
    }

    deinit { cleanup() }

    /// The spill directory; nil until the first run creates it (and again after `cleanup()`).
    package var directoryPath: String? { state.withLock { $0.directory } }
    /// Bytes the manager's files hold on disk now.
    package var bytesOnDisk: Int64 { state.withLock { $0.bytesOnDisk } }
    /// The most bytes held on disk at once.
    package var peakBytesOnDisk: Int64 { state.withLock { $0.peakBytesOnDisk } }
    /// Bytes written in total, including runs deleted since.
    package var totalBytesWritten: Int64 { state.withLock { $0.totalBytesWritten } }
    /// Number of runs created.
    package var runsCreated: Int { state.withLock { $0.runsCreated } }
    /// Bytes read back from spill files so far.
    package var totalBytesRead: Int { readBytes.load(ordering: .relaxed) }

    /// Counts `bytes` read back from a spill file.
    func countRead(_ bytes: Int) { readBytes.add(bytes, ordering: .relaxed) }

    /// Starts a new run file; `label` (e.g. `sort`, `hash aggregate partition 3`) names it in file names and errors;
    /// its files and bytes also count in `metrics`, the writing operator's.
    package func createRun(label: String, metrics: OperatorMetrics? = nil) throws(StrataError) -> SpillWriter {
        let path = try state.withLock { state throws(StrataError) -> String in
            let directory = try spillDirectory(&state)
            state.runsCreated += 1
            let path = "\(directory)/run-\(state.runsCreated)-\(Self.fileNamePart(label)).spill"
            state.files[path] = 0
            return path
        }
        do {
            let writer = SpillWriter(manager: self, path: path, label: label,
                                     file: try FileIO(path: path, mode: .createNew), metrics: metrics)
            metrics?.createdRun()
            return writer
        } catch {
            release(path)
            throw StrataError(.io, "cannot create spill file for \"\(label)\": \(Self.reason(error))", path: path)
        }
    }

    /// The spill directory, created on first use (call with the state locked).
    private func spillDirectory(_ state: inout State) throws(StrataError) -> String {
        if let existing = state.directory { return existing }
        let scratch = try ScratchDirectory.create(in: parentDirectory, prefix: SpillManager.folderPrefix,
                                                 what: "spill directory")
        state.scratch = scratch
        state.directory = scratch.path
        return scratch.path
    }

    /// A fresh path in the spill directory for a scratch file the caller writes itself (materialised subquery
    /// results); it is deleted with the directory by `cleanup()`.
    package func scratchPath(label: String, suffix: String) throws(StrataError) -> String {
        try state.withLock { state throws(StrataError) -> String in
            let directory = try spillDirectory(&state)
            state.scratchFiles += 1
            return "\(directory)/scratch-\(state.scratchFiles)-\(Self.fileNamePart(label)).\(suffix)"
        }
    }

    /// Deletes every file and the directory. Idempotent; also done in deinit. Runs created afterwards go to a new
    /// directory.
    package func cleanup() {
        let scratch = state.withLock { state -> ScratchDirectory? in
            let scratch = state.scratch
            state.scratch = nil
            state.directory = nil
            state.files.removeAll()
            state.bytesOnDisk = 0
            return scratch
        }
        scratch?.remove()
    }

    /// Counts `bytes` about to be appended to the file at `path`; throws when they would exceed the cap.
    func charge(_ bytes: Int, to path: String, label: String) throws(StrataError) {
        let bytes = Int64(bytes)
        try state.withLock { state throws(StrataError) in
            guard let written = state.files[path] else {
                throw StrataError(.cancelled, "the spill directory was removed while \"\(label)\" was spilling",
                                  path: path)
            }
            if let maxBytes, state.bytesOnDisk + bytes > maxBytes {
                throw StrataError(.outOfMemory, """
                    spill limit of \(ByteCount.format(Int(maxBytes))) exceeded while spilling "\(label)" \
                    (\(ByteCount.format(Int(state.bytesOnDisk))) on disk, \(ByteCount.format(Int(bytes))) more \
                    needed); raise --spill-limit or --memory-limit
                    """)
            }
            state.files[path] = written + bytes
            state.bytesOnDisk += bytes
            state.peakBytesOnDisk = max(state.peakBytesOnDisk, state.bytesOnDisk)
            state.totalBytesWritten += bytes
        }
    }

    /// Deletes the file at `path` and returns its bytes; a no-op for files already deleted.
    func release(_ path: String) {
        let known = state.withLock { state -> Bool in
            guard let written = state.files.removeValue(forKey: path) else { return false }
            state.bytesOnDisk -= written
            return true
        }
        if known { try? FileSystem.remove(path) }
    }

    /// The name prefix of spill folders: `strata-spill-<pid>-<random>`.
    package static let folderPrefix = "strata-spill"

    /// `label` reduced to characters safe in a file name.
    private static func fileNamePart(_ label: String) -> String {
        let safe = label.unicodeScalars.prefix(40).map { scalar -> Character in
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
            return allowed ? Character(scalar) : "-"
        }
        return safe.isEmpty ? "run" : String(safe)
    }

    /// The operating system's reason in an error from `FileIO` ("cannot write: No space left on device" gives
    /// "No space left on device").
    static func reason(_ error: any Error) -> String {
        guard let error = error as? StrataError else { return "\(error)" }
        guard let colon = error.message.ranges(of: ": ").last else { return error.message }
        return String(error.message[colon.upperBound...])
    }
}
