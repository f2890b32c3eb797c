import Foundation
import StrataCore

/// One line of a Delta Lake commit file (`_delta_log/<version>.json`): exactly one of its members is set.
///
/// Decoding ignores members Strata does not know; ``DeltaLog`` rejects the ones that change what a reader must do
/// (deletion vectors, column mapping, …) by checking the protocol's features. See `docs/format.md`.
package struct DeltaAction: Codable, Sendable, Equatable {
    /// Who committed, when, and what.
    package var commitInfo: DeltaCommitInfo?
    /// The reader and writer versions (and features) the table requires.
    package var `protocol`: DeltaProtocol?
    /// The table's schema and configuration.
    package var metaData: DeltaMetadata?
    /// A data file that becomes part of the table.
    package var add: DeltaAdd?
    /// A data file that stops being part of the table.
    package var remove: DeltaRemove?

    /// An action with only `commitInfo` set.
    package static func commitInfo(_ value: DeltaCommitInfo) -> DeltaAction { DeltaAction(commitInfo: value) }
    /// An action with only `protocol` set.
    package static func `protocol`(_ value: DeltaProtocol) -> DeltaAction { DeltaAction(protocol: value) }
    /// An action with only `metaData` set.
    package static func metaData(_ value: DeltaMetadata) -> DeltaAction { DeltaAction(metaData: value) }
    /// An action with only `add` set.
    package static func add(_ value: DeltaAdd) -> DeltaAction { DeltaAction(add: value) }
    /// An action with only `remove` set.
    package static func remove(_ value: DeltaRemove) -> DeltaAction { DeltaAction(remove: value) }

    init(commitInfo: DeltaCommitInfo? = nil, protocol: DeltaProtocol? = nil, metaData: DeltaMetadata? = nil,
         add: DeltaAdd? = nil, remove: DeltaRemove? = nil) {
        self.commitInfo = commitInfo
        self.protocol = `protocol`
        self.metaData = metaData
        self.add = add
        self.remove = remove
    }

    private enum CodingKeys: String, CodingKey {
        case commitInfo, `protocol`, metaData, add, remove
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // commitInfo is free-form provenance: a shape Strata does not expect is dropped, never an error.
        commitInfo = try? container.decodeIfPresent(DeltaCommitInfo.self, forKey: .commitInfo)
        self.protocol = try container.decodeIfPresent(DeltaProtocol.self, forKey: .protocol)
        metaData = try container.decodeIfPresent(DeltaMetadata.self, forKey: .metaData)
        add = try container.decodeIfPresent(DeltaAdd.self, forKey: .add)
        remove = try container.decodeIfPresent(DeltaRemove.self, forKey: .remove)
    }

    /// The actions of a commit file: one JSON object per line (blank lines are allowed, as in Delta).
    package static func decodeCommit(_ bytes: [UInt8], path: String) throws -> [DeltaAction] {
        var actions: [DeltaAction] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
            do {
                actions.append(try decoder.decode(DeltaAction.self, from: Data(line)))
            } catch {
                throw StrataError(.corrupt, "Delta log line \(lineNumber) is not a valid action: \(error)", path: path)
            }
        }
        return actions
    }

    /// A commit file's bytes: each action as one line of JSON.
    package static func encodeCommit(_ actions: [DeltaAction]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for action in actions {
            do {
                bytes += try encoder.encode(action)
            } catch {
                throw StrataError(.internal, "cannot encode a Delta action: \(error)")
            }
            bytes.append(0x0A)
        }
        return bytes
    }
}

/// The `protocol` action: the lowest reader and writer versions that understand the table.
package struct DeltaProtocol: Codable, Sendable, Equatable {
    /// Readers older than this must not read the table.
    package var minReaderVersion: Int
    /// Writers older than this must not write it.
    package var minWriterVersion: Int
    /// With reader version 3: the features a reader must support.
    package var readerFeatures: [String]?
    /// With writer version 7: the features a writer must support.
    package var writerFeatures: [String]?

    /// What Strata writes: reader 1, writer 2 (no table features).
    package static let strata = DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2)
}

