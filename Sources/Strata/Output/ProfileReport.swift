// The performance report: one self-contained HTML page (inline CSS and SVG, no script, no network) drawn from a
// QueryProfile.
//   1. A header: the query text, then a table of the run's totals, options and machine.
//   2. The task stream: one lane per worker, one bar per task from its start to its end, coloured by pipeline; each
//      bar's <title> (the browser's hover tip) names the stage, what it does, the worker and the times.
//   3. Memory over time: the reservations of each operator stacked as areas, the process's resident memory as a
//      line, and the memory limit and the operators' pool as dashed lines.
//   4. Spill over time: bytes written and read back (cumulative) and bytes on disk, with the runs and the deepest
//      repartitioning in the caption.
//   5. The plan: the operator tree laid out top-down (leaves side by side, each parent centred over its inputs),
//      each box bordered in its pipeline's colour with rows, time, peak memory and spill; then the pipelines.
// Every chart shares one time axis, scaled to the run's wall time.
import Foundation
import StrataExecution

extension QueryProfile {
    /// The performance report as one self-contained HTML page (inline SVG and CSS; no script, no network).
    public func html() -> String { ProfileReport(profile: self).render() }
}

/// Renders a ``QueryProfile`` as HTML (see the file's header for the parts).
struct ProfileReport {
    let profile: QueryProfile

