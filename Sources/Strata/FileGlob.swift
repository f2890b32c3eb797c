import Foundation

// Expanding a `read_parquet` path pattern.
//
// 1. A pattern without wildcards names a file, or a directory whose `*.parquet` files (recursively) are read.
// 2. Otherwise it is split into path components; the fixed leading components form the start directory.
// 3. Each remaining component is matched against directory entries: `*` any run of characters other than `/`,
//    `?` one character, `**` any number of directories (including none).
// 4. A directory is walked at most once (known by device and inode), so a symbolic link that loops back, or two
//    links to one folder, yield each file once.
// 5. The matching regular files are returned sorted.

/// Path patterns with `*`, `?` and `**`.
enum FileGlob {
    /// The files matching `pattern`, sorted.
    static func expand(_ pattern: String) throws -> [String] {
        let manager = FileManager.default
        guard pattern.contains(where: { $0 == "*" || $0 == "?" }) else {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: pattern, isDirectory: &isDirectory) else {
                throw StrataError(.notFound, "no such file", path: pattern)
            }
            guard isDirectory.boolValue else { return [pattern] }
            return try expand(pattern + "/**/*.parquet")
        }
        let absolute = pattern.hasPrefix("/")
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var fixed: [String] = []
        var rest = parts[...]
        while let first = rest.first, !first.contains(where: { $0 == "*" || $0 == "?" }) {
            fixed.append(first)
            rest = rest.dropFirst()
        }
        let start = (absolute ? "/" : "") + fixed.joined(separator: "/")
        var results: [String] = []
        var visited = Set<DirectoryID>()
        match(Array(rest), in: start.isEmpty ? "." : start, prefix: start, into: &results, visited: &visited)
        return results.sorted()
    }

    /// A directory's identity, whatever path reaches it, with how many pattern components remain to match in it.
    private struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
        var remaining: Int
    }

    private static func match(_ components: [String], in directory: String, prefix: String,
                              into results: inout [String], visited: inout Set<DirectoryID>) {
        guard let head = components.first else { return }
        var info = stat()
        if stat(directory, &info) == 0 {
            let id = DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), remaining: components.count)
            // The same folder under the same remaining pattern was walked already (a link loop, or two links).
            guard visited.insert(id).inserted else { return }
        }
        let manager = FileManager.default
        let entries = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        func join(_ name: String) -> String {
            prefix.isEmpty ? name : (prefix.hasSuffix("/") ? prefix + name : prefix + "/" + name)
        }
        func isDirectory(_ path: String) -> Bool {
            var flag: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
        }
        if head == "**" {
            // Zero directories…
            match(Array(components.dropFirst()), in: directory, prefix: prefix, into: &results, visited: &visited)
            // …or one more, keeping `**`.
            for entry in entries where !entry.hasPrefix(".") {
                let path = join(entry)
                if isDirectory(path) { match(components, in: path, prefix: path, into: &results, visited: &visited) }
            }
            return
        }
        for entry in entries where matches(Array(entry.utf8), Array(head.utf8)) {
            let path = join(entry)
            if components.count == 1 {
                if !isDirectory(path) { results.append(path) }
            } else if isDirectory(path) {
                match(Array(components.dropFirst()), in: path, prefix: path, into: &results, visited: &visited)
            }
        }
    }

    /// Whether `name` matches `pattern` (`*` and `?` wildcards), by backtracking over bytes.
    static func matches(_ name: [UInt8], _ pattern: [UInt8]) -> Bool {
        var n = 0, p = 0
        var star = -1, mark = 0
        while n < name.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == name[n] {
                n += 1
                p += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = n
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                n = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
