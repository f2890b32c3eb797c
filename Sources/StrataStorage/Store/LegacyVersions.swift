import Foundation
import StrataCore

// The version manifests of stores written before tables became Delta tables (`_strata/versions/<N>.json`), read
// as they are and upgraded to a Delta log by the table's next write.
//
// Algorithm (upgrade, under the table's writer lock):
// 1. Read every manifest, 1…N; a gap or a manifest that does not parse stops the upgrade with its error (a damaged
//    history is never rewritten).
// 2. Build the Delta commits: version 0 creates the empty table (protocol, metaData with version 1's schema), so
//    each old version keeps its number; version v adds the files it gained, removes those it lost and restates
//    the schema when it changed, with Strata's checks as tags and statistics from each file's footer.
// 3. Write them into `_strata/upgrade-<random>/`, fsync each file and the folder, then rename the folder to
//    `_delta_log` (atomic; from then on the log is the table's record) and fsync the table folder.
// 4. Remove `_strata/versions/`. A crash before step 3 leaves the old manifests in charge and a temp folder the
//    next writer removes; a crash after it leaves manifests that nothing reads any more.

/// The manifests of a table written in the pre-Delta layout.
package struct LegacyVersions: Sendable {
    /// The table folder.
    package let tableDirectory: String
    /// The table name.
    package let table: String

    /// The folder of the manifests.
    package var directory: String { tableDirectory + "/_strata/versions" }

    /// The committed versions, ascending (empty when there is no such folder).
    package func versions() throws -> [Int] {
        guard FileSystem.kind(of: directory).isDirectory else { return [] }
        return try FileSystem.list(directory).compactMap(Store.versionNumber(fileName:)).sorted()
    }

    /// The manifest of `version`.
    package func read(_ version: Int) throws -> Manifest {
        let file = directory + "/" + Store.manifestName(version)
        let handle = try FileIO(path: file, mode: .read)
        defer { try? handle.close() }
        let bytes = try handle.read(count: Int(try handle.size()), at: 0)
        let manifest = try Manifest.decode(bytes, path: file)
        guard manifest.version == version, manifest.table == table else {
            throw StrataError(.corrupt, "manifest names \(manifest.table) version \(manifest.version)", path: file)
        }
        return manifest
    }

    /// Rewrites the manifests as a Delta log (see the algorithm above); the caller holds the writer lock and
    /// has checked that `log` has no commit.
    package func upgrade(to log: DeltaLog) throws {
        let numbers = try versions()
        guard let last = numbers.last else { return }
        // Sorted without repeats: 1…last are all there exactly when the first is 1 and there are `last` of them.
        guard numbers.first == 1, numbers.count == last else {
            throw StrataError(.corrupt, "table \"\(table)\" is missing version manifests (has \(numbers.count) of "
                + "1…\(last)); it cannot be upgraded to a Delta log", path: directory)
        }
        let manifests = try numbers.map(read)
        let first = manifests[0]
        let created = LegacyVersions.millis(first.committedAt)
        let metadata = DeltaMetadata(id: UUID().uuidString.lowercased(), format: .init(provider: "parquet", options: [:]),
                                     schemaString: try DeltaSchema.schemaString(for: Schema(unchecked: first.schema)),
                                     partitionColumns: [], createdTime: created, configuration: [:])
        var commits: [[DeltaAction]] = [[
            .commitInfo(DeltaCommitInfo(timestamp: created, operation: "CREATE TABLE",
                                        operationParameters: ["mode": .text("ErrorIfExists")],
                                        engineInfo: DeltaLog.engineInfo, operationMetrics: nil)),
            .protocol(.strata), .metaData(metadata),
        ]]
        var previous: [PartitionInfo] = []
        var schema = first.schema
        for manifest in manifests {
            let time = LegacyVersions.millis(manifest.committedAt)
            var actions: [DeltaAction] = [.commitInfo(TableAppender.commitInfo(
                operation: manifest.operation, time: time, addedFiles: 0, addedRows: 0))]
            if manifest.schema != schema {
                var changed = metadata
                changed.schemaString = try DeltaSchema.schemaString(for: Schema(unchecked: manifest.schema))
                actions.append(.metaData(changed))
                schema = manifest.schema
            }
            let now = Set(manifest.partitions.map(\.file))
            let before = Set(previous.map(\.file))
            for partition in previous where !now.contains(partition.file) {
                actions.append(.remove(DeltaRemove(path: partition.file, deletionTimestamp: time, dataChange: true,
                                                   extendedFileMetadata: true, partitionValues: [:],
                                                   size: partition.bytes)))
            }
            for partition in manifest.partitions where !before.contains(partition.file) {
                let stats = try? DeltaStatistics.json(forFileAt: tableDirectory + "/" + partition.file,
                                                      schema: Schema(unchecked: manifest.schema))
                actions.append(.add(partition.addAction(stats: stats, time: time)))
            }
            previous = manifest.partitions
            commits.append(actions)
        }
        let temp = tableDirectory + "/_strata/upgrade-" + FileSystem.randomHex(8)
        try FileSystem.createDirectory(temp)
        do {
            for (version, actions) in commits.enumerated() {
                let file = try FileIO(path: temp + "/" + DeltaLog.fileName(version), mode: .createNew)
                try file.write(try DeltaAction.encodeCommit(actions))
                try file.sync()
                try file.close()
            }
            try FileSystem.syncDirectory(temp)
            try FileSystem.rename(temp, to: log.directory)
            try FileSystem.syncDirectory(tableDirectory)
        } catch {
            try? FileSystem.removeTree(temp)
            throw error
        }
        try FileSystem.removeTree(directory)
    }

    /// Milliseconds since the epoch of an ISO 8601 time (0 when it does not parse).
    static func millis(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        return 0
    }
}

extension PartitionInfo {
    /// The `add` action of this file, committed at `time` (milliseconds since the epoch).
    package func addAction(stats: String?, time: Int64) -> DeltaAdd {
        DeltaAdd(path: file, partitionValues: [:], size: bytes, modificationTime: time, dataChange: true,
                 stats: stats, tags: tags, deletionVector: nil)
    }
}
