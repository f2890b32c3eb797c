import Dispatch
import StrataCore
import StrataStorage
import Synchronization
import Testing
@testable import StrataExecution

@Suite struct SpillManagerTests {
    @Test func theDirectoryIsCreatedOnTheFirstRunAndRemovedByCleanup() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path + "/")
        #expect(manager.directoryPath == nil)
        #expect(try directory.contents().isEmpty)
        let run = try SpillTestData.roundTrip([try SpillTestData.everyType(rows: 100, nulls: true)],
                                              manager: manager, label: "hash aggregate / partition 3").run
        let spillDirectory = try #require(manager.directoryPath)
        #expect(spillDirectory.hasPrefix(directory.path + "/strata-spill-"))
        #expect(run.path.hasPrefix(spillDirectory + "/"))
        #expect(!run.path.dropFirst(spillDirectory.count + 1).contains("/"))
        manager.cleanup()
        #expect(!FileSystem.kind(of: spillDirectory).exists)
        #expect(manager.bytesOnDisk == 0)
        #expect(manager.directoryPath == nil)
        manager.cleanup()
        run.delete()
        #expect(manager.bytesOnDisk == 0)
        #expect(throws: StrataError.self) { try run.open() }
    }

    @Test func deinitRemovesTheDirectory() throws {
        let directory = try SpillTestDirectory()
        func spill() throws -> String? {
            let manager = SpillManager(directory: directory.path)
            let writer = try manager.createRun(label: "sort")
            try writer.write(try SpillTestData.everyType(rows: 10, nulls: false))
            _ = try writer.finish()
            return manager.directoryPath
        }
        let spilled = try #require(try spill())
        #expect(!FileSystem.kind(of: spilled).exists)
        #expect(try directory.contents().isEmpty)
    }

    @Test func anUnfinishedWriterDeletesItsFile() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        do {
            let writer = try manager.createRun(label: "dropped")
            try writer.write(try SpillTestData.everyType(rows: 10, nulls: false))
            #expect(manager.bytesOnDisk > 0)
        }
        #expect(manager.bytesOnDisk == 0)
        let abandoned = try manager.createRun(label: "abandoned")
        try abandoned.write(try SpillTestData.everyType(rows: 10, nulls: false))
        abandoned.abandon()
        abandoned.abandon()
        #expect(manager.bytesOnDisk == 0)
        #expect(try directory.contents().filter { $0.hasSuffix(".spill") }.isEmpty)
        #expect(manager.totalBytesWritten > 0)
    }

    @Test func deletingARunReturnsItsBytes() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let batch = try SpillTestData.everyType(rows: 2000, nulls: true)
        let first = try SpillTestData.roundTrip([batch], manager: manager).run
        let second = try SpillTestData.roundTrip([batch, batch], manager: manager).run
        #expect(manager.bytesOnDisk == first.bytes + second.bytes)
        first.delete()
        #expect(!FileSystem.kind(of: first.path).exists)
        #expect(manager.bytesOnDisk == second.bytes)
        first.delete()
        #expect(manager.bytesOnDisk == second.bytes)
        second.delete()
        #expect(manager.bytesOnDisk == 0)
        #expect(manager.peakBytesOnDisk == first.bytes + second.bytes)
        #expect(manager.totalBytesWritten == first.bytes + second.bytes)
        #expect(manager.runsCreated == 2)
    }

    @Test func exceedingTheCapFailsNamingLimitAndLabelAndLeavesNoFile() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path, maxBytes: 200_000)
        let small = try SpillTestData.roundTrip([try SpillTestData.everyType(rows: 100, nulls: false)],
                                                manager: manager, label: "kept").run
        let writer = try manager.createRun(label: "sort run 7")
        let batch = try SpillTestData.everyType(rows: 20_000, nulls: false)
        let error = #expect(throws: StrataError.self) {
            for _ in 0..<20 { try writer.write(batch) }
        }
        #expect(error?.code == .outOfMemory)
        #expect(error?.message.contains("sort run 7") == true)
        #expect(error?.message.contains("195.3 KiB") == true)
        #expect(manager.bytesOnDisk == small.bytes)
        #expect(manager.peakBytesOnDisk <= 200_000)
        #expect(try directory.contents().filter { $0.hasSuffix(".spill") } .count == 1)
        #expect(throws: StrataError.self) { try writer.write(batch) }
        #expect(try SpillTestData.readAll(small).count == 1)
    }

    @Test func fourThreadsWriteRunsConcurrently() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let runs = Mutex<[Int: SpillRun]>([:])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            do {
                let writer = try manager.createRun(label: "thread \(thread)")
                for i in 0..<25 {
                    try writer.write(try SpillTestData.everyType(rows: 500, nulls: true, seed: i + thread))
                }
                let run = try writer.finish()
                runs.withLock { $0[thread] = run }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let finished = runs.withLock { $0 }
        #expect(finished.count == 4)
        #expect(manager.runsCreated == 4)
        #expect(Set(finished.values.map(\.path)).count == 4)
        let total = finished.values.reduce(0) { $0 + $1.bytes }
        #expect(manager.bytesOnDisk == total)
        #expect(manager.totalBytesWritten == total)
        for (thread, run) in finished {
            let expected = try (0..<25).map { try SpillTestData.everyType(rows: 500, nulls: true, seed: $0 + thread) }
            #expect(try SpillTestData.readAll(run) == expected)
        }
    }

    @Test func anUnusableDirectoryIsAClearIOError() throws {
        let directory = try SpillTestDirectory()
        // A regular file where the parent directory should be (permissions do not stop root).
        let notADirectory = directory.path + "/file"
        try FileIO(path: notADirectory, mode: .createNew).close()
        for parent in [notADirectory, directory.path + "/missing/deeper"] {
            let manager = SpillManager(directory: parent)
            let error = #expect(throws: StrataError.self) { try manager.createRun(label: "sort") }
            #expect(error?.code == .io)
            #expect(error?.message.contains("cannot create spill directory") == true)
            #expect(error?.path?.hasPrefix(parent + "/strata-spill-") == true)
            #expect(manager.bytesOnDisk == 0)
        }
    }
}
