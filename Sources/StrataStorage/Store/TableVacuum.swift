import Foundation
import StrataCore

// VACUUM: deletes the data files of a table that no version inside the retention period needs.
//
// Algorithm:
// 1. Take the table's writer lock (no Strata write runs meanwhile) and replay its log to the latest version.
// 2. The retention is the caller's, or the table's `delta.deletedFileRetentionDuration`, or 7 days (Delta's
//    default). Below 7 days is refused unless the caller allows it explicitly, as Delta does.
// 3. Candidates are the Parquet files directly in the table folder (names not starting with `_` or `.`) that the
//    latest version does not use and that are either removed by a commit older than the retention (its
//    `deletionTimestamp`) or referenced by no commit and last modified before the retention began (a crashed or
//    still running writer's file).
// 4. Unless it is a dry run, take the readers' lock exclusively (`_strata/readers`; every reader holds it shared
//    while it reads), retrying for a few seconds, and delete the candidates; then release both locks. The log is
//    not changed: the versions whose files are gone stay listed, and reading one names the missing file.

/// What `VACUUM` deleted, or would delete in a dry run.
package struct VacuumResult: Sendable, Equatable {
    /// One deleted file.
    package struct File: Sendable, Equatable {
        /// Its name inside the table folder.
        package var name: String
        /// Its size.
        package var bytes: Int64
    }

    /// The files, sorted by name.
    package var files: [File]
    /// Their total size.
    package var bytes: Int64 { files.reduce(0) { $0 + $1.bytes } }
    /// Whether nothing was deleted (a dry run).
    package var dryRun: Bool
    /// The retention applied, in hours.
    package var retentionHours: Double
}

/// Deletes what no version inside the retention period of one table needs.
package enum TableVacuum {
    /// Delta's default retention: 7 days.
    package static let defaultRetentionHours = 168.0
    /// The longest retention accepted (about 114,000 years), so the cutoff stays a representable time.
    package static let maximumRetentionHours = 1e9
    /// How long to wait for running readers before giving up, by default.
    package static let readerWaitSeconds = 10.0

    /// Vacuums table `name` of `store`: `retentionHours` (nil: the table's or the default), `allowShortRetention`
    /// to go below 7 days, `dryRun` to list without deleting; running readers are waited for `readerWait` seconds.
    package static func run(store: Store, table name: String, retentionHours: Double?, allowShortRetention: Bool,
                            dryRun: Bool, now: Date = Date(),
                            readerWait: Double = readerWaitSeconds) throws -> VacuumResult {
        try Store.validateTableName(name)
        try store.checkNoLinks(table: name)
        _ = try store.latestVersion(of: name)
        let directory = store.tableDirectory(name)
        try FileSystem.createDirectory(directory + "/_strata")
        guard let writerLock = try FileLock(path: directory + "/_strata/lock", wait: true) else {
            throw StrataError(.internal, "lock unavailable", path: directory)
        }
        defer { writerLock.unlock() }
        let log = store.log(of: name)
        guard log.exists, try log.latestVersion() != nil else {
            throw StrataError(.unsupported, "table \"\(name)\" is in the pre-Delta layout; append to it (or replace "
                + "it) once to upgrade it, then VACUUM", path: directory)
        }
        let state = try log.replay()
        let retention = try retentionHours ?? tableRetention(state) ?? defaultRetentionHours
        guard retention >= 0, retention <= maximumRetentionHours else {
            throw StrataError(.invalidArgument, "the retention must be between 0 and "
                + "\(Int(maximumRetentionHours)) hours")
        }
        guard retention >= defaultRetentionHours || allowShortRetention else {
            throw StrataError(.invalidArgument, "a retention of \(format(retention)) hours is below the "
                + "\(format(defaultRetentionHours))-hour default: a reader or writer may still need files it would "
                + "delete; allow it explicitly (strata vacuum --allow-short-retention) if nothing else uses the table")
        }
        let cutoff = Int64(max(-9.0e15, (now.timeIntervalSince1970 - retention * 3600) * 1000))
        let live = Set(state.files.map { DeltaLog.decodePath($0.path) })
        var removedAt: [String: Int64] = [:]
        var referenced = Set<String>()
        for version in try log.versions() {
            for action in try log.readCommit(version) {
                if let add = action.add { referenced.insert(DeltaLog.decodePath(add.path)) }
                if let remove = action.remove {
                    let file = DeltaLog.decodePath(remove.path)
                    removedAt[file] = max(removedAt[file] ?? .min, remove.deletionTimestamp ?? 0)
                }
            }
        }
        var candidates: [(String, Int64)] = []
        for file in try FileSystem.list(directory)
        where file.hasSuffix(".parquet") && !file.hasPrefix("_") && !file.hasPrefix(".") && !live.contains(file) {
            let path = directory + "/" + file
            guard !FileSystem.isSymbolicLink(path), let (size, modified) = FileSystem.sizeAndModification(path)
            else { continue }
            let expired: Bool
            if let removed = removedAt[file] {
                expired = removed < cutoff
            } else {
                expired = !referenced.contains(file) && modified < cutoff
            }
            if expired { candidates.append((file, size)) }
        }
        let result = VacuumResult(files: candidates.sorted { $0.0 < $1.0 }.map { VacuumResult.File(name: $0.0, bytes: $0.1) },
                                  dryRun: dryRun, retentionHours: retention)
        guard !dryRun, !candidates.isEmpty else { return result }
        let exclusive = try excludeReaders(of: directory, table: name, wait: readerWait, doing: "VACUUM deletes")
        defer { exclusive.unlock() }
        for (file, _) in candidates { try FileSystem.remove(directory + "/" + file) }
        try FileSystem.syncDirectory(directory)
        return result
    }

    /// The readers' lock of the table folder `directory`, taken exclusively once no Strata query reads the table,
    /// waiting `wait` seconds at most; else a `conflict` error saying that `doing` (e.g. "VACUUM deletes") nothing.
    package static func excludeReaders(of directory: String, table: String, wait: Double,
                                       doing: String) throws -> FileLock {
        let readers = directory + "/_strata/" + TableSnapshot.readersLock
        let deadline = Date().addingTimeInterval(wait)
        var exclusive = try FileLock(path: readers, wait: false)
        while exclusive == nil && Date() < deadline {
            usleep(50_000)
            exclusive = try FileLock(path: readers, wait: false)
        }
        guard let exclusive else {
            throw StrataError(.conflict, "queries are reading table \"\(table)\"; \(doing) nothing while one runs "
                + "(run it again when they have finished)", path: directory)
        }
        return exclusive
    }

    /// The table's `delta.deletedFileRetentionDuration` in hours (`interval 7 days`, `interval 36 hours`, …).
    static func tableRetention(_ state: DeltaTableState) throws -> Double? {
        guard let text = state.metaData?.configuration["delta.deletedFileRetentionDuration"] else { return nil }
        let words = text.lowercased().split(separator: " ")
        guard words.count == 3, words[0] == "interval", let amount = Double(words[1]), amount >= 0 else {
            return nil
        }
        switch words[2] {
        case "hour", "hours": return amount
        case "day", "days": return amount * 24
        case "week", "weeks": return amount * 168
        case "minute", "minutes": return amount / 60
        default: return nil
        }
    }

    private static func format(_ hours: Double) -> String {
        hours == hours.rounded() ? String(Int(hours)) : String(hours)
    }
}
