#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import StrataCore

/// Directory and path operations on POSIX, each throwing a ``StrataError`` that names the path.
package enum FileSystem {
    /// Whether something exists at `path`, and whether it is a directory.
    package static func kind(of path: String) -> (exists: Bool, isDirectory: Bool) {
        var info = stat()
        guard stat(path, &info) == 0 else { return (false, false) }
        return (true, (info.st_mode & S_IFMT) == S_IFDIR)
    }

    /// Size of the file at `path`.
    package static func size(of path: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileIO.error("cannot stat", path: path) }
        return Int64(info.st_size)
    }

    /// Size and last modification (milliseconds since the epoch) of the regular file at `path`; nil for anything
    /// else or when it cannot be read.
    package static func sizeAndModification(_ path: String) -> (size: Int64, modifiedMillis: Int64)? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let (millis, overflow) = Int64(info.st_mtim.tv_sec).multipliedReportingOverflow(by: 1000)
        return (Int64(info.st_size), overflow ? (info.st_mtim.tv_sec < 0 ? .min : .max)
                    : millis &+ Int64(info.st_mtim.tv_nsec) / 1_000_000)
    }

    /// Bytes of the file at `path`, or of every file under it when it is a directory (links are not followed).
    package static func treeSize(_ path: String) throws -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            return (info.st_mode & S_IFMT) == S_IFREG ? Int64(info.st_size) : 0
        }
        var total: Int64 = 0
        for name in try list(path) {
            let (sum, overflow) = total.addingReportingOverflow(try treeSize(path + "/" + name))
            total = overflow ? .max : sum
        }
        return total
    }

    /// Creates `path` and any missing parents.
    package static func createDirectory(_ path: String) throws {
        if kind(of: path).isDirectory { return }
        let parent = parentDirectory(of: path)
        if !parent.isEmpty, parent != path, !kind(of: parent).exists { try createDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw FileIO.error("cannot create directory", path: path)
        }
    }

    /// Names of the entries in `path` (without `.` and `..`), sorted.
    package static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw FileIO.error("cannot list directory", path: path) }
        defer { closedir(dir) }
        return entries(of: dir).sorted()
    }

    /// The names read from the open directory stream `dir` (without `.` and `..`).
    private static func entries(of dir: OpaquePointer) -> [String] {
        var names: [String] = []
        while let entry = readdir(dir) {
            // Read the name in place: a record can be shorter than `dirent` (its name is as long as it needs), so
            // copying the whole `d_name` field would read past the end of the last record (found by ASan).
            let name = withUnsafeMutablePointer(to: &entry.pointee.d_name) { field in
                field.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: field.pointee)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Atomically renames `from` to `to` (replacing `to`).
    package static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw FileIO.error("cannot rename to \(to)", path: from) }
    }

    /// Creates `to` as a hard link of `from`; fails with `.alreadyExists` if `to` exists (an atomic
    /// "create if absent", used to commit manifests).
    package static func link(_ from: String, to: String) throws {
        guard Glibc.link(from, to) == 0 else {
            if errno == EEXIST { throw StrataError(.alreadyExists, "already exists", path: to) }
            throw FileIO.error("cannot link to \(to)", path: from)
        }
    }

    /// Removes the file at `path`; missing files are ignored.
    package static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw FileIO.error("cannot remove", path: path) }
    }

    /// Whether `path` itself (not what it points to) is a symbolic link.
    package static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Removes `path` and everything below it; missing paths are ignored. Never follows a symbolic link: a link
    /// (at `path` or anywhere below it) is removed itself, and what it points to is left alone.
    ///
    /// 1. `lstat` the path: nothing there → done; anything but a real directory (a file, a link) → `unlink` it.
    /// 2. Open the directory with `O_NOFOLLOW | O_DIRECTORY` and walk it through that descriptor: each entry is
    ///    examined with `fstatat(AT_SYMLINK_NOFOLLOW)`; directories are opened relative to their parent with
    ///    `openat(O_NOFOLLOW)` and emptied the same way; everything else is removed with `unlinkat`, so a folder
    ///    swapped for a link while the walk runs is never entered.
    /// 3. Remove the emptied directory.
    package static func removeTree(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw FileIO.error("cannot stat", path: path)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return try remove(path) }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return }
            if errno == ELOOP || errno == ENOTDIR { return try remove(path) }
            throw FileIO.error("cannot open directory", path: path)
        }
        try emptyDirectory(fd, path: path)
        guard rmdir(path) == 0 || errno == ENOENT else { throw FileIO.error("cannot remove directory", path: path) }
    }

    /// Removes everything inside the open directory `fd` (consumed: closed on return), without following links.
    private static func emptyDirectory(_ fd: Int32, path: String) throws {
        guard let dir = fdopendir(fd) else {
            close(fd)
            throw FileIO.error("cannot list directory", path: path)
        }
        defer { closedir(dir) }
        for name in entries(of: dir) {
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { continue }
                throw FileIO.error("cannot stat", path: path + "/" + name)
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 {
                    try emptyDirectory(child, path: path + "/" + name)
                    guard unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT else {
                        throw FileIO.error("cannot remove directory", path: path + "/" + name)
                    }
                    continue
                }
                guard errno == ELOOP || errno == ENOTDIR else {
                    if errno == ENOENT { continue }
                    throw FileIO.error("cannot open directory", path: path + "/" + name)
                }
            }
            guard unlinkat(fd, name, 0) == 0 || errno == ENOENT else {
                throw FileIO.error("cannot remove", path: path + "/" + name)
            }
        }
    }

    /// Makes a directory's entries (renames, new files) durable.
    package static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIO.error("cannot open directory", path: path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileIO.error("cannot fsync directory", path: path) }
    }

    /// The directory part of `path` ("" if none).
    package static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Writes `bytes` to `path` durably and atomically: temp file, fsync, rename, fsync of the directory.
    package static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temp = path + ".tmp-\(getpid())"
        let file = try FileIO(path: temp, mode: .truncate)
        do {
            try file.write(bytes)
            try file.sync()
            try file.close()
            try rename(temp, to: path)
        } catch {
            try? remove(temp)
            throw error
        }
        try syncDirectory(parentDirectory(of: path))
    }

    /// A random lowercase hex string of `count` characters, for unique file names.
    package static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[Int(generator.next() % 16)] })
    }
}

