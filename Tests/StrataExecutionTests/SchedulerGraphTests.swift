import Foundation
import Testing
@testable import StrataExecution

@Suite struct SchedulerGraphTests {
    /// scan (3, detail) → partial aggregate (3, one each) → merge (2, each on all partials) → finalize (1).
    func aggregation(rowGroups: Int) -> TaskGraph {
        let graph = TaskGraph()
        let scan = graph.addStage("scan", detail: "events.parquet")
        let partial = graph.addStage("partial aggregate")
        let merge = graph.addStage("merge", detail: "2 partitions")
        let finalize = graph.addStage("finalize")
        let partials = (0..<rowGroups).map { _ in
            graph.addTask(partial, dependsOn: [graph.addTask(scan, admissionBytes: 10) { _ in }]) { _ in }
        }
        let merges = (0..<2).map { _ in graph.addTask(merge, dependsOn: partials) { _ in } }
        graph.addTask(finalize, dependsOn: merges) { _ in }
        return graph
    }

    @Test func countsAndDependencies() {
        let graph = aggregation(rowGroups: 3)
        #expect(graph.taskCount == 9)
        #expect(graph.stageCount == 4)
        let last = TaskGraph.TaskID(index: 8)
        #expect(graph.stage(of: last) == TaskGraph.StageID(index: 3))
        #expect(graph.dependencies(of: last).map(\.index) == [6, 7])
        #expect(graph.dependencies(of: TaskGraph.TaskID(index: 1)).map(\.index) == [0])
    }

    @Test func explainListsStagesWithTaskCountsAndDependencies() {
        let graph = aggregation(rowGroups: 3)
        let extra = graph.addStage("chain")
        let a = graph.addTask(extra, dependsOn: [TaskGraph.TaskID(index: 0), TaskGraph.TaskID(index: 8)]) { _ in }
        graph.addTask(extra, dependsOn: [a]) { _ in }
        #expect(graph.explain() == """
            stage 0 scan (events.parquet): 3 tasks
            stage 1 partial aggregate: 3 tasks, depends on stage 0
            stage 2 merge (2 partitions): 2 tasks, depends on stage 1
            stage 3 finalize: 1 task, depends on stage 2
            stage 4 chain: 2 tasks, depends on stages 0, 3 and on its own tasks

            """)
        #expect(TaskGraph().explain() == "")
    }

    @Test func dotDrawsTasksClusteredByStageForSmallGraphs() {
        let dot = aggregation(rowGroups: 3).dot()
        #expect(dot.hasPrefix("digraph tasks {\n"))
        #expect(dot.hasSuffix("}\n"))
        #expect(dot.contains("  subgraph cluster_s0 {\n    label=\"scan\\nevents.parquet\";\n    t0 [label=\"scan 0\"];\n"))
        #expect(dot.contains("    t3 [label=\"partial aggregate 1\"];\n"))
        #expect(dot.contains("  t0 -> t1;\n"))
        #expect(dot.contains("  t5 -> t7;\n"))
        #expect(dot.contains("  t7 -> t8;\n"))
        #expect(dot.components(separatedBy: " -> ").count - 1 == 3 + 2 * 3 + 2)
        #expect(!dot.contains(" s0 "))
    }

    @Test func dotDrawsStagesForLargeGraphs() {
        let graph = aggregation(rowGroups: 40)
        #expect(graph.taskCount > TaskGraph.dotTaskLimit)
        #expect(graph.dot() == """
            digraph tasks {
              node [shape=box];
              s0 [label="scan\\nevents.parquet\\n40 tasks"];
              s1 [label="partial aggregate\\n40 tasks"];
              s2 [label="merge\\n2 partitions\\n2 tasks"];
              s3 [label="finalize\\n1 task"];
              s0 -> s1;
              s1 -> s2;
              s2 -> s3;
            }

            """)
    }

    @Test func dotEscapesLabels() {
        let graph = TaskGraph()
        graph.addTask(graph.addStage("say \"hi\"", detail: "a\\b")) { _ in }
        #expect(graph.dot().contains("label=\"say \\\"hi\\\"\\na\\\\b\";"))
    }
}
