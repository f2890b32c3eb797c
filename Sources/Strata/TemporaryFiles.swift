import StrataStorage

/// The temporary files of this process's running statements: spill folders, `read_csv` conversions, spooled
/// standard input, staged partitions and result files not yet renamed into place.
package enum TemporaryFiles {
    /// Deletes them all (never following links); for an interrupt handler about to end the process.
    package static func removeAll() { ScratchRegistry.shared.removeAll() }

    /// The paths registered now.
    package static var paths: [String] { ScratchRegistry.shared.paths }
}
