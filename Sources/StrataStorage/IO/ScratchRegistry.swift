import StrataCore
import Synchronization

/// The temporary files and folders this process owns right now (spill folders, `read_csv` conversions, a spooled
/// standard input, staged partitions, result files not yet renamed), so that an interrupt handler can delete them
/// before the process exits.
///
/// Owners add a path when they create it and remove it once it is deleted or committed; ``removeAll()`` deletes
/// whatever is still registered (never following a link out of it).
package final class ScratchRegistry: Sendable {
    /// The process's registry.
    package static let shared = ScratchRegistry()

    private let state = Mutex<(next: Int, paths: [Int: String])>((0, [:]))

    /// Registers `path`; returns the token that unregisters it.
    package func add(_ path: String) -> Int {
        state.withLock { state in
            state.next += 1
            state.paths[state.next] = path
            return state.next
        }
    }

    /// Unregisters the path of `token` (it was deleted, renamed or committed by its owner).
    package func remove(_ token: Int) {
        _ = state.withLock { $0.paths.removeValue(forKey: token) }
    }

    /// The registered paths.
    package var paths: [String] { state.withLock { Array($0.paths.values) } }

    /// Deletes every registered path and forgets them (for an interrupt handler about to exit).
    package func removeAll() {
        let paths = state.withLock { state in
            defer { state.paths.removeAll() }
            return Array(state.paths.values)
        }
        for path in paths { try? FileSystem.removeTree(path) }
    }
}
