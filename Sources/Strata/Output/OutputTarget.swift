/// Where a ``ResultWriter`` sends its output.
package enum OutputTarget: Sendable, Hashable {
    /// The process's standard output.
    case standardOutput
    /// A file at this path, replaced only once the output is complete (written under a temporary name, renamed); a
    /// pipe or device there is written in place.
    case file(String)
    /// A file at this path, created when missing, to which the output is added at the end (the shell's `.output`,
    /// where the results of several statements follow each other).
    case appending(String)

    /// The path, or `<stdout>`.
    package var name: String {
        switch self {
        case .standardOutput: "<stdout>"
        case let .file(path), let .appending(path): path
        }
    }
}
