import StrataCore

/// Lays pipelines onto a ``TaskGraph``.
///
/// For each meta-pipeline, dependencies first (so that later stages, which the scheduler prefers, are those
/// closer to the result):
/// 1. per pipeline, a `source` stage with one task per morsel, after the finalize tasks of the meta-pipelines it
///    depends on; a table scan's tasks carry the row group's decoded size as admission bytes;
/// 2. per operator with tail morsels (a join's spilled partitions), once even when it is in several pipelines
///    (above a union), a `tail` stage after the source tasks of every pipeline holding it and the tails before;
/// 3. a `combine` stage with one task per worker when the sink combines per worker, after every task of every
///    pipeline feeding the sink;
/// 4. a `finalize` stage with one task, after the combine tasks (or the pipelines' tasks).
package enum PipelineGraph {
    /// Adds the tasks of `root` and everything it depends on to `graph`; numbers the pipelines in run order.
    package static func lay(_ root: MetaPipeline, threads: Int, onto graph: TaskGraph) {
        var finished: [ObjectIdentifier: TaskGraph.TaskID] = [:]
        var number = 0
        for meta in root.runOrder {
            var sources: [[TaskGraph.TaskID]] = []
            for pipeline in meta.pipelines {
                number += 1
                pipeline.number = number
                let after = pipeline.dependencies.compactMap { finished[ObjectIdentifier($0)] }
                let source = pipeline.source
                let stage = graph.addStage("P\(number) source", detail: pipeline.description + ": "
                    + source.morselDetail, metrics: source.metrics)
                var tasks: [TaskGraph.TaskID] = []
                for morsel in 0..<source.morselCount {
                    tasks.append(graph.addTask(stage, dependsOn: after,
                                               admissionBytes: source.admissionBytes(ofMorsel: morsel)) { context in
                        guard !pipeline.isExhausted else { return }
                        try context.checkCancellation()
                        try pipeline.runSource(morsel: morsel, context)
                    })
                }
                sources.append(tasks.isEmpty ? after : tasks)
            }
            // Tails, once per operator: an operator above a union is in each of its pipelines, and its tail waits
            // for all of them (and for the tails laid before it).
            var tails: [TaskGraph.TaskID] = []
            var laid = Set<ObjectIdentifier>()
            for pipeline in meta.pipelines {
                for (index, op) in pipeline.operators.enumerated() where op.tailMorselCount > 0 {
                    guard laid.insert(ObjectIdentifier(op)).inserted else { continue }
                    let holders = meta.pipelines.indices.filter { p in
                        meta.pipelines[p].operators.contains { $0 === op }
                    }
                    let before = holders.flatMap { sources[$0] } + tails
                    let tail = graph.addStage("P\(pipeline.number) tail",
                                              detail: "\(PipelineBuilder.shortName(op)): \(op.tailMorselCount) morsels")
                    for morsel in 0..<op.tailMorselCount {
                        tails.append(graph.addTask(tail, dependsOn: before) { context in
                            guard !pipeline.isExhausted else { return }
                            try context.checkCancellation()
                            try pipeline.runTail(operator: index, morsel: morsel, context)
                        })
                    }
                }
            }
            var feeding = sources.flatMap { $0 } + tails
            let sink = meta.sink
            let name = PipelineBuilder.shortName(sink)
            if sink.combinesPerWorker {
                let stage = graph.addStage("P\(number) combine", detail: "\(name): per worker")
                var combined: [TaskGraph.TaskID] = []
                for worker in 0..<max(1, threads) {
                    combined.append(graph.addTask(stage, dependsOn: feeding) { _ in
                        let start = ContinuousClock.now
                        defer { sink.metrics.addTime(since: start) }
                        try sink.combine(worker: worker)
                    })
                }
                feeding = combined
            }
            let stage = graph.addStage("P\(number) finalize", detail: name)
            finished[ObjectIdentifier(meta)] = graph.addTask(stage, dependsOn: feeding) { _ in
                let start = ContinuousClock.now
                defer { sink.metrics.addTime(since: start) }
                try sink.finalize()
            }
        }
    }

    /// One line per pipeline in run order: its number, its operators and what it waits for.
    package static func describe(_ root: MetaPipeline) -> String {
        var lines: [String] = []
        for meta in root.runOrder {
            for pipeline in meta.pipelines {
                var line = "P\(pipeline.number): \(pipeline.description)"
                let waits = pipeline.dependencies.flatMap { $0.pipelines.map { "P\($0.number)" } }
                if !waits.isEmpty { line += "  (after \(waits.joined(separator: ", ")))" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}
