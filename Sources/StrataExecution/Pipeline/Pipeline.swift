import StrataCore

/// A chain of operators that batches flow through without stopping: one source, streaming operators, one sink.
///
/// Its morsels run in parallel, one task each. It starts once every pipeline it depends on has finished: the
/// pipeline feeding its source (when the source is a sink's result) and the build sides of its joins.
package final class Pipeline: @unchecked Sendable {
    // Safety: built on one thread by `PipelineBuilder`, read-only while the query runs.

    /// Where batches come from.
    package let source: any SourceOperator
    /// What they pass through, in order.
    package let operators: [any StreamingOperator]
    /// Where they end.
    package let sink: any SinkOperator
    /// Meta-pipelines that must finish before the source starts.
    package let dependencies: [MetaPipeline]
    /// The pipeline's number in run order (1 runs first), set when the graph is laid out.
    package internal(set) var number = 0
    /// Added to the morsel numbers the pipeline's tasks see, so that pipelines feeding one sink (the inputs of a
    /// union) number their morsels apart.
    package internal(set) var morselBase = 0

    init(source: any SourceOperator, operators: [any StreamingOperator], sink: any SinkOperator,
         dependencies: [MetaPipeline]) {
        self.source = source
        self.operators = operators
        self.sink = sink
        self.dependencies = dependencies
    }

    /// Whether an operator needs no more input, so the remaining morsels can be skipped.
    package var isExhausted: Bool { operators.contains { $0.isFinished } }

    /// The pipeline as one line: `Scan x → Filter (v1 > 2) → HashAggregate`.
    package var description: String {
        ([PipelineBuilder.shortName(source)] + operators.map(PipelineBuilder.shortName)
            + [PipelineBuilder.shortName(sink)]).joined(separator: " → ")
    }

    // MARK: - Running

    /// Runs morsel `morsel` of the source through the pipeline.
    func runSource(morsel: Int, _ context: TaskContext) throws(StrataError) {
        var context = context
        context.morsel = morselBase + morsel
        let metrics = source.metrics
        var start = ContinuousClock.now
        try source.produce(morsel: morsel, context) { (batch) throws(StrataError) in
            metrics.addTime(since: start)
            metrics.produced(batch.count)
            try push(batch, from: 0, context)
            start = ContinuousClock.now
        }
        metrics.addTime(since: start)
    }

    /// Runs tail morsel `morsel` of operator `index` through the operators above it.
    func runTail(operator index: Int, morsel: Int, _ context: TaskContext) throws(StrataError) {
        var context = context
        // Tail morsels follow every source morsel, operator by operator.
        context.morsel = morselBase + source.morselCount + (index << 20) + morsel
        let op = operators[index]
        var start = ContinuousClock.now
        try op.produceTail(morsel: morsel, context) { (batch) throws(StrataError) in
            op.metrics.addTime(since: start)
            op.metrics.produced(batch.count)
            try push(batch, from: index + 1, context)
            start = ContinuousClock.now
        }
        op.metrics.addTime(since: start)
    }

    /// Hands `batch` to operator `index` (the sink when `index` is past the last operator). Each operator's time is
    /// its own: the clock stops while the operators above it handle its output.
    private func push(_ batch: Batch, from index: Int, _ context: TaskContext) throws(StrataError) {
        guard batch.count > 0 else { return }
        // Checked per batch, so a task that emits many (a join's probe, a long merge) stops soon after a cancel.
        try context.checkCancellation()
        guard index < operators.count else {
            let start = ContinuousClock.now
            sink.metrics.received(batch.count)
            try sink.sink(batch, context)
            sink.metrics.addTime(since: start)
            return
        }
        let op = operators[index]
        guard !op.isFinished else { return }
        op.metrics.received(batch.count)
        var start = ContinuousClock.now
        try op.execute(batch, context) { (output) throws(StrataError) in
            op.metrics.addTime(since: start)
            op.metrics.produced(output.count)
            try push(output, from: index + 1, context)
            start = ContinuousClock.now
        }
        op.metrics.addTime(since: start)
    }
}

/// A sink together with every pipeline that feeds it: it combines and finalizes once they have all run.
package final class MetaPipeline: @unchecked Sendable {
    // Safety: built on one thread by `PipelineBuilder`, read-only while the query runs.

    /// The sink.
    package let sink: any SinkOperator
    /// The pipelines ending in it.
    package internal(set) var pipelines: [Pipeline] = []

    init(sink: any SinkOperator) {
        self.sink = sink
    }

    /// Every meta-pipeline this one waits for, directly or not, dependencies first, each once; then this one.
    package var runOrder: [MetaPipeline] {
        var order: [MetaPipeline] = []
        var seen = Set<ObjectIdentifier>()
        func visit(_ meta: MetaPipeline) {
            guard seen.insert(ObjectIdentifier(meta)).inserted else { return }
            for pipeline in meta.pipelines {
                for dependency in pipeline.dependencies { visit(dependency) }
            }
            order.append(meta)
        }
        visit(self)
        return order
    }
}
