import Foundation
import StrataCore

// Reading a classic Delta checkpoint: the table's state at a version as a Parquet file (or several parts), for logs
// whose earlier JSON commits another engine cleaned up.
//
// Algorithm:
// 1. Checkpoints are `<version>.checkpoint.parquet`, or the parts `<version>.checkpoint.<part>.<parts>.parquet`
//    (all of them, else the checkpoint is not used).
// 2. Each part is read with struct leaves flattened to dotted names (`add.path`, `metaData.schemaString`, …); the
//    leaves inside lists and maps (partitionValues, tags, configuration, partitionColumns, the reader and writer
//    features) are not read.
// 3. Each row holds one action: an `add` (path, size, modificationTime, dataChange, stats, and whether it has a
//    deletion vector), `metaData` (id, format, schemaString, createdTime) or `protocol` (the two versions); they
//    are applied in order as one commit at the checkpoint's version. Tombstones (`remove`) do not change the state.
// 4. What a checkpoint's lists and maps would have said is not known, so the state is marked as coming from a
//    checkpoint: reading refuses reader versions above 1 (their features cannot be checked), and writing refuses it
//    altogether (the table's configuration, e.g. append-only, is unknown).

/// Reads classic Parquet checkpoints of a Delta log.
enum DeltaCheckpoint {
    /// The complete checkpoints among the log's file `names`: version → its part files, in part order.
    static func list(_ names: [String]) -> [Int: [String]] {
        var single: [Int: [String]] = [:]
        var parts: [Int: [Int: String]] = [:]
        var expected: [Int: Int] = [:]
        for name in names where name.hasSuffix(".parquet") {
            let pieces = name.split(separator: ".")
            guard pieces.count >= 3, pieces[0].utf8.count == 20, let version = Int(pieces[0]),
                  pieces[1] == "checkpoint" else { continue }
            if pieces.count == 3 {
                single[version] = [name]
            } else if pieces.count == 5, let part = Int(pieces[2]), let total = Int(pieces[3]), part >= 1,
                      part <= total, total <= 100_000 {
                parts[version, default: [:]][part] = name
                expected[version] = total
            }
        }
        for (version, found) in parts where found.count == expected[version] && single[version] == nil {
            single[version] = found.keys.sorted().compactMap { found[$0] }
        }
        return single
    }

    /// The state at checkpoint `version` from its `files` in `directory` (step 2 and 3).
    static func read(directory: String, version: Int, files: [String]) throws -> DeltaTableState {
        var actions: [DeltaAction] = []
        for file in files {
            let path = directory + "/" + file
            let reader = try ParquetFileReader(path: path, structs: true)
            let names = reader.schema.fields.map(\.name)
            func column(_ name: String) -> Int? {
                guard let index = names.firstIndex(of: name), reader.isReadable(column: index) else { return nil }
                return index
            }
            let wanted = ["add.path", "add.size", "add.modificationTime", "add.dataChange", "add.stats",
                          "add.deletionVector.storageType", "metaData.id", "metaData.schemaString",
                          "metaData.format.provider", "metaData.createdTime", "protocol.minReaderVersion",
                          "protocol.minWriterVersion"]
            let present = wanted.compactMap { name in column(name).map { (name, $0) } }
            let indices = present.map(\.1)
            for group in 0..<reader.rowGroupCount {
                let batch = try reader.readRowGroup(group, columns: indices)
                func value(_ name: String, _ row: Int) -> Value {
                    guard let position = present.firstIndex(where: { $0.0 == name }) else { return .null }
                    return batch.columns[position].value(at: row)
                }
                func integer(_ name: String, _ row: Int) -> Int64? {
                    switch value(name, row) {
                    case let .int64(v): v
                    case let .int32(v): Int64(v)
                    default: nil
                    }
                }
                func text(_ name: String, _ row: Int) -> String? {
                    if case let .string(v) = value(name, row) { return v }
                    return nil
                }
                for row in 0..<batch.count {
                    if let addPath = text("add.path", row) {
                        guard let size = integer("add.size", row) else {
                            throw StrataError(.corrupt, "checkpoint add of \(addPath) has no size", path: path)
                        }
                        let dataChange: Bool = if case let .bool(flag) = value("add.dataChange", row) { flag } else { false }
                        let vector = text("add.deletionVector.storageType", row)
                            .map { DeltaDeletionVector(storageType: $0) }
                        actions.append(.add(DeltaAdd(path: addPath, partitionValues: [:], size: size,
                                                     modificationTime: integer("add.modificationTime", row) ?? 0,
                                                     dataChange: dataChange, stats: text("add.stats", row),
                                                     tags: nil, deletionVector: vector)))
                    }
                    if let id = text("metaData.id", row) {
                        guard let schemaString = text("metaData.schemaString", row) else {
                            throw StrataError(.corrupt, "checkpoint metaData has no schemaString", path: path)
                        }
                        actions.append(.metaData(DeltaMetadata(
                            id: id, format: .init(provider: text("metaData.format.provider", row) ?? "parquet",
                                                  options: [:]),
                            schemaString: schemaString, partitionColumns: [],
                            createdTime: integer("metaData.createdTime", row), configuration: [:])))
                    }
                    if let reader = integer("protocol.minReaderVersion", row),
                       let writer = integer("protocol.minWriterVersion", row) {
                        guard let readerVersion = Int(exactly: reader), let writerVersion = Int(exactly: writer) else {
                            continue
                        }
                        actions.append(.protocol(DeltaProtocol(minReaderVersion: readerVersion,
                                                               minWriterVersion: writerVersion)))
                    }
                }
            }
        }
        var state = DeltaTableState(version: -1)
        try state.apply(actions, version: version, path: directory + "/" + (files.first ?? ""))
        state.fromCheckpoint = true
        return state
    }
}
