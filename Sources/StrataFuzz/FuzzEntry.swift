import Foundation

// Two builds of one target:
// - with `-DFUZZING -sanitize=fuzzer,address` (`scripts/fuzz.sh`), `main` hands the harness named by $STRATA_FUZZ
//   to libFuzzer's driver (`LLVMFuzzerRunDriver`), which takes libFuzzer's own options and corpus folders;
// - otherwise `strata-fuzz HARNESS FILE-OR-FOLDER…` replays inputs (a corpus, a crash) through one harness once,
//   and `strata-fuzz seeds spill FOLDER` writes the spill harness's seeds (see FuzzSeeds).

#if FUZZING
/// The harness libFuzzer runs, from $STRATA_FUZZ.
nonisolated(unsafe) private var selected: FuzzHarness?

/// libFuzzer's entry for one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let harness = selected else { return 0 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    harness.run(bytes)
    return 0
}

/// libFuzzer's driver (linked by `-sanitize=fuzzer`), called from `main` because SwiftPM gives the executable its
/// own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

@main
enum FuzzMain {
    static func main() {
        #if FUZZING
        let name = ProcessInfo.processInfo.environment["STRATA_FUZZ"] ?? ""
        guard let harness = FuzzHarness(rawValue: name) else {
            let names = FuzzHarness.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("set STRATA_FUZZ to one of: \(names)\n".utf8))
            exit(2)
        }
        selected = harness
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) })
        #else
        replay()
        #endif
    }

    /// Replays each file (or each file of each folder) given through the harness named first.
    static func replay() {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.count == 3, arguments.first == "seeds", arguments.dropFirst().first == "spill",
           let folder = arguments.last {
            do {
                try FuzzSeeds.spill(into: folder)
                print("spill seeds written to \(folder)")
            } catch {
                print("cannot write the spill seeds: \(error)")
                exit(1)
            }
            return
        }
        guard let name = arguments.first, let harness = FuzzHarness(rawValue: name), arguments.count >= 2 else {
            let names = FuzzHarness.allCases.map(\.rawValue).joined(separator: "|")
            print("""
                usage: strata-fuzz \(names) FILE-OR-FOLDER…  (replays each input through the harness)
                       strata-fuzz seeds spill FOLDER      (writes the spill harness's seed runs)
                """)
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                harness.run(Array(data))
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed, no crash")
    }
}
