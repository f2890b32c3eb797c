import Foundation
@testable import Strata
import StrataCSV
import Testing

/// One options type: a CSV import takes the database's configured memory limit and threads unless its own options
/// set them.
@Suite struct ImportDefaultsTests {
    @Test func importsFollowTheDatabasesConfiguration() throws {
        let configured = Configuration(memoryLimit: 100_000_000, threads: 3)
        let inherited = try CSVImportOptions().configuration(defaults: configured)
        #expect(inherited.memoryLimit == 100_000_000 && inherited.threads == 3)
        var own = CSVImportOptions()
        own.memoryLimit = 64_000_000
        own.threads = 1
        let overridden = try own.configuration(defaults: configured)
        #expect(overridden.memoryLimit == 64_000_000 && overridden.threads == 1)
        let plain = try CSVImportOptions().configuration()
        #expect(plain.memoryLimit == CSVImportOptions.defaultMemoryLimit)
        #expect(plain.threads == ProcessInfo.processInfo.activeProcessorCount)
    }
}