/// The `metaData` action: schema, partition columns and configuration of the table.
package struct DeltaMetadata: Codable, Sendable, Equatable {
    /// A unique id of the table (a UUID).
    package var id: String
    /// Optional user-facing name.
    package var name: String?
    /// Optional description.
    package var description: String?
    /// The data file format (always Parquet).
    package var format: DeltaFormat
    /// The schema as Spark's struct JSON.
    package var schemaString: String
    /// Columns the files are partitioned by (folder names); Strata writes none.
    package var partitionColumns: [String]
    /// When the table was created (milliseconds since the epoch).
    package var createdTime: Int64?
    /// Table properties (`delta.*` keys and others).
    package var configuration: [String: String]

    /// The file format of a Delta table's data files.
    package struct DeltaFormat: Codable, Sendable, Equatable {
        /// `parquet`.
        package var provider: String
        /// Format options (none for Parquet).
        package var options: [String: String]?

        /// A format.
        package init(provider: String, options: [String: String]?) {
            self.provider = provider
            self.options = options
        }
    }

    /// Metadata with these fields.
    package init(id: String, name: String? = nil, description: String? = nil, format: DeltaFormat,
                 schemaString: String, partitionColumns: [String], createdTime: Int64? = nil,
                 configuration: [String: String]) {
        self.id = id
        self.name = name
        self.description = description
        self.format = format
        self.schemaString = schemaString
        self.partitionColumns = partitionColumns
        self.createdTime = createdTime
        self.configuration = configuration
    }
}

/// The `add` action: a data file of the table, with its statistics.
package struct DeltaAdd: Codable, Sendable, Equatable {
    /// The file, relative to the table folder (URL-encoded).
    package var path: String
    /// Values of the partition columns for this file (empty for unpartitioned tables).
    package var partitionValues: [String: String?]
    /// Size of the file in bytes.
    package var size: Int64
    /// When the file was written (milliseconds since the epoch).
    package var modificationTime: Int64
    /// Whether the commit changes the table's data (false for compaction).
    package var dataChange: Bool
    /// Statistics as a JSON string: `numRecords`, `minValues`, `maxValues`, `nullCount`.
    package var stats: String?
    /// Free-form tags; Strata keeps its integrity checks here (`strata.*` keys).
    package var tags: [String: String?]?
    /// Set when rows of the file are deleted by a deletion vector (a feature Strata does not read).
    package var deletionVector: DeltaDeletionVector?

    /// An add action with these fields.
    package init(path: String, partitionValues: [String: String?], size: Int64, modificationTime: Int64,
                 dataChange: Bool, stats: String?, tags: [String: String?]?,
                 deletionVector: DeltaDeletionVector? = nil) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.stats = stats
        self.tags = tags
        self.deletionVector = deletionVector
    }
}

/// Presence of a deletion vector on an `add` action (only detected, never applied).
package struct DeltaDeletionVector: Codable, Sendable, Equatable {
    /// Where the vector is stored.
    package var storageType: String?
}

/// The `remove` action: a file that is no longer part of the table from this version on.
package struct DeltaRemove: Codable, Sendable, Equatable {
    /// The file, relative to the table folder (URL-encoded), as its `add` named it.
    package var path: String
    /// When it was removed (milliseconds since the epoch); VACUUM keeps it until the retention has passed.
    package var deletionTimestamp: Int64?
    /// Whether the commit changes the table's data.
    package var dataChange: Bool
    /// Whether `partitionValues` and `size` are given.
    package var extendedFileMetadata: Bool?
    /// The file's partition values.
    package var partitionValues: [String: String?]?
    /// The file's size.
    package var size: Int64?

    /// A remove action with these fields.
    package init(path: String, deletionTimestamp: Int64?, dataChange: Bool, extendedFileMetadata: Bool? = nil,
                 partitionValues: [String: String?]? = nil, size: Int64? = nil) {
        self.path = path
        self.deletionTimestamp = deletionTimestamp
        self.dataChange = dataChange
        self.extendedFileMetadata = extendedFileMetadata
        self.partitionValues = partitionValues
        self.size = size
    }
}

/// The `commitInfo` action: provenance of a commit (free-form in the protocol; these are the usual keys).
package struct DeltaCommitInfo: Codable, Sendable, Equatable {
    /// When the commit was made (milliseconds since the epoch).
    package var timestamp: Int64?
    /// The operation, as Delta names them: `CREATE TABLE`, `WRITE`, `DELETE`, `VACUUM END`, …
    package var operation: String?
    /// Parameters of the operation (`mode`: `Append`, `Overwrite`, …).
    package var operationParameters: [String: DeltaMetric]?
    /// The engine that committed (`strata/<version>`).
    package var engineInfo: String?
    /// Counts of the operation (`numFiles`, `numOutputRows`, …), as strings or numbers.
    package var operationMetrics: [String: DeltaMetric]?
}

/// One value of `commitInfo.operationMetrics` or `operationParameters`: engines write numbers, strings or flags.
package enum DeltaMetric: Codable, Sendable, Equatable {
    /// A number.
    case number(Int64)
    /// Anything else, kept as text.
    case text(String)

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let flag = try? container.decode(Bool.self) {
            self = .text(flag ? "true" : "false")
        } else {
            self = .text("")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .number(value): try container.encode(value)
        case let .text(value): try container.encode(value)
        }
    }

    /// The value as an integer, when it is one (also from digits in a string).
    package var integer: Int64? {
        switch self {
        case let .number(value): value
        case let .text(value): Int64(value)
        }
    }
}
