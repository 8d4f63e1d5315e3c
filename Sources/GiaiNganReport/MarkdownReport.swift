import GiaiNganCore

/// Renders an evaluation as GitHub-flavoured Markdown: the same sections as `HTMLReport`,
/// with tables for the figures and lists for the warnings. Charts are left to the HTML page.
///
/// ```swift
/// print(MarkdownReport.render(evaluation, lang: .en, scope: .province))
/// ```
public enum MarkdownReport {
    /// The Markdown document for `evaluation` in `lang`, for the province or one investor.
    ///
    /// - parameter scope: `.investor(id)` expects an evaluation of that investor's projects
    ///   only; see `ReportScope`.
    public static func render(_ e: Evaluation, lang: Language, scope: ReportScope) -> String {
        let document = ReportContent(e, lang: lang, scope: scope).document()
        var out = "# \(escape(document.title))\n\n"
        out += document.subtitle.map(escape).joined(separator: " · ") + "\n"
        for section in document.sections {
            out += "\n## \(escape(section.title))\n"
            for block in section.blocks {
                switch block {
                case .subheading(let text):
                    out += "\n### \(escape(text))\n"
                case .paragraph(let text):
                    out += "\n\(escapeLineStart(escape(text)))\n"
                case .list(let items):
                    out += "\n" + items.map { "- \(escapeLineStart(escape($0)))\n" }.joined()
                case .table(let table):
                    out += "\n" + self.table(table)
                case .chart, .chartGrid:
                    continue
                }
            }
        }
        out += "\n---\n\n" + document.notes.map { "_\(escape($0))_\n" }.joined(separator: "\n")
        return out
    }

    /// Escapes text for a Markdown table cell or paragraph: `|` and the characters that start
    /// emphasis, code, links or HTML are backslash-escaped, and line breaks become spaces, so
    /// a name can neither split a table row nor change the formatting.
    ///
    /// ```swift
    /// MarkdownReport.escape("A | B")   // "A \\| B"
    /// ```
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "\\", "|", "`", "*", "_", "[", "]", "<", ">", "&", "~", "#":
                out.append("\\")
                out.append(ch)
            case "\r\n", "\n", "\r", "\u{2028}", "\u{2029}":
                out.append(" ")
            default:
                out.append(ch)
            }
        }
        return out
    }

    /// Keeps escaped text that opens a paragraph or list item from starting a list, a rule or a
    /// heading underline of its own (`- x`, `+ x`, `= x`, `1. x`).
    static func escapeLineStart(_ text: String) -> String {
        guard let first = text.first else { return text }
        if first == "-" || first == "+" || first == "=" { return "\\" + text }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, let next = text.dropFirst(digits.count).first, next == "." || next == ")" {
            return digits + "\\" + text.dropFirst(digits.count)
        }
        return text
    }

    static func table(_ t: ReportTable) -> String {
        func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        var out = row(t.columns.map { escape($0.title) })
        out += "|" + t.columns.map { $0.numeric ? " ---: |" : " --- |" }.joined() + "\n"
        for cells in t.rows { out += row(cells.map { escape($0.text) }) }
        return out
    }
}
