// parquet-throughput: times Strata's Parquet write (Database.append) and full-scan decode on synthetic data.
//
//   parquet-throughput --rows N --codec zstd|lz4|none --dir DIR [--repeat K] [--scan-only]
//
// 1. Generates N rows of SyntheticTable (batches of 64Ki rows) in memory, before any timing.
// 2. K times: creates a fresh store DIR/strata-<codec> (outside the timing), calls sync(2), and times one
//    Database.append of all the batches. The append includes Strata's commit protocol (fsync of the partition
//    files, the table directory and the manifest).
// 3. K times: times a full scan of that store (every column, every batch).
// 4. Prints one JSON line with the medians; `parquet_files` lists the store's partition files, which stay on disk.
//
// With --scan-only, steps 1 and 2 are skipped and the existing store DIR/strata-<codec> is scanned, so that the
// process's peak RSS is the scan's alone. Times come from the monotonic clock (ContinuousClock).
import BenchSupport
import Foundation
import Strata

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var rows = 10_000_000
    var codecName = "zstd"
    var directory = ""
    var repeats = 1
    var scanOnly = false

    static let usage = "usage: parquet-throughput --rows N --codec zstd|lz4|none --dir DIR [--repeat K] [--scan-only]"

    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            return next
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--rows":
                let text = try value(flag).replacingOccurrences(of: "_", with: "")
                guard let n = Int(text) ?? Double(text).flatMap({ Int(exactly: $0) }), n > 0 else {
                    throw UsageError("--rows takes a positive integer")
                }
                rows = n
            case "--codec": codecName = try value(flag)
            case "--dir": directory = try value(flag)
            case "--repeat":
                guard let k = Int(try value(flag)), k > 0 else { throw UsageError("--repeat takes a positive integer") }
                repeats = k
            case "--scan-only": scanOnly = true
            case "-h", "--help": throw UsageError(nil)
            default: throw UsageError("unknown argument \(flag)")
            }
        }
        guard !directory.isEmpty else { throw UsageError("--dir is required") }
        guard ["zstd", "lz4", "none"].contains(codecName) else { throw UsageError("--codec is zstd, lz4 or none") }
    }
}

struct UsageError: Error {
    var message: String?
    init(_ message: String?) { self.message = message }
}

func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// A JSON value printed with keys in insertion order.
enum JSON {
    case number(Double)
    case integer(Int64)
    case string(String)
    case array([JSON])
    case bool(Bool)

    var text: String {
        switch self {
        case let .number(v): v.isFinite ? String(format: "%.6g", v) : "null"
        case let .integer(v): String(v)
        case let .bool(v): v ? "true" : "false"
        case let .array(items): "[" + items.map(\.text).joined(separator: ", ") + "]"
        case let .string(s):
            "\"" + s.unicodeScalars.map { c -> String in
                switch c {
                case "\"": "\\\""
                case "\\": "\\\\"
                case _ where c.value < 0x20: String(format: "\\u%04x", c.value)
                default: String(c)
                }
            }.joined() + "\""
        }
    }
}

func printObject(_ fields: [(String, JSON)]) {
    print("{" + fields.map { JSON.string($0.0).text + ": " + $0.1.text }.joined(separator: ", ") + "}")
}

func run(_ options: Options) throws {
    let codec = try ParquetWorkload.codec(named: options.codecName)
    let storePath = options.directory + "/strata-" + options.codecName
    try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
    let clock = ContinuousClock()

    var fields: [(String, JSON)] = [("rows", .integer(Int64(options.rows))), ("codec", .string(options.codecName))]
    var writeRuns: [Double] = []
    if !options.scanOnly {
        let generationStart = clock.now
        let batches = SyntheticTable.batches(rows: options.rows)
        let generation = seconds(clock.now - generationStart)
        fields.append(("generate_s", .number(generation)))
        fields.append(("in_memory_bytes", .integer(Int64(SyntheticTable.byteCount(batches)))))
        for _ in 0..<options.repeats {
            let db = try ParquetWorkload.freshStore(at: storePath)
            sync()
            let start = clock.now
            let info = try ParquetWorkload.write(batches, to: db, codec: codec)
            writeRuns.append(seconds(clock.now - start))
            guard info.rowCount == Int64(options.rows) else {
                throw StrataError(.internal, "append wrote \(info.rowCount) rows, expected \(options.rows)")
            }
        }
    }

    let db = try Database(path: storePath, createIfMissing: false)
    var scanRuns: [Double] = []
    for _ in 0..<options.repeats {
        let start = clock.now
        let seen = try ParquetWorkload.scanAll(db)
        scanRuns.append(seconds(clock.now - start))
        guard seen.rows == options.rows, seen.values == options.rows * SyntheticTable.schema.count else {
            throw StrataError(.internal, "scan returned \(seen.rows) rows, expected \(options.rows)")
        }
    }

    let info = try db.info(ParquetWorkload.table)
    let megabytes = Double(info.uncompressedBytes) / 1e6
    let writeSeconds = writeRuns.isEmpty ? Double.nan : median(writeRuns)
    let scanSeconds = median(scanRuns)
    fields += [
        ("write_s", .number(writeSeconds)),
        ("scan_s", .number(scanSeconds)),
        ("bytes_on_disk", .integer(info.bytesOnDisk)),
        ("uncompressed_bytes", .integer(info.uncompressedBytes)),
        ("write_mb_s", .number(megabytes / writeSeconds)),
        ("scan_mb_s", .number(megabytes / scanSeconds)),
        ("write_runs_s", .array(writeRuns.map { .number($0) })),
        ("scan_runs_s", .array(scanRuns.map { .number($0) })),
        ("partitions", .integer(Int64(info.partitionCount))),
        ("row_groups", .integer(Int64(info.rowGroupCount))),
        ("store", .string(storePath)),
        ("parquet_files", .array(try ParquetWorkload.partitionFiles(store: storePath).map { .string($0) })),
    ]
    printObject(fields)
}

do {
    try run(try Options(arguments: Array(CommandLine.arguments.dropFirst())))
} catch let error as UsageError {
    if let message = error.message { FileHandle.standardError.write(Data(("error: " + message + "\n").utf8)) }
    FileHandle.standardError.write(Data((Options.usage + "\n").utf8))
    exit(error.message == nil ? 0 : 2)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
