import StrataStorage

/// A store in a private temporary folder for a session without one (`strata sql "SELECT …"` with no store, like
/// DuckDB's in-memory database): tables created in it last until ``remove()`` or deinit, which delete the folder.
///
/// The folder is a ``ScratchDirectory`` (`strata-session-<pid>-<random>` in the configuration's scratch parent),
/// so it is registered with ``TemporaryFiles`` (an interrupt deletes it) and a later process removes it if this
/// one died.
package final class ScratchStore: Sendable {
    /// The name prefix of the folders.
    package static let folderPrefix = "strata-session"

    /// The database over the scratch store.
    package let database: Database
    private let folder: ScratchDirectory

    /// Creates an empty store in a fresh temporary folder; queries run with `configuration`.
    package init(configuration: Configuration) throws {
        let parent = configuration.scratchParent
        ScratchDirectory.removeAbandonedOnce(in: parent, prefix: Self.folderPrefix)
        folder = try ScratchDirectory.create(in: parent, prefix: Self.folderPrefix, what: "scratch store folder")
        database = try Database(path: folder.path + "/store", createIfMissing: true, configuration: configuration)
    }

    deinit { folder.remove() }

    /// The store at `path`, or, when `path` is nil, a new scratch store (returned too, for the caller to keep alive
    /// and remove).
    package static func open(_ path: String?, configuration: Configuration) throws -> (Database, ScratchStore?) {
        if let path { return (try Database(path: path, configuration: configuration), nil) }
        let scratch = try ScratchStore(configuration: configuration)
        return (scratch.database, scratch)
    }

    /// The folder holding the store.
    package var path: String { folder.path }

    /// Deletes the folder and its tables (idempotent).
    package func remove() { folder.remove() }
}
