#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import StrataCore

/// Builds a finished run's ``QueryProfile``.
///
/// 1. Operators: the tree in EXPLAIN ANALYZE's order, each with the operator it feeds (the last one at a lower
///    depth before it) and its figures.
/// 2. Pipelines: in run order, each with its source, streaming operators and sink mapped to operator indices (the
///    result sink, which is not in the tree, is left out) and the pipelines it waits for; every operator learns
///    which pipelines it is part of.
/// 3. Stages: the task graph's, with the pipeline number their name starts with (`P3 source`).
/// 4. Tasks: the trace's events, times made relative to the run's start.
/// 5. Samples as recorded; the peak resident memory is the largest sampled.
struct ProfileAssembler {
    let execution: QueryExecution
    let operators: [any PhysicalOperator]
    let graph: TaskGraph
    let run: RunStatistics
    let statistics: QueryStatistics
    let recorder: ProfileRecorder
    let startedAt: Date

    func profile() -> QueryProfile {
        // Step 1.
        var index: [ObjectIdentifier: Int] = [:]
        for (i, op) in operators.enumerated() { index[ObjectIdentifier(op)] = i }
        var profiled: [QueryProfile.Operator] = []
        var parents: [Int] = []  // the path from the top to the previous operator
        for (i, figures) in statistics.operators.enumerated() {
            while parents.count > figures.depth { parents.removeLast() }
            profiled.append(QueryProfile.Operator(
                id: i, parent: parents.last, name: figures.name, depth: figures.depth, pipelines: [],
                rowsIn: figures.rowsIn, rows: figures.rows, estimatedRows: figures.estimatedRows,
                seconds: figures.seconds, peakReservedBytes: figures.peakReservedBytes,
                spilledBytes: Int(clamping: figures.spilledBytes), spillRuns: figures.spillRuns,
                partitions: figures.partitions))
            parents.append(i)
        }
        // Step 2.
        var pipelines: [QueryProfile.Pipeline] = []
        for meta in execution.pipelines.runOrder {
            for pipeline in meta.pipelines {
                let members: [any PhysicalOperator] = [pipeline.source] + pipeline.operators + [pipeline.sink]
                let ids = members.compactMap { index[ObjectIdentifier($0)] }
                for id in ids where id < profiled.count { profiled[id].pipelines.append(pipeline.number) }
                pipelines.append(QueryProfile.Pipeline(
                    number: pipeline.number, description: pipeline.description, operators: ids,
                    after: pipeline.dependencies.flatMap { $0.pipelines.map(\.number) }))
            }
        }
        // Step 3.
        let stages = run.stages.map { stage in
            QueryProfile.Stage(name: stage.name, detail: stage.detail, pipeline: ProfileAssembler.pipeline(of: stage.name),
                               tasks: stage.tasksRun, busySeconds: ProfileAssembler.seconds(stage.busy))
        }
        // Step 4.
        let origin = execution.monitor.startUptime
        let tasks = recorder.trace.events.map { event in
            QueryProfile.Task(worker: Int(event.worker), stage: Int(event.stage),
                              start: Double(event.start &- min(event.start, origin)) / 1e9,
                              end: Double(event.end &- min(event.end, origin)) / 1e9)
        }
        // Step 5.
        let samples = recorder.recordedSamples
        let options = execution.options
        let totals = QueryProfile.Totals(
            peakReservedBytes: statistics.peakReservedBytes,
            peakResidentBytes: samples.map(\.residentBytes).max() ?? 0,
            spilledBytes: Int(clamping: statistics.spilledBytes),
            spillReadBytes: execution.context.spill.totalBytesRead, spillRuns: statistics.spillRuns,
            repartitionLevel: statistics.repartitionLevel, rowGroupsRead: statistics.rowGroupsScanned,
            rowGroupsPruned: statistics.rowGroupsPruned, tasks: statistics.tasks)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return QueryProfile(
            query: "", startedAt: formatter.string(from: startedAt), seconds: statistics.seconds,
            rows: statistics.rows,
            options: QueryProfile.Options(memoryLimit: options.memoryLimit, poolLimit: options.poolLimit,
                                          threads: options.threads,
                                          spillDirectory: execution.context.spill.parentDirectory,
                                          maxSpillBytes: options.maxSpillBytes.map { Int(clamping: $0) }),
            machine: ProfileAssembler.machine(), totals: totals, operators: profiled, pipelines: pipelines,
            stages: stages, tasks: tasks, droppedTasks: recorder.trace.dropped, samples: samples)
    }

    /// The pipeline number a stage's name starts with (`P12 tail` → 12), or 0.
    static func pipeline(of stage: String) -> Int {
        guard stage.first == "P" else { return 0 }
        return Int(stage.dropFirst().prefix { $0.isNumber }) ?? 0
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// This machine: cores, memory and `uname`.
    static func machine() -> QueryProfile.Machine {
        let pages = Int(sysconf(Int32(_SC_PHYS_PAGES))), size = Int(sysconf(Int32(_SC_PAGESIZE)))
        var name = utsname()
        uname(&name)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return QueryProfile.Machine(cores: ExecutionOptions.coreCount, memoryBytes: max(0, pages) &* max(0, size),
                                    system: "\(text(name.sysname)) \(text(name.release)) \(text(name.machine))")
    }
}
