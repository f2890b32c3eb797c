import Synchronization

/// How far one table scan has got: its morsels (row groups) and their compressed bytes, read and in all. Workers
/// add to it as each morsel ends; progress reports read it from any thread.
package final class ScanProgress: Sendable {
    /// Morsels the scan reads in all.
    package let totalMorsels: Int
    /// Their compressed bytes in all (the scanned columns' chunks).
    package let totalBytes: Int
    private let morselsDone = Atomic<Int>(0)
    private let bytesDone = Atomic<Int>(0)

    /// Progress of a scan of `morsels` morsels holding `bytes` bytes.
    package init(morsels: Int, bytes: Int) {
        totalMorsels = morsels
        totalBytes = bytes
    }

    /// Morsels read so far (finished, or given up when a failure or LIMIT stopped the scan).
    package var morselsRead: Int { morselsDone.load(ordering: .relaxed) }
    /// Their compressed bytes.
    package var bytesRead: Int { bytesDone.load(ordering: .relaxed) }

    /// Records a morsel of `bytes` bytes as read.
    package func finished(bytes: Int) {
        morselsDone.add(1, ordering: .relaxed)
        bytesDone.add(bytes, ordering: .relaxed)
    }
}
