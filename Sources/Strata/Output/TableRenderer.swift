import StrataCore
import StrataExecution

/// Lays out a result as a box of text for a terminal, modelled on DuckDB's shell renderer:
///
/// ```
/// ┌───────┬─────────┐
/// │  id   │  name   │
/// │ int64 │ string  │
/// ├───────┼─────────┤
/// │     1 │ x       │
/// │     · │ ·       │
/// │   100 │ NULL    │
/// └───────┴─────────┘
///  100 rows (2 shown)
/// ```
///
/// A header row of names, a row of type names (both centred), numbers right-aligned and everything else left-aligned.
/// When the columns are wider than `maxWidth`, middle columns are left out for a `…` column (taking columns from
/// the left and the right in turn). The footer counts the rows (and the columns, when some are left out).
struct TableRenderer {
    /// The most display columns a cell, name or type name takes; longer text is cut and ends in `…`.
    static let maxCellWidth = 32

    private let names: [String]
    private let types: [String]
    private let rightAligned: [Bool]
    private let maxWidth: Int

    /// A renderer of results of `schema`, at most `maxWidth` columns wide (unless one column alone is wider).
    init(schema: Schema, maxWidth: Int) {
        names = schema.fields.map { Self.cell($0.name) }
        types = schema.fields.map { Self.cell($0.type.name) }
        rightAligned = schema.fields.map { [.int32, .int64, .float, .double].contains($0.type) || $0.type.isDecimal }
        self.maxWidth = maxWidth
    }

    /// The text of one value as a cell: NULL as `NULL`, numbers, dates and timestamps as DuckDB prints them, strings
    /// with control characters escaped; cut to ``maxCellWidth`` columns.
    static func cell(_ value: Value) -> String {
        switch value {
        case .null: "NULL"
        case let .double(x): ValueText.format(x)
        case let .float(x): ValueText.format(x)
        case let .date(days): ValueText.format(date: days)
        case let .timestamp(micros): ValueText.format(timestamp: micros)
        case let .timestampNanos(nanos): ValueText.format(timestampNanos: nanos)
        case let .blob(bytes): cell(BlobText.format(bytes))
        case let .time(micros): TimeOfDay.format(micros: micros)
        case let .string(text): cell(text)
        default: value.description
        }
    }

    /// `text` with control characters escaped (`\n`, `\t`, `\r`, `\u001B`), cut to ``maxCellWidth`` columns.
    private static func cell(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return DisplayWidth.truncated(escaped, to: maxCellWidth)
    }

    /// The box and its footer. `rows` are the rows shown, as ``cell(_:)`` texts, with `nil` for the `·` row that
    /// stands for the rows left out; `totalRows` counts all rows of the result.
    func render(rows: [[String]?], totalRows: Int) -> String {
        let shownRows = rows.count { $0 != nil }
        var rowsText = totalRows == 1 ? "1 row" : "\(totalRows) rows"
        if shownRows < totalRows { rowsText += " (\(shownRows) shown)" }
        guard !names.isEmpty else { return "(no columns)\n" + rowsText + "\n" }

        let widths = names.indices.map { c in
            rows.reduce(max(1, DisplayWidth.of(names[c]), DisplayWidth.of(types[c]))) { width, row in
                max(width, row.map { DisplayWidth.of($0[c]) } ?? 1)
            }
        }
        let (left, right) = visibleColumns(widths)
        let elided = left + right < names.count
        // The columns shown, in order, with nil for the `…` column.
        let slots: [Int?] = Array(0..<left) + (elided ? [nil] : []) + Array(names.count - right..<names.count)

        func border(_ start: String, _ middle: String, _ end: String) -> String {
            start + slots.map { String(repeating: "─", count: ($0.map { widths[$0] } ?? 1) + 2) }
                .joined(separator: middle) + end
        }
        func line(_ cell: (Int) -> String, elision: String) -> String {
            "│" + slots.map { " " + ($0.map(cell) ?? elision) + " " }.joined(separator: "│") + "│"
        }
        var lines = [border("┌", "┬", "┐"),
                     line({ Self.centred(names[$0], widths[$0]) }, elision: "…"),
                     line({ Self.centred(types[$0], widths[$0]) }, elision: "…")]
        if !rows.isEmpty {
            lines.append(border("├", "┼", "┤"))
            for row in rows {
                lines.append(line({ c in
                    Self.aligned(row?[c] ?? "·", widths[c], right: rightAligned[c])
                }, elision: row == nil ? "·" : "…"))
            }
        }
        lines.append(border("└", "┴", "┘"))
        let boxWidth = slots.reduce(1) { $0 + ($1.map { widths[$0] } ?? 1) + 3 }
        lines.append(footer(rowsText, columnsText: elided ? "\(names.count) columns (\(left + right) shown)" : nil,
                            boxWidth: boxWidth))
        return lines.joined(separator: "\n") + "\n"
    }

    /// How many columns to show from the left and from the right so that the box fits `maxWidth`: all when they
    /// fit, else alternately one from each side while they fit next to a `…` column (at least the first).
    private func visibleColumns(_ widths: [Int]) -> (left: Int, right: Int) {
        // A column takes its width plus "│ " and " "; the box one more "│"; the `…` column 4.
        if widths.reduce(1, { $0 + $1 + 3 }) <= maxWidth { return (widths.count, 0) }
        var budget = maxWidth - 1 - 4, left = 0, right = 0
        while left + right < widths.count {
            let fromLeft = left <= right
            let need = widths[fromLeft ? left : widths.count - 1 - right] + 3
            guard need <= budget else { break }
            budget -= need
            if fromLeft { left += 1 } else { right += 1 }
        }
        return (max(left, 1), right)
    }

    /// The row count centred under the box; with the column count right-aligned when columns were left out.
    private func footer(_ rowsText: String, columnsText: String?, boxWidth: Int) -> String {
        guard let columnsText else {
            return String(repeating: " ", count: max(0, (boxWidth - DisplayWidth.of(rowsText)) / 2)) + rowsText
        }
        let gap = boxWidth - 4 - rowsText.count - columnsText.count
        guard gap >= 2 else { return rowsText + "  " + columnsText }
        return "  " + rowsText + String(repeating: " ", count: gap) + columnsText
    }

    private static func centred(_ text: String, _ width: Int) -> String {
        let room = width - DisplayWidth.of(text)
        return String(repeating: " ", count: room / 2) + text + String(repeating: " ", count: room - room / 2)
    }

    private static func aligned(_ text: String, _ width: Int, right: Bool) -> String {
        let padding = String(repeating: " ", count: width - DisplayWidth.of(text))
        return right ? padding + text : text + padding
    }
}
