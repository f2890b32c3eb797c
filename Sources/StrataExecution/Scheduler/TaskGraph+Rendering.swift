extension TaskGraph {
    /// The most tasks for which ``dot()`` draws every task rather than one node per stage.
    package static let dotTaskLimit = 64

    /// One line per stage: its index, name, detail, number of tasks and the stages it depends on, e.g.
    ///
    /// ```
    /// stage 0 scan (events.parquet): 20 tasks
    /// stage 1 partial aggregate: 20 tasks, depends on stage 0
    /// stage 2 merge (16 partitions): 16 tasks, depends on stage 1
    /// stage 3 finalize: 1 task, depends on stages 1, 2
    /// ```
    ///
    /// A stage whose tasks depend on tasks of the same stage says so (`… and on its own tasks`).
    package func explain() -> String {
        let dependencies = stageDependencies()
        var lines: [String] = []
        for stage in 0..<stageCount {
            let count = stageTaskCounts[stage]
            var line = "stage \(stage) \(stageNames[stage])"
            if !stageDetails[stage].isEmpty { line += " (\(stageDetails[stage]))" }
            line += ": \(count) task\(count == 1 ? "" : "s")"
            let (others, own) = dependencies[stage]
            if !others.isEmpty {
                line += ", depends on stage\(others.count == 1 ? "" : "s") "
                line += others.map(String.init).joined(separator: ", ")
                if own { line += " and on its own tasks" }
            } else if own {
                line += ", depends on its own tasks"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    /// The graph in Graphviz DOT.
    ///
    /// With at most ``dotTaskLimit`` tasks: one node per task (`t<index>`, labelled with its stage name and its
    /// ordinal within the stage), clustered by stage (`cluster_s<index>`), and one edge per dependency. With more:
    /// one node per stage (`s<index>`, labelled with name, detail and task count) and one edge per pair of stages
    /// with a dependency between their tasks.
    package func dot() -> String {
        var out = "digraph tasks {\n  node [shape=box];\n"
        if taskCount <= Self.dotTaskLimit {
            var members = [[Int]](repeating: [], count: stageCount)
            for task in 0..<taskCount { members[Int(taskStages[task])].append(task) }
            for stage in 0..<stageCount {
                out += "  subgraph cluster_s\(stage) {\n    label=\"\(dotEscaped(stageLabel(stage)))\";\n"
                for (ordinal, task) in members[stage].enumerated() {
                    out += "    t\(task) [label=\"\(dotEscaped("\(stageNames[stage]) \(ordinal)"))\"];\n"
                }
                out += "  }\n"
            }
            for task in 0..<taskCount {
                for dependency in dependencies[dependencyStarts[task]..<dependencyStarts[task + 1]] {
                    out += "  t\(dependency) -> t\(task);\n"
                }
            }
        } else {
            for stage in 0..<stageCount {
                let count = stageTaskCounts[stage]
                let label = stageLabel(stage) + "\n\(count) task\(count == 1 ? "" : "s")"
                out += "  s\(stage) [label=\"\(dotEscaped(label))\"];\n"
            }
            for (stage, (others, own)) in stageDependencies().enumerated() {
                for other in others { out += "  s\(other) -> s\(stage);\n" }
                if own { out += "  s\(stage) -> s\(stage);\n" }
            }
        }
        return out + "}\n"
    }

    private func stageLabel(_ stage: Int) -> String {
        stageDetails[stage].isEmpty ? stageNames[stage] : stageNames[stage] + "\n" + stageDetails[stage]
    }

    /// `text` as the inside of a DOT double-quoted string: backslashes and quotes escaped, line breaks as `\n`.
    private func dotEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
