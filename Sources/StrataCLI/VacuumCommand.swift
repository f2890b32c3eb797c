import ArgumentParser
import Strata

/// `strata vacuum`: delete the files of a table that no version within the retention period needs.
struct VacuumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Delete the files of a table that no version within the retention period needs.",
        discussion: """
            A replace keeps the previous versions' files, so that `SELECT … FROM t AT (VERSION => n)` can read \
            them. VACUUM deletes those that were removed from the table longer ago than the retention (default \
            7 days, or the table's delta.deletedFileRetentionDuration, as Delta does), and files no version uses \
            that were last modified before it (what a crashed writer left). The current version is never touched; \
            older versions whose files are gone stay listed by `strata info` but can no longer be read. It waits \
            up to 10 s for queries reading the table to finish. The same in SQL: VACUUM t [RETAIN n HOURS] [DRY RUN].

            Examples:
              strata vacuum taxi.store trips --dry-run
              strata vacuum taxi.store trips --retain-hours 0 --allow-short-retention
            """
    )

    @Argument(help: "The store directory.")
    var store: String

    @Argument(help: "The table.")
    var table: String

    @Option(name: .customLong("retain-hours"), help: "Keep what versions of the last N hours need (default 168).")
    var retainHours: Double?

    @Flag(name: .customLong("allow-short-retention"),
          help: "Allow a retention below 168 hours (only when no other reader or writer uses the table).")
    var allowShortRetention = false

    @Flag(name: .customLong("dry-run"), help: "List the files without deleting them.")
    var dryRun = false

    @Flag(name: .customLong("quiet"), help: "Print nothing on success.")
    var quiet = false

    func run() throws {
        try runReportingErrors {
            let db = try Database(path: store)
            let report = try db.vacuum(table, retainHours: retainHours, allowShortRetention: allowShortRetention,
                                       dryRun: dryRun)
            guard !quiet else { return }
            for file in report.files { print(file.name) }
            let count = report.files.count
            let files = "\(Formatting.count(Int64(count))) file\(count == 1 ? "" : "s")"
            let hours = report.retentionHours == report.retentionHours.rounded()
                ? String(Int(report.retentionHours)) : String(report.retentionHours)
            print("\(report.dryRun ? "would delete" : "deleted") \(files), \(Formatting.bytes(report.bytes)) "
                + "from \(table) (retention \(hours) hours)")
        }
    }
}
