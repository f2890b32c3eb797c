import Foundation
import StrataCore
import Testing
@testable import StrataStorage
import StrataTestSupport

/// Cleanup never follows a symbolic link out of the folder it cleans.
@Suite struct FileSystemTests {
    @Test func removeTreeRemovesLinksNotTheirTargets() throws {
        let dir = try TempDirectory()
        let manager = FileManager.default
        let outside = dir.path("outside")
        try manager.createDirectory(atPath: outside + "/deeper", withIntermediateDirectories: true)
        for name in ["a", "deeper/b"] { try Data("keep".utf8).write(to: URL(fileURLWithPath: outside + "/" + name)) }
        let tree = dir.path("tree")
        try manager.createDirectory(atPath: tree + "/sub", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: tree + "/sub/file"))
        try manager.createSymbolicLink(atPath: tree + "/sub/to-outside", withDestinationPath: outside)
        try manager.createSymbolicLink(atPath: tree + "/sub/to-file", withDestinationPath: outside + "/a")
        try manager.createSymbolicLink(atPath: tree + "/loop", withDestinationPath: "..")
        try FileSystem.removeTree(tree)
        #expect(!manager.fileExists(atPath: tree))
        #expect(try manager.contentsOfDirectory(atPath: outside).sorted() == ["a", "deeper"])
        #expect(try manager.contentsOfDirectory(atPath: outside + "/deeper") == ["b"])

        // A link given as the tree itself is removed, not emptied.
        let link = dir.path("link")
        try manager.createSymbolicLink(atPath: link, withDestinationPath: outside)
        try FileSystem.removeTree(link)
        #expect(!FileSystem.isSymbolicLink(link))
        #expect(try manager.contentsOfDirectory(atPath: outside).sorted() == ["a", "deeper"])
        try FileSystem.removeTree(dir.path("missing"))
    }
}
