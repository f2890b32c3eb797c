import Foundation
import StrataCore

// The Delta Lake transaction log of one table folder (`_delta_log/`), the one record of its versions.
//
// Algorithm (reading a version, "replay"):
// 1. List `_delta_log/`: commit files are named by their version in 20 digits (`00000000000000000007.json`).
//    Version 0 must be there (a log that starts at a checkpoint is not read yet).
// 2. Read commits 0…N in order. Each line is one action: `protocol` and `metaData` replace the previous ones;
//    `add` makes a file live, `remove` retires it; `commitInfo` gives the version's time and operation.
// 3. Check what the table needs against what Strata reads: reader version ≤ 3 with only known features, no column
//    mapping, no partition columns, no deletion vectors; each a clear `unsupported` error naming the feature.
// 4. The live files, in the order they were added, become the version's partitions. Files Strata wrote carry its
//    integrity checks in `tags` (CRC-32 of the file and its footer, rows, row groups, codec); files other writers
//    added get rows, row groups and codec from their footer, and no checksum.
//
// Committing version N: write the commit to `_delta_log/_commit_strata-<random>.json.tmp`, fsync, hard-link it to
// the version's name (the link fails if the version exists: put-if-absent, the Delta rule) and fsync the folder.

/// Reads, replays and appends to a table's Delta log.
package struct DeltaLog: Sendable {
    /// Name of the log folder inside a table folder.
    package static let folderName = "_delta_log"
    /// The engine named in `commitInfo.engineInfo`.
    package static let engineInfo = "strata"

    /// The table folder.
    package let tableDirectory: String
    /// The table name, for errors and snapshots.
    package let table: String

    /// The log folder.
    package var directory: String { tableDirectory + "/" + DeltaLog.folderName }

    /// A log handle for the table in `tableDirectory`.
    package init(tableDirectory: String, table: String) {
        self.tableDirectory = tableDirectory
        self.table = table
    }

    /// Whether the table folder has a log.
    package var exists: Bool { FileSystem.kind(of: directory).isDirectory }

    /// The committed versions, ascending.
    package func versions() throws -> [Int] {
        try FileSystem.list(directory).compactMap(DeltaLog.version(fileName:)).sorted()
    }

    /// The highest committed version, nil when there is none.
    package func latestVersion() throws -> Int? {
        try versions().last
    }

    /// Path of the commit file of `version`.
    package func commitPath(_ version: Int) -> String { directory + "/" + DeltaLog.fileName(version) }

    /// The actions of commit `version`.
    package func readCommit(_ version: Int) throws -> [DeltaAction] {
        let path = commitPath(version)
        guard FileSystem.kind(of: path).exists else {
            throw StrataError(.notFound, "table \"\(table)\" has no version \(version)", path: directory)
        }
        let file = try FileIO(path: path, mode: .read)
        defer { try? file.close() }
        let size = try file.size()
        guard size <= 1 << 31 else {
            throw StrataError(.unsupported, "Delta commit of \(size) bytes is too large", path: path)
        }
        return try DeltaAction.decodeCommit(try file.read(count: Int(size), at: 0), path: path)
    }

    /// The state of the table at `version` (the latest when nil).
    package func replay(upTo version: Int? = nil) throws -> DeltaTableState {
        let state = try unchecked(upTo: version)
        try state.check(path: directory)
        return state
    }

    /// The state at `version` (the latest when nil) without checking that Strata reads what the table needs:
    /// from the nearest cached state at or below it (``DeltaStateCache``), else from commit 0, then commit by
    /// commit.
    func unchecked(upTo version: Int? = nil, cached: Bool = true) throws -> DeltaTableState {
        let all = try versions()
        guard let latest = all.last else {
            throw StrataError(.notFound, "table \"\(table)\" does not exist", path: tableDirectory)
        }
        let target = version ?? latest
        guard target >= 0, all.contains(target) else {
            throw StrataError(.notFound, "table \"\(table)\" has no version \(target) (versions "
                + "\(all.first ?? 0)…\(latest))", path: directory)
        }
        let stored = cached ? DeltaStateCache(tableDirectory: tableDirectory).nearest(atOrBelow: target) : nil
        var state = stored ?? DeltaTableState(version: -1)
        if state.version < 0 && all.first != 0 {
            // Earlier commits were cleaned up: start from the latest complete checkpoint at or below the target.
            let checkpoints = DeltaCheckpoint.list(try FileSystem.list(directory))
            guard let version = checkpoints.keys.filter({ $0 <= target }).max(), let files = checkpoints[version] else {
                throw StrataError(.corrupt, "the Delta log of table \"\(table)\" starts at version "
                    + "\(all.first ?? 0) and has no checkpoint at or below version \(target)", path: directory)
            }
            state = try DeltaCheckpoint.read(directory: directory, version: version, files: files)
        }
        let start = state.version + 1
        if start <= target {
            // Sorted and without repeats: commits start…target are all there exactly when `start` is at index i
            // and `target` at index i + (target - start).
            guard let first = all.firstIndex(of: start), first + (target - start) < all.count,
                  all[first + (target - start)] == target else {
                throw StrataError(.corrupt, "the Delta log of table \"\(table)\" is missing commits before version "
                    + "\(target)", path: directory)
            }
            for current in start...target {
                try state.apply(try readCommit(current), version: current, path: commitPath(current))
            }
        }
        return state
    }

    /// The table as a manifest of `version` (the latest when nil): schema and live partitions.
    package func manifest(version: Int? = nil) throws -> Manifest {
        let state = try replay(upTo: version)
        return try state.manifest(table: table, tableDirectory: tableDirectory, path: directory)
    }

    /// Every version with its time, operation, engine and the live files and rows after it, replaying the log once.
    package func history() throws -> [TableVersionSummary] {
        let all = try versions()
        guard let latest = all.last else {
            throw StrataError(.notFound, "table \"\(table)\" does not exist", path: tableDirectory)
        }
        // A log whose early commits were cleaned up starts at its checkpoint.
        var state = all.first == 0 ? DeltaTableState(version: -1) : try unchecked(upTo: all.first)
        var summaries: [TableVersionSummary] = []
        if let first = state.summaryOfLastVersion(), state.version >= 0 { summaries.append(first) }
        guard state.version < latest else { return summaries }
        for current in (state.version + 1)...latest {
            try state.apply(try readCommit(current), version: current, path: commitPath(current))
            if let summary = state.summaryOfLastVersion() { summaries.append(summary) }
        }
        return summaries
    }

    /// Writes `actions` as commit `version` if no such commit exists; false when another writer committed that
    /// version first.
    package func commit(_ actions: [DeltaAction], version: Int) throws -> Bool {
        try FileSystem.createDirectory(directory)
        let temp = directory + "/_commit_strata-\(FileSystem.randomHex(12)).json.tmp"
        let file = try FileIO(path: temp, mode: .createNew)
        defer { try? FileSystem.remove(temp) }
        try file.write(try DeltaAction.encodeCommit(actions))
        try file.sync()
        try file.close()
        do {
            try FileSystem.link(temp, to: commitPath(version))
        } catch let error as StrataError where error.code == .alreadyExists {
            return false
        }
        // The link is the commit point: from here on the version exists, whatever the folder's fsync says.
        try? FileSystem.syncDirectory(directory)
        return true
    }

    /// Removes commit temp files a crashed Strata writer left (caller holds the table's writer lock; other engines'
    /// temp files are left alone).
    package func removeLeftovers() throws {
        guard exists else { return }
        for name in try FileSystem.list(directory)
        where name.hasPrefix("_commit_strata-") && name.hasSuffix(".json.tmp") {
            try FileSystem.remove(directory + "/" + name)
        }
    }

    /// Every file any version of the log added (the files that must never be deleted as leftovers), replayed from
    /// commit 0: a decision to delete never rests on the optional state cache.
    package func everyAddedFile() throws -> Set<String> {
        try unchecked(cached: false).everAdded
    }

    /// `00000000000000000007.json` for version 7.
    package static func fileName(_ version: Int) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    /// The version a commit file name stands for (nil for other names: checkpoints, temp files, …).
    package static func version(fileName: String) -> Int? {
        guard fileName.hasSuffix(".json"), fileName.utf8.count == 25,
              fileName.utf8.prefix(20).allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        return Int(fileName.prefix(20))
    }

    /// A log path (URL-encoded, relative to the table folder) as a file name.
    package static func decodePath(_ path: String) -> String {
        path.removingPercentEncoding ?? path
    }

    /// ISO 8601 (UTC) of a log timestamp in milliseconds; nil when it is out of range (the log is not trusted).
    package static func isoTime(millis: Int64) -> String? {
        let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : CivilDate.format(micros: micros)
    }

    /// Milliseconds since the epoch, now.
    package static func nowMillis() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}