/// An advisory lock (`flock`) on a file, exclusive or shared, held until `unlock()` or deinit.
package final class FileLock: @unchecked Sendable {
    // Safety: only touched by its single owner.
    private var fd: Int32

    /// Takes the lock on `path` (creating the file), exclusive or `shared`, waiting if `wait` is true; returns nil
    /// when `wait` is false and another holder stands in the way.
    ///
    /// A lock is only good while its file is the one at `path`: a holder may delete the file's folder (DROP TABLE,
    /// an aborted create), and a waiter then granted the lock on the deleted file would share the table with a
    /// newcomer locking a new file. So once granted, the lock is checked against `path` and taken again if the file
    /// there is another (or gone, which is then the error of opening it).
    package init?(path: String, wait: Bool, shared: Bool = false) throws {
        fd = -1
        while true {
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw FileIO.error("cannot open lock file", path: path) }
            while flock(fd, (shared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB)) != 0 {
                if errno == EINTR { continue }
                let failure = errno
                close(fd)
                fd = -1
                if failure == EWOULDBLOCK { return nil }
                throw FileIO.error("cannot lock", path: path)
            }
            var held = stat(), current = stat()
            if fstat(fd, &held) == 0, stat(path, &current) == 0, held.st_ino == current.st_ino,
               held.st_dev == current.st_dev {
                return
            }
            close(fd)
            fd = -1
        }
    }

    /// Releases the lock.
    package func unlock() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    deinit { unlock() }
}
