import Foundation
import StrataCore
import Testing
@testable import StrataStorage

/// Scratch folders: owned while their process lives, swept once it is gone, deleted by an interrupt.
@Suite struct ScratchDirectoryTests {
    /// The pid of a process that has ended.
    static func deadPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func ownedFoldersStayAndAbandonedOnesGo() throws {
        let dir = try TempDirectory()
        let mine = try ScratchDirectory.create(in: dir.path, prefix: "strata-test")
        #expect(mine.path.hasPrefix(dir.path + "/strata-test-\(getpid())-"))
        #expect(FileSystem.kind(of: mine.path + "/owner").exists)
        #expect(ScratchRegistry.shared.paths.contains(mine.path))

        let dead = try Self.deadPid()
        // A dead owner with a free lock, and one from before owner files: both go.
        let crashed = dir.path("strata-test-\(dead)-aaaa")
        try FileManager.default.createDirectory(atPath: crashed + "/nested", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: crashed + "/owner"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: crashed + "/nested/run.spill"))
        let legacy = dir.path("strata-test-\(dead)-bbbb")
        try FileManager.default.createDirectory(atPath: legacy, withIntermediateDirectories: true)
        // A dead pid whose lock is held (another PID namespace's process): kept.
        let foreign = dir.path("strata-test-\(dead)-cccc")
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        let held = try #require(try FileLock(path: foreign + "/owner", wait: false))
        // Other names are not Strata's business.
        let other = dir.path("someone-else-\(dead)-dddd")
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)

        #expect(ScratchDirectory.removeAbandoned(in: dir.path, prefix: "strata-test") == 2)
        #expect(!FileSystem.kind(of: crashed).exists && !FileSystem.kind(of: legacy).exists)
        #expect(FileSystem.kind(of: foreign).exists && FileSystem.kind(of: other).exists)
        #expect(FileSystem.kind(of: mine.path).isDirectory)
        held.unlock()

        mine.remove()
        #expect(!FileSystem.kind(of: mine.path).exists)
        #expect(!ScratchRegistry.shared.paths.contains(mine.path))
    }

    @Test func registryRemovesWhatIsRegistered() throws {
        let dir = try TempDirectory()
        let folder = dir.path("f")
        try FileManager.default.createDirectory(atPath: folder + "/g", withIntermediateDirectories: true)
        let token = ScratchRegistry.shared.add(folder)
        #expect(ScratchRegistry.shared.paths.contains(folder))
        ScratchRegistry.shared.remove(token)
        #expect(!ScratchRegistry.shared.paths.contains(folder))
        #expect(FileSystem.kind(of: folder).exists)
    }
}