/// What replaying a Delta log up to a version yields.
package struct DeltaTableState: Sendable {
    /// The version replayed to.
    package var version: Int
    /// The table's protocol.
    package var `protocol`: DeltaProtocol?
    /// The table's metadata.
    package var metaData: DeltaMetadata?
    /// Live files by decoded path, with the sequence number that orders them as they were added.
    private var live: [String: (sequence: Int, add: DeltaAdd)] = [:]
    private var sequence = 0
    /// `commitInfo` of the last version.
    package var commitInfo: DeltaCommitInfo?
    /// Every file any version up to this one added, removed or not (from a checkpoint on: the ones added since).
    package private(set) var everAdded = Set<String>()
    /// Whether the state starts from a Parquet checkpoint, whose lists and maps (configuration, partition columns,
    /// table features) Strata does not read: such a table is read, never written.
    package var fromCheckpoint = false

    /// Reader features Strata reads (a naive timestamp is read as a timestamp).
    static let supportedReaderFeatures: Set<String> = ["timestampNtz"]

    init(version: Int) {
        self.version = version
    }

    /// A state as ``DeltaStateCache`` stored it.
    init(version: Int, protocol: DeltaProtocol?, metaData: DeltaMetadata?, files: [DeltaAdd],
         commitInfo: DeltaCommitInfo?, everAdded: Set<String>) {
        self.version = version
        self.protocol = `protocol`
        self.metaData = metaData
        self.commitInfo = commitInfo
        self.everAdded = everAdded
        for add in files {
            live[DeltaLog.decodePath(add.path)] = (sequence, add)
            sequence += 1
        }
    }

    mutating func apply(_ actions: [DeltaAction], version: Int, path: String) throws {
        self.version = version
        commitInfo = nil
        for action in actions {
            if let value = action.protocol { self.protocol = value }
            if let value = action.metaData { metaData = value }
            if let info = action.commitInfo { commitInfo = info }
            if let add = action.add {
                guard add.deletionVector == nil else {
                    throw StrataError(.unsupported, "file \(add.path) has a deletion vector; Strata does not read "
                        + "Delta tables with the deletionVectors feature", path: path)
                }
                let name = DeltaLog.decodePath(add.path)
                live[name] = (live[name]?.sequence ?? sequence, add)
                sequence += 1
                everAdded.insert(name)
            }
            if let remove = action.remove { live.removeValue(forKey: DeltaLog.decodePath(remove.path)) }
        }
    }

    /// Live files in the order they were added.
    package var files: [DeltaAdd] {
        live.values.sorted { $0.sequence < $1.sequence }.map(\.add)
    }

    /// What the last applied commit left: its time, operation and engine, the live files, rows and bytes.
    func summaryOfLastVersion() -> TableVersionSummary? {
        guard version >= 0 else { return nil }
        var rows: Int64? = 0
        var bytes: Int64 = 0
        for (_, entry) in live {
            let add = entry.add
            let (total, overflow) = bytes.addingReportingOverflow(max(0, add.size))
            bytes = overflow ? .max : total
            let fileRows = (add.tags?[PartitionInfo.Tag.rows] ?? nil).flatMap(Int64.init)
                ?? add.stats.flatMap(DeltaStatistics.numRecords(in:))
            if let fileRows, let sum = rows, !sum.addingReportingOverflow(fileRows).overflow {
                rows = sum + fileRows
            } else {
                rows = nil
            }
        }
        return TableVersionSummary(version: version, timestampMillis: commitInfo?.timestamp,
                                   operation: DeltaTableState.operation(of: commitInfo),
                                   engine: commitInfo?.engineInfo, files: live.count, rows: rows, bytes: bytes)
    }

    /// Checks that Strata can read what the table needs.
    func check(path: String) throws {
        guard let proto = self.protocol else {
            throw StrataError(.corrupt, "Delta log has no protocol action", path: path)
        }
        guard let metaData else {
            throw StrataError(.corrupt, "Delta log has no metaData action", path: path)
        }
        if fromCheckpoint && proto.minReaderVersion > 1 {
            throw StrataError(.unsupported, "the table needs Delta reader version \(proto.minReaderVersion) and its "
                + "log starts at a checkpoint, whose table features Strata does not read", path: path)
        }
        guard proto.minReaderVersion <= 3 else {
            throw StrataError(.unsupported, "table needs Delta reader version \(proto.minReaderVersion); Strata "
                + "reads versions 1 to 3", path: path)
        }
        if proto.minReaderVersion == 3 {
            let unknown = (proto.readerFeatures ?? []).filter { !Self.supportedReaderFeatures.contains($0) }
            guard unknown.isEmpty else {
                throw StrataError(.unsupported, "table uses the Delta reader feature"
                    + (unknown.count == 1 ? " " : "s ") + unknown.sorted().joined(separator: ", ")
                    + ", which Strata does not read", path: path)
            }
        }
        if let mode = metaData.configuration["delta.columnMapping.mode"], mode != "none" {
            throw StrataError(.unsupported, "table uses Delta column mapping (mode \(mode)), which Strata does not "
                + "read", path: path)
        }
        guard metaData.partitionColumns.isEmpty else {
            throw StrataError(.unsupported, "table is partitioned by "
                + metaData.partitionColumns.joined(separator: ", ")
                + "; Strata does not read partitioned Delta tables yet", path: path)
        }
        guard metaData.format.provider.lowercased() == "parquet" else {
            throw StrataError(.unsupported, "table stores \(metaData.format.provider) files, not Parquet", path: path)
        }
    }

    /// Whether Strata may write the table: writer version 2 or lower (no table features), no column it cannot
    /// write faithfully, and for a write that removes files (`removes`: replace, DELETE, UPDATE) not append-only.
    package func checkWritable(path: String, removes: Bool) throws {
        if fromCheckpoint {
            throw StrataError(.unsupported, "the table's log starts at a Parquet checkpoint (its earlier commits were "
                + "cleaned up); Strata reads such tables but does not write them", path: path)
        }
        guard let proto = self.protocol, proto.minWriterVersion <= 2 else {
            throw StrataError(.unsupported, "table needs Delta writer version \(self.protocol?.minWriterVersion ?? 0)"
                + (self.protocol?.writerFeatures.map { " (features " + $0.joined(separator: ", ") + ")" } ?? "")
                + "; Strata writes tables of writer version 2 or lower", path: path)
        }
        if let schemaString = metaData?.schemaString, let blocker = DeltaSchema.writeBlocker(schemaString) {
            throw StrataError(.unsupported, blocker + "; the table can be read, not written", path: path)
        }
        if removes, metaData?.configuration["delta.appendOnly"]?.lowercased() == "true" {
            throw StrataError(.unsupported, "the table is append-only (delta.appendOnly); it takes appends only",
                              path: path)
        }
    }

    /// The state as a manifest: schema and live partitions of the version.
    func manifest(table: String, tableDirectory: String, path: String) throws -> Manifest {
        guard let metaData else { throw StrataError(.corrupt, "Delta log has no metaData action", path: path) }
        let schema = try DeltaSchema.schema(from: metaData.schemaString, path: path)
        let partitions = try files.map { add in
            try PartitionInfo(add: add, tableDirectory: tableDirectory, logPath: path)
        }
        return Manifest(formatVersion: Manifest.currentFormatVersion, table: table, version: version,
                        operation: DeltaTableState.operation(of: commitInfo),
                        committedAt: (commitInfo?.timestamp).flatMap(DeltaLog.isoTime(millis:)) ?? "",
                        schema: schema.fields,
                        partitions: partitions)
    }

    /// The operation a commit performed, in Strata's words: create, append, replace, or Delta's name lowercased.
    static func operation(of info: DeltaCommitInfo?) -> String {
        guard let info, let operation = info.operation else { return "unknown" }
        let mode: String? = switch info.operationParameters?["mode"] {
        case let .text(text)?: text
        default: nil
        }
        switch (operation, mode) {
        case ("CREATE TABLE", _), ("WRITE", "ErrorIfExists"): return "create"
        case ("WRITE", "Append"), ("STREAMING UPDATE", _): return "append"
        case ("WRITE", "Overwrite"), ("CREATE OR REPLACE TABLE", _), ("REPLACE TABLE", _): return "replace"
        default: return operation.lowercased()
        }
    }
}

