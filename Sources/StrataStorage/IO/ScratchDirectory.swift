#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore
import Synchronization

/// A private folder for one process's temporary files, which the next process removes if its owner died.
///
/// 1. ``create(in:prefix:)`` makes `<parent>/<prefix>-<pid>-<random>` (mode 0700), takes an exclusive `flock` on the
///    file `owner` inside it and keeps it until ``remove()`` or deinit: the lock proves the owner is alive (the
///    kernel drops it when the process ends, even by kill -9). The folder is registered in ``ScratchRegistry`` so
///    an interrupt handler can delete it.
/// 2. ``removeAbandoned(in:prefix:)`` lists `<parent>/<prefix>-*` and removes (never following links) each folder
///    whose owner is gone: the process its name gives no longer exists, and its `owner` lock, if the file is there,
///    is free. Both are checked: a free lock alone could be a folder caught between its `mkdir` and its `flock`, a
///    pid alone could be one of another PID namespace (a container sharing the folder).
package final class ScratchDirectory: @unchecked Sendable {
    // Safety: immutable after init except `removed`, which only the owner touches.

    /// The folder.
    package let path: String
    private let lock: FileLock
    private let token: Int
    private var removed = false

    private init(path: String, lock: FileLock) {
        self.path = path
        self.lock = lock
        token = ScratchRegistry.shared.add(path)
    }

    deinit { remove() }

    /// Name of the lock file inside each folder.
    static let ownerFile = "owner"

    /// Creates a fresh folder `<parent>/<prefix>-<pid>-<random>` owned by this process; `what` names it in errors.
    package static func create(in parent: String, prefix: String, what: String = "scratch folder")
        throws(StrataError) -> ScratchDirectory
    {
        for _ in 0..<8 {
            let path = "\(parent)/\(prefix)-\(getpid())-\(FileSystem.randomHex(8))"
            if mkdir(path, 0o700) != 0 {
                if errno == EEXIST { continue }
                throw StrataError(.io, "cannot create \(what): \(String(cString: strerror(errno)))",
                                  path: path)
            }
            do {
                guard let lock = try FileLock(path: path + "/" + ownerFile, wait: false) else { continue }
                return ScratchDirectory(path: path, lock: lock)
            } catch {
                try? FileSystem.removeTree(path)
                throw StrataError(.io, "cannot lock \(what): \(error)", path: path)
            }
        }
        throw StrataError(.io, "cannot create a unique \(what)", path: parent)
    }

    /// Deletes the folder and everything in it (idempotent).
    package func remove() {
        guard !removed else { return }
        removed = true
        try? FileSystem.removeTree(path)
        lock.unlock()
        ScratchRegistry.shared.remove(token)
    }

    /// Removes the folders `<parent>/<prefix>-*` whose owner process is gone; returns how many.
    @discardableResult
    package static func removeAbandoned(in parent: String, prefix: String) -> Int {
        guard let names = try? FileSystem.list(parent) else { return 0 }
        var count = 0
        for name in names where name.hasPrefix(prefix + "-") && processIsGone(name: name, prefix: prefix) {
            let path = parent + "/" + name
            guard !FileSystem.isSymbolicLink(path), FileSystem.kind(of: path).isDirectory else { continue }
            let owner = path + "/" + ownerFile
            // A held lock means a living owner (whatever the pid says); a free one is taken for the removal.
            var probe: FileLock?
            if FileSystem.kind(of: owner).exists {
                guard let free = try? FileLock(path: owner, wait: false) else { continue }
                probe = free
            }
            if (try? FileSystem.removeTree(path)) != nil { count += 1 }
            probe?.unlock()
        }
        return count
    }

    /// The (parent, prefix) pairs this process has swept already.
    private static let swept = Mutex<Set<String>>([])

    /// ``removeAbandoned(in:prefix:)``, the first time this process asks for `parent` and `prefix` (later calls
    /// return at once: leftovers come from processes that ended before this one started).
    package static func removeAbandonedOnce(in parent: String, prefix: String) {
        guard swept.withLock({ $0.insert(parent + "\u{0}" + prefix).inserted }) else { return }
        removeAbandoned(in: parent, prefix: prefix)
    }

    /// Whether the process id in `<prefix>-<pid>-<random>` names no living process.
    private static func processIsGone(name: String, prefix: String) -> Bool {
        let rest = name.dropFirst(prefix.count + 1)
        guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { return false }
        if pid == getpid() { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
