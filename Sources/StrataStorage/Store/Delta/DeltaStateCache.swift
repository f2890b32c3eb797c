import Foundation
import StrataCore

// Replayed Delta states kept beside the log, so that opening a table with thousands of versions reads a few
// commits, not all of them. Delta's own answer is a Parquet checkpoint; this is Strata's private, optional one.
//
// Algorithm:
// 1. After a commit whose version is a multiple of `interval`, the writer stores the replayed state of that version
//    (protocol, metaData, the live `add` actions in order, the commitInfo, every file ever added) as
//    `_strata/states/<version in 20 digits>.json`, written to a temp file and renamed into place.
// 2. A reader of version N takes the highest stored state at or below N that decodes, names its own version and
//    was made from a commit file of the size it recorded, then replays the commits after it. Deciding which files
//    are leftovers to delete never uses a stored state: that replays from commit 0. Commits never change, so a stored state stays true whatever is committed
//    later; a missing, partial or unreadable one only means replaying from further back (ultimately commit 0).

/// The replayed states of one table stored under `_strata/states/`.
package struct DeltaStateCache: Sendable {
    /// Every how many versions a state is stored.
    package static let interval = 16
    /// The format of the stored files.
    static let formatVersion = 1

    /// The table folder.
    let tableDirectory: String

    /// The folder of the stored states.
    var directory: String { tableDirectory + "/_strata/states" }

    /// The commit file of `version`.
    private func commitPath(_ version: Int) -> String {
        tableDirectory + "/" + DeltaLog.folderName + "/" + DeltaLog.fileName(version)
    }

    /// The state stored for the highest version at or below `version` that reads back, or nil.
    func nearest(atOrBelow version: Int) -> DeltaTableState? {
        guard FileSystem.kind(of: directory).isDirectory,
              let names = try? FileSystem.list(directory) else { return nil }
        let versions = names.compactMap(DeltaLog.version(fileName:)).filter { $0 <= version }.sorted(by: >)
        for candidate in versions {
            if let state = read(candidate) { return state }
        }
        return nil
    }

    /// The stored state of `version`, when it decodes and is that version's.
    private func read(_ version: Int) -> DeltaTableState? {
        let path = directory + "/" + DeltaLog.fileName(version)
        guard let file = try? FileIO(path: path, mode: .read) else { return nil }
        defer { try? file.close() }
        guard let size = try? file.size(), size < 1 << 31, let bytes = try? file.read(count: Int(size), at: 0),
              let stored = try? JSONDecoder().decode(Stored.self, from: Data(bytes)),
              stored.formatVersion == Self.formatVersion, stored.version == version,
              // The commit it was made from must still be the one there (a log recreated in the same folder, or a
              // folder copied with another table's states, has other commits).
              let commitBytes = try? FileSystem.size(of: commitPath(version)), commitBytes == stored.commitBytes
        else { return nil }
        return DeltaTableState(version: stored.version, protocol: stored.protocol, metaData: stored.metaData,
                               files: stored.files, commitInfo: stored.commitInfo, everAdded: Set(stored.everAdded))
    }

    /// Stores `state` when its version is a multiple of ``interval`` (step 1); failures are ignored (the cache is
    /// optional).
    func storeIfDue(_ state: DeltaTableState) {
        guard state.version > 0, state.version % Self.interval == 0 else { return }
        guard let commitBytes = try? FileSystem.size(of: commitPath(state.version)) else { return }
        let stored = Stored(formatVersion: Self.formatVersion, version: state.version, commitBytes: commitBytes,
                            protocol: state.protocol, metaData: state.metaData, files: state.files,
                            commitInfo: state.commitInfo, everAdded: state.everAdded.sorted())
        guard let bytes = try? JSONEncoder().encode(stored) else { return }
        try? FileSystem.createDirectory(directory)
        try? FileSystem.writeAtomically(Array(bytes), to: directory + "/" + DeltaLog.fileName(state.version))
    }

    /// The file's contents.
    private struct Stored: Codable {
        var formatVersion: Int
        var version: Int
        /// The size of the commit file of `version` when the state was stored.
        var commitBytes: Int64
        var `protocol`: DeltaProtocol?
        var metaData: DeltaMetadata?
        var files: [DeltaAdd]
        var commitInfo: DeltaCommitInfo?
        var everAdded: [String]
    }
}