    /// Chart width and the left margin for the axis labels, in pixels.
    static let chartWidth = 960.0
    static let margin = 70.0
    /// Colours of pipelines 1, 2, … (repeating).
    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                          "#9c755f", "#bab0ac"]

    /// The colour of pipeline `number`.
    static func colour(_ number: Int) -> String { palette[max(0, number - 1) % palette.count] }

    func render() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Strata performance report</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1180px}
            h1{font-size:22px;margin:0 0 12px} h2{font-size:17px;margin:28px 0 8px}
            pre.query{background:#f5f5f7;padding:10px 12px;border-radius:6px;white-space:pre-wrap;font-size:13px}
            table.facts{border-collapse:collapse;font-size:13px} table.facts td{padding:2px 14px 2px 0;vertical-align:top}
            table.facts td:first-child{color:#666}
            .chart{overflow-x:auto} svg text{font-size:11px;fill:#333} svg .axis{stroke:#999;stroke-width:1}
            svg .grid{stroke:#eee;stroke-width:1} svg rect.task:hover{stroke:#000;stroke-width:1}
            svg .op rect{fill:#fff;stroke-width:2} svg .op:hover rect{fill:#f5f5f7}
            .legend span{display:inline-block;margin:0 14px 4px 0;font-size:12px}
            .legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px;border-radius:2px}
            p.caption{font-size:12px;color:#555;margin:4px 0}
            </style></head><body>
            <h1>Strata performance report</h1>

            """
        page += section("summary", "Query", header())
        page += section("task-stream", "Task stream", taskStream())
        page += section("memory", "Memory over time", memoryChart())
        page += section("spill", "Spill over time", spillChart())
        page += section("plan", "Plan", planGraph())
        page += "</body></html>\n"
        return page
    }

    private func section(_ id: String, _ title: String, _ body: String) -> String {
        "<section id=\"\(id)\"><h2>\(title)</h2>\n\(body)\n</section>\n"
    }

    // MARK: - 1. Header

    private func header() -> String {
        let totals = profile.totals
        let options = profile.options
        let machine = profile.machine
        var rows: [(String, String)] = [
            ("Started", profile.startedAt),
            ("Total time", seconds(profile.seconds)),
            ("Result rows", count(profile.rows)),
            ("Memory limit", ByteCount.format(options.memoryLimit)
                + " (operators' pool \(ByteCount.format(options.poolLimit)))"),
            ("Peak resident memory", ByteCount.format(totals.peakResidentBytes)
                + " (\(String(format: "%.2f", Double(totals.peakResidentBytes) / Double(max(1, options.memoryLimit)))) × the limit)"),
            ("Peak reserved", ByteCount.format(totals.peakReservedBytes)),
            ("Spilled", "\(ByteCount.format(totals.spilledBytes)) written, \(ByteCount.format(totals.spillReadBytes)) "
                + "read back, \(totals.spillRuns) runs, repartition depth \(totals.repartitionLevel)"),
            ("Row groups", "\(totals.rowGroupsRead) read, \(totals.rowGroupsPruned) pruned"),
            ("Tasks", count(totals.tasks) + (profile.droppedTasks > 0 ? " (\(profile.droppedTasks) not drawn)" : "")),
            ("Threads", "\(options.threads)"),
            ("Spill directory", options.spillDirectory),
        ]
        if let cap = options.maxSpillBytes { rows.append(("Spill cap", ByteCount.format(cap))) }
        rows.append(("Machine", "\(machine.cores) cores, \(ByteCount.format(machine.memoryBytes)) RAM, "
            + machine.system))
        let query = profile.query.isEmpty ? "(a query built with the Swift API)" : profile.query
        return "<pre class=\"query\">\(escape(query))</pre>\n<table class=\"facts\">"
            + rows.map { "<tr><td>\(escape($0.0))</td><td>\(escape($0.1))</td></tr>" }.joined()
            + "</table>"
    }

    // MARK: - 2. Task stream

    private func taskStream() -> String {
        let workers = max(profile.options.threads, (profile.tasks.map(\.worker).max() ?? -1) + 1, 1)
        let lane = 22.0
        let height = Double(workers) * lane + 30
        var svg = svgOpen(height: height, label: "task stream")
        svg += timeAxis(top: 4, bottom: height - 24)
        for worker in 0..<workers {
            let y = 4 + Double(worker) * lane
            svg += text(x: Self.margin - 6, y: y + lane / 2 + 4, "worker \(worker)", anchor: "end")
        }
        for task in profile.tasks {
            let stage = profile.stages.indices.contains(task.stage) ? profile.stages[task.stage] : nil
            let x = xOf(task.start)
            let width = max(0.75, xOf(task.end) - x)
            let y = 4 + Double(task.worker) * lane + 2
            let tip = "\(stage?.name ?? "stage \(task.stage)"): \(stage?.detail ?? "")\nworker \(task.worker), "
                + "\(seconds(task.start)) – \(seconds(task.end)) (\(seconds(task.end - task.start)))"
            svg += "<rect class=\"task\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(lane - 4))\" "
                + "fill=\"\(Self.colour(stage?.pipeline ?? 0))\"><title>\(escape(tip))</title></rect>\n"
        }
        svg += "</svg>"
        return "<div class=\"chart\">\(svg)</div>\n" + pipelineLegend()
    }

    private func pipelineLegend() -> String {
        "<div class=\"legend\">" + profile.pipelines.map { pipeline in
            "<span><i style=\"background:\(Self.colour(pipeline.number))\"></i>P\(pipeline.number): "
                + "\(escape(pipeline.description))</span>"
        }.joined() + "</div>"
    }

    // MARK: - 3. Memory

    private func memoryChart() -> String {
        let samples = profile.samples
        let limit = profile.options.memoryLimit
        let top = max(Double(limit), Double(samples.map(\.residentBytes).max() ?? 0),
                      Double(samples.map(\.reservedBytes).max() ?? 0)) * 1.08
        let height = 240.0
        let plotBottom = height - 24
        func y(_ bytes: Double) -> Double { plotBottom - bytes / max(1, top) * (plotBottom - 8) }
        var svg = svgOpen(height: height, label: "memory over time")
        svg += byteAxis(top: top, y: y)
        svg += timeAxis(top: 8, bottom: plotBottom)
        // Stacked reservations, operator by operator (only those that reserved anything).
        let reserving = profile.operators.indices.filter { id in
            samples.contains { $0.operatorReservedBytes.indices.contains(id) && $0.operatorReservedBytes[id] > 0 }
        }
        var below = [Double](repeating: 0, count: samples.count)
        var legend: [String] = []
        for (rank, id) in reserving.enumerated() {
            let op = profile.operators[id]
            let colour = Self.palette[(rank + 3) % Self.palette.count]
            var upper: [(Double, Double)] = []
            var lower: [(Double, Double)] = []
            for (i, sample) in samples.enumerated() {
                let value = Double(sample.operatorReservedBytes.indices.contains(id)
                                   ? sample.operatorReservedBytes[id] : 0)
                lower.append((xOf(sample.time), y(below[i])))
                below[i] += value
                upper.append((xOf(sample.time), y(below[i])))
            }
            let points = (upper + lower.reversed()).map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
            svg += "<polygon class=\"reserved\" points=\"\(points)\" fill=\"\(colour)\" fill-opacity=\"0.55\" "
                + "stroke=\"\(colour)\"><title>\(escape(op.name)): peak reserved "
                + "\(ByteCount.format(op.peakReservedBytes))</title></polygon>\n"
            legend.append("<span><i style=\"background:\(colour);opacity:.55\"></i>\(escape(short(op.name, 48)))"
                + " (reserved)</span>")
        }
        svg += polyline(samples.map { (xOf($0.time), y(Double($0.residentBytes))) }, colour: "#222", width: 2,
                        tip: "resident memory (RSS)", className: "rss")
        svg += horizontal(y: y(Double(limit)), colour: "#d62728",
                          label: "limit \(ByteCount.format(limit))", className: "limit")
        svg += horizontal(y: y(Double(profile.options.poolLimit)), colour: "#999",
                          label: "operators' pool \(ByteCount.format(profile.options.poolLimit))", className: "pool")
        svg += "</svg>"
        legend.insert("<span><i style=\"background:#222\"></i>resident memory (RSS)</span>", at: 0)
        legend.insert("<span><i style=\"background:#d62728\"></i>memory limit</span>", at: 1)
        return "<div class=\"chart\">\(svg)</div>\n<div class=\"legend\">\(legend.joined())</div>"
            + "<p class=\"caption\">\(samples.count) samples; peak resident "
            + "\(ByteCount.format(profile.totals.peakResidentBytes)), peak reserved "
            + "\(ByteCount.format(profile.totals.peakReservedBytes)).</p>"
    }

    // MARK: - 4. Spill

    private func spillChart() -> String {
        let samples = profile.samples
        let most = samples.map { max($0.spilledBytes, $0.spillReadBytes, $0.spillBytesOnDisk) }.max() ?? 0
        guard most > 0 || profile.totals.spilledBytes > 0 else {
            return "<p class=\"caption\">Nothing spilled: the query ran within its memory limit.</p>"
        }
        let top = Double(max(1, most)) * 1.08
        let height = 200.0
        let plotBottom = height - 24
        func y(_ bytes: Double) -> Double { plotBottom - bytes / top * (plotBottom - 8) }
        var svg = svgOpen(height: height, label: "spill over time")
        svg += byteAxis(top: top, y: y)
        svg += timeAxis(top: 8, bottom: plotBottom)
        svg += polyline(samples.map { (xOf($0.time), y(Double($0.spilledBytes))) }, colour: "#e15759", width: 2,
                        tip: "bytes written to spill files", className: "spill-written")
        svg += polyline(samples.map { (xOf($0.time), y(Double($0.spillReadBytes))) }, colour: "#4e79a7", width: 2,
                        tip: "bytes read back", className: "spill-read")
        svg += polyline(samples.map { (xOf($0.time), y(Double($0.spillBytesOnDisk))) }, colour: "#59a14f",
                        width: 1.5, tip: "bytes on disk", className: "spill-disk")
        // Where the repartitioning went a level deeper.
        var level = 0
        for sample in samples where sample.repartitionLevel > level {
            level = sample.repartitionLevel
            let x = xOf(sample.time)
            svg += "<line class=\"repartition\" x1=\"\(f(x))\" y1=\"8\" x2=\"\(f(x))\" y2=\"\(f(plotBottom))\" "
                + "stroke=\"#b07aa1\" stroke-dasharray=\"2 3\"><title>repartition level \(level)</title></line>"
                + text(x: x + 3, y: 18, "level \(level)")
        }
        svg += "</svg>"
        let totals = profile.totals
        return "<div class=\"chart\">\(svg)</div>\n<div class=\"legend\">"
            + "<span><i style=\"background:#e15759\"></i>written (cumulative)</span>"
            + "<span><i style=\"background:#4e79a7\"></i>read back (cumulative)</span>"
            + "<span><i style=\"background:#59a14f\"></i>on disk</span></div>"
            + "<p class=\"caption\">\(ByteCount.format(totals.spilledBytes)) written in \(totals.spillRuns) runs, "
            + "\(ByteCount.format(totals.spillReadBytes)) read back; deepest repartitioning: level "
            + "\(totals.repartitionLevel).</p>"
    }

    // MARK: - 5. Plan

    private func planGraph() -> String {
        let operators = profile.operators
        guard !operators.isEmpty else { return "<p>No operators.</p>" }
        var children = [[Int]](repeating: [], count: operators.count)
        var roots: [Int] = []
        for op in operators {
            if let parent = op.parent, children.indices.contains(parent) { children[parent].append(op.id) }
            else { roots.append(op.id) }
        }
        // Leaves side by side; each parent centred over its inputs.
        let boxWidth = 250.0, boxHeight = 74.0, gapX = 18.0, gapY = 34.0
        var column = [Double](repeating: 0, count: operators.count)
        var nextLeaf = 0.0
        func place(_ id: Int) {
            if children[id].isEmpty {
                column[id] = nextLeaf
                nextLeaf += 1
                return
            }
            for child in children[id] { place(child) }
            column[id] = children[id].map { column[$0] }.reduce(0, +) / Double(children[id].count)
        }
        for root in roots { place(root) }
        let depth = operators.map(\.depth).max() ?? 0
        let width = max(Self.chartWidth, nextLeaf * (boxWidth + gapX) + 20)
        let height = Double(depth + 1) * (boxHeight + gapY) + 10
        func origin(_ id: Int) -> (Double, Double) {
            (10 + column[id] * (boxWidth + gapX), 10 + Double(operators[id].depth) * (boxHeight + gapY))
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "role=\"img\" aria-label=\"plan\">\n"
        for op in operators {
            guard let parent = op.parent else { continue }
            let (cx, cy) = origin(op.id)
            let (px, py) = origin(parent)
            svg += "<line x1=\"\(f(cx + boxWidth / 2))\" y1=\"\(f(cy))\" x2=\"\(f(px + boxWidth / 2))\" "
                + "y2=\"\(f(py + boxHeight))\" stroke=\"#aaa\" stroke-width=\"1.5\"/>\n"
        }
        for op in operators {
            let (x, y) = origin(op.id)
            let colour = Self.colour(op.pipelines.first ?? 0)
            var figures = "\(count(op.rows)) rows"
            if let estimate = op.estimatedRows { figures += " (est. \(count(estimate)))" }
            figures += ", \(seconds(op.seconds))"
            var memory = op.peakReservedBytes > 0 ? "peak \(ByteCount.format(op.peakReservedBytes))" : "no reservation"
            if op.spilledBytes > 0 { memory += ", spilled \(ByteCount.format(op.spilledBytes)) in \(op.spillRuns) runs" }
            if op.partitions > 0 { memory += ", \(op.partitions) partitions" }
            let pipelines = op.pipelines.map { "P\($0)" }.joined(separator: ", ")
            let tip = "\(op.name)\n\(figures)\n\(memory)\nrows in \(count(op.rowsIn))\npipelines \(pipelines)"
            svg += "<g class=\"op\" data-operator=\"\(op.id)\"><title>\(escape(tip))</title>"
                + "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\" rx=\"6\" "
                + "stroke=\"\(colour)\"/>"
                + text(x: x + 8, y: y + 17, short(op.name, 40), weight: "600")
                + text(x: x + 8, y: y + 34, figures)
                + text(x: x + 8, y: y + 50, short(memory, 44))
                + text(x: x + 8, y: y + 66, pipelines.isEmpty ? "" : "pipeline \(pipelines)")
                + "</g>\n"
        }
        svg += "</svg>"
        var list = "<table class=\"facts\">"
        for pipeline in profile.pipelines {
            let after = pipeline.after.isEmpty ? "" : " (after " + pipeline.after.map { "P\($0)" }
                .joined(separator: ", ") + ")"
            list += "<tr><td><i style=\"display:inline-block;width:12px;height:12px;background:"
                + "\(Self.colour(pipeline.number))\"></i> P\(pipeline.number)</td>"
                + "<td>\(escape(pipeline.description + after))</td></tr>"
        }
        list += "</table>"
        return "<div class=\"chart\">\(svg)</div>\n<h2>Pipelines, in run order</h2>\n" + list
    }

    // MARK: - Drawing helpers

    /// The x of `time` seconds on the shared time axis.
    private func xOf(_ time: Double) -> Double {
        Self.margin + max(0, time) / max(profile.seconds, 1e-6) * (Self.chartWidth - Self.margin - 10)
    }

    private func svgOpen(height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(Self.chartWidth))\" height=\"\(f(height))\" "
            + "role=\"img\" aria-label=\"\(label)\">\n"
    }

    /// Vertical grid lines and labels at round seconds along the time axis.
    private func timeAxis(top: Double, bottom: Double) -> String {
        var svg = "<line class=\"axis\" x1=\"\(f(Self.margin))\" y1=\"\(f(bottom))\" x2=\"\(f(Self.chartWidth - 10))\" "
            + "y2=\"\(f(bottom))\"/>\n"
        let step = Self.niceStep(profile.seconds / 8)
        var t = 0.0
        while t <= profile.seconds + step / 1000 {
            let x = xOf(t)
            svg += "<line class=\"grid\" x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\"/>"
                + text(x: x, y: bottom + 14, seconds(t), anchor: "middle") + "\n"
            t += step
        }
        return svg
    }

    /// Horizontal grid lines and byte labels.
    private func byteAxis(top: Double, y: (Double) -> Double) -> String {
        var svg = ""
        // Round steps of KiB, MiB or GiB, so the labels read 64 MiB, 128 MiB …
        let unit = top >= Double(1 << 31) ? Double(1 << 30) : top >= Double(1 << 21) ? Double(1 << 20) : 1024
        let step = Self.niceStep(top / 5 / unit) * unit
        var value = 0.0
        while value <= top {
            svg += "<line class=\"grid\" x1=\"\(f(Self.margin))\" y1=\"\(f(y(value)))\" x2=\"\(f(Self.chartWidth - 10))\" "
                + "y2=\"\(f(y(value)))\"/>" + text(x: Self.margin - 6, y: y(value) + 4,
                                                    ByteCount.format(Int(value)), anchor: "end") + "\n"
            value += step
        }
        return svg
    }

    /// 1, 2 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, floor(log10(rough)))
        for factor in [1.0, 2, 5, 10] where factor * power >= rough { return factor * power }
        return 10 * power
    }

    private func polyline(_ points: [(Double, Double)], colour: String, width: Double, tip: String,
                          className: String) -> String {
        guard !points.isEmpty else { return "" }
        return "<polyline class=\"\(className)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(f(width))\" "
            + "points=\"" + points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
            + "\"><title>\(escape(tip))</title></polyline>\n"
    }

    private func horizontal(y: Double, colour: String, label: String, className: String) -> String {
        "<line class=\"\(className)\" x1=\"\(f(Self.margin))\" y1=\"\(f(y))\" x2=\"\(f(Self.chartWidth - 10))\" "
            + "y2=\"\(f(y))\" stroke=\"\(colour)\" stroke-dasharray=\"6 4\"><title>\(escape(label))</title></line>"
            + text(x: Self.chartWidth - 12, y: y - 4, label, anchor: "end") + "\n"
    }

    private func text(x: Double, y: Double, _ content: String, anchor: String = "start",
                      weight: String = "400") -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\">\(escape(content))</text>"
    }

    /// `value` with at most one decimal (SVG coordinates).
    private func f(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }

    private func seconds(_ value: Double) -> String {
        if value < 1 { return "\(Int((value * 1000).rounded())) ms" }
        return String(format: "%.2f s", value)
    }

    private func count(_ value: Int) -> String { CountText.grouped(Int64(value)) }

    private func short(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// `text` safe inside HTML and SVG text and attributes.
    private func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
