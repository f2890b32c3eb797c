import StrataCore

/// Cuts a tree of physical operators into pipelines at its sinks.
///
/// 1. The root sink (the result) gets a meta-pipeline; its pipeline starts at the sink's child.
/// 2. Walking down from there, streaming operators join the pipeline (nearest to the sink last).
/// 3. A join joins the pipeline as its probe and the walk continues into its probe child; its build child starts
///    a new meta-pipeline with the join as sink, which this pipeline depends on.
/// 4. A blocking operator (aggregate, sort) ends the walk as the pipeline's source; its input starts a new
///    meta-pipeline with it as sink, which this pipeline depends on. A leaf (a scan) ends the walk too.
/// 5. A union splits the walk: each of its inputs continues it as a pipeline of its own, into the same sink
///    through the same operators above the union (which already run on many workers at once).
package enum PipelineBuilder {
    /// The meta-pipeline of `root` with every pipeline below it.
    package static func build(_ root: any SinkOperator) throws(StrataError) -> MetaPipeline {
        try metaPipeline(root)
    }

    private static func metaPipeline(_ sink: any SinkOperator) throws(StrataError) -> MetaPipeline {
        let meta = MetaPipeline(sink: sink)
        meta.pipelines += try pipelines(into: sink, from: sink.sinkChild)
        for (index, pipeline) in meta.pipelines.enumerated() { pipeline.morselBase = index << 24 }
        return meta
    }

    /// The pipelines from `top` down into `sink` (one, or one per input of a union); the joins in them share the
    /// memory pool with each other and with a memory-intensive sink (each gets an equal share for its resident
    /// table).
    private static func pipelines(into sink: any SinkOperator,
                                  from top: any PhysicalOperator) throws(StrataError) -> [Pipeline] {
        let pipelines = try walk(into: sink, from: top, above: [], dependencies: [])
        var joins: [ObjectIdentifier: HashJoin] = [:]
        for pipeline in pipelines {
            for join in pipeline.operators.compactMap({ $0 as? HashJoin }) { joins[ObjectIdentifier(join)] = join }
        }
        let consumers = joins.count + (sink.isMemoryIntensive ? 1 : 0)
        for join in joins.values { join.memoryShare = 1 / Double(max(1, consumers)) }
        return pipelines
    }

    /// Walks down from `top`; `above` holds the streaming operators met so far (nearest to the sink first).
    private static func walk(into sink: any SinkOperator, from top: any PhysicalOperator,
                             above: [any StreamingOperator],
                             dependencies: [MetaPipeline]) throws(StrataError) -> [Pipeline] {
        var operators = above
        var dependencies = dependencies
        var node = top
        while true {
            if let union = node as? UnionAll {
                var pipelines: [Pipeline] = []
                for child in union.children {
                    pipelines += try walk(into: sink, from: child, above: operators, dependencies: dependencies)
                }
                return pipelines
            }
            if let blocking = node as? any SinkOperator, let source = node as? any SourceOperator {
                dependencies.append(try metaPipeline(blocking))
                return [Pipeline(source: source, operators: operators.reversed(), sink: sink,
                                 dependencies: dependencies)]
            }
            if let streaming = node as? any StreamingOperator {
                // A join's probe streams; its build side is a pipeline of its own that must finish first.
                if let join = node as? any SinkOperator { dependencies.append(try metaPipeline(join)) }
                operators.append(streaming)
                guard let child = node.children.first else {
                    throw StrataError(.internal, "\(node.label) has no input")
                }
                node = child
                continue
            }
            if let source = node as? any SourceOperator {
                return [Pipeline(source: source, operators: operators.reversed(), sink: sink,
                                 dependencies: dependencies)]
            }
            throw StrataError(.internal, "\(node.label) cannot be placed in a pipeline")
        }
    }

    /// The first word of an operator's label (`Scan`, `Filter`, `HashJoin`, …).
    package static func shortName(_ op: any PhysicalOperator) -> String {
        String(op.label.prefix { $0 != " " })
    }
}