extension PartitionInfo {
    /// Tag keys of Strata's integrity checks in an `add` action.
    enum Tag {
        static let rows = "strata.rows"
        static let uncompressedBytes = "strata.uncompressedBytes"
        static let rowGroups = "strata.rowGroups"
        static let crc32 = "strata.crc32"
        static let footerCRC32 = "strata.footerCRC32"
        static let footerBytes = "strata.footerBytes"
        static let codec = "strata.codec"
    }

    /// The partition an `add` action describes: from Strata's tags, or else from the file's footer.
    init(add: DeltaAdd, tableDirectory: String, logPath: String) throws {
        let name = DeltaLog.decodePath(add.path)
        guard PartitionInfo.isPlainName(name) else {
            throw StrataError(.unsupported, "file \"\(add.path)\" is not directly inside the table folder; Strata "
                + "reads Delta tables whose files are all in the table folder", path: logPath)
        }
        guard add.size >= 0 else {
            throw StrataError(.corrupt, "file \(add.path) has a negative size", path: logPath)
        }
        func tag(_ key: String) -> String? { (add.tags?[key] ?? nil) }
        if let rows = tag(Tag.rows).flatMap(Int64.init), let rowGroups = tag(Tag.rowGroups).flatMap(Int.init),
           let uncompressed = tag(Tag.uncompressedBytes).flatMap(Int64.init),
           let crc = tag(Tag.crc32).flatMap({ UInt32($0) }), let footerCRC = tag(Tag.footerCRC32).flatMap({ UInt32($0) }),
           let footerBytes = tag(Tag.footerBytes).flatMap(Int64.init), let codec = tag(Tag.codec),
           rows >= 0, rowGroups >= 0, uncompressed >= 0, footerBytes >= 0 {
            self.init(file: name, rows: rows, bytes: add.size, uncompressedBytes: uncompressed, rowGroups: rowGroups,
                      crc32: crc, footerCRC32: footerCRC, footerBytes: footerBytes, codec: codec,
                      logPath: add.path == name ? nil : add.path)
            return
        }
        // Another writer's file: what the manifest needs comes from its footer (its size is still checked).
        let reader = try ParquetFileReader(path: tableDirectory + "/" + name, expectedSize: add.size)
        self.init(file: name, rows: reader.rowCount, bytes: add.size, uncompressedBytes: reader.uncompressedBytes,
                  rowGroups: reader.rowGroupCount, crc32: nil, footerCRC32: nil, footerBytes: nil,
                  codec: reader.codecName, logPath: add.path == name ? nil : add.path)
    }

    /// Strata's integrity checks as `add` tags.
    var tags: [String: String?] {
        var tags: [String: String?] = [
            Tag.rows: String(rows), Tag.uncompressedBytes: String(uncompressedBytes),
            Tag.rowGroups: String(rowGroups), Tag.codec: codec,
        ]
        if let crc32 { tags[Tag.crc32] = String(crc32) }
        if let footerCRC32 { tags[Tag.footerCRC32] = String(footerCRC32) }
        if let footerBytes { tags[Tag.footerBytes] = String(footerBytes) }
        return tags
    }
}

/// One version of a table as `strata info` and ``Database`` list it.
package struct TableVersionSummary: Sendable, Equatable {
    /// The version number.
    package var version: Int
    /// When it was committed (milliseconds since the epoch), when the log says.
    package var timestampMillis: Int64?
    /// What it did: create, append, replace, or the operation another engine named.
    package var operation: String
    /// The engine that committed it, when the log says.
    package var engine: String?
    /// Live files after it.
    package var files: Int
    /// Rows after it (nil when a file's count is not in the log).
    package var rows: Int64?
    /// Bytes of the live files after it.
    package var bytes: Int64
}
