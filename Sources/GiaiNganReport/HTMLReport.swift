import GiaiNganCore

/// Renders an evaluation as one self-contained HTML5 page.
///
/// The page needs nothing else: inline CSS, hand-written inline SVG charts, no script, font,
/// image or network address. It reads on a phone (tables scroll sideways inside their own
/// box) and prints on A4 without background colours (statuses are words; colour only repeats
/// them). Every piece of text that comes from data is escaped.
///
/// ```swift
/// let page = HTMLReport.render(evaluation, lang: .vi, scope: .province)
/// try page.write(toFile: "bao-cao.html", atomically: true, encoding: .utf8)
/// ```
public enum HTMLReport {
    /// The whole page for `evaluation` in `lang`, for the province or one investor.
    ///
    /// - parameter scope: `.investor(id)` expects an evaluation of that investor's projects
    ///   only; see `ReportScope`.
    ///
    /// - parameter limit: the most projects, warnings per severity and investor charts to list;
    ///   nil lists everything (reports written to files). The portal's dashboard sets one so that a
    ///   national-scale province stays a page, not tens of megabytes.
    public static func render(_ e: Evaluation, lang: Language, scope: ReportScope, limit: Int? = nil) -> String {
        let content = ReportContent(e, lang: lang, scope: scope, limit: limit)
        let document = content.document()
        var chartCount = 0
        func chart(_ spec: ChartSpec) -> String {
            defer { chartCount += 1 }
            return SVGChart.render(spec, evaluation: e, lang: lang, id: "chart-\(chartCount)")
        }

        var out = "<!DOCTYPE html>\n<html lang=\"\(lang.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(escape(document.title))</title>\n<style>\n\(stylesheet)</style>\n</head>\n<body>\n"
        out += "<header>\n<h1>\(escape(document.title))</h1>\n"
        out += "<p class=\"meta\">" + document.subtitle.map(escape).joined(separator: " · ") + "</p>\n"
        out += "<nav>" + document.sections.map { "<a href=\"#\($0.id)\">\(escape($0.title))</a>" }.joined(separator: " ")
            + "</nav>\n</header>\n<main>\n"
        for section in document.sections {
            out += "<section id=\"\(section.id)\">\n<h2>\(escape(section.title))</h2>\n"
            for block in section.blocks {
                switch block {
                case .subheading(let text):
                    out += "<h3>\(escape(text))</h3>\n"
                case .paragraph(let text):
                    out += "<p>\(escape(text))</p>\n"
                case .list(let items):
                    out += "<ul>\n" + items.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
                case .table(let table):
                    out += self.table(table)
                case .chart(let spec):
                    out += "<figure class=\"wide\">\n\(chart(spec))\n<figcaption>\(escape(spec.title)). \(legend(lang))</figcaption>\n</figure>\n"
                case .chartGrid(let title, let specs):
                    out += "<h3>\(escape(title))</h3>\n<div class=\"charts\">\n"
                    for spec in specs {
                        out += "<figure>\n\(chart(spec))\n<figcaption>\(escape(spec.title)): "
                            + "\(escape(content.display.percent(spec.result.rate)))</figcaption>\n</figure>\n"
                    }
                    out += "</div>\n<p class=\"small\">\(legend(lang))</p>\n"
                }
            }
            out += "</section>\n"
        }
        out += "</main>\n<footer>\n" + document.notes.map { "<p>\(escape($0))</p>\n" }.joined() + "</footer>\n"
        out += "</body>\n</html>\n"
        return out
    }

    /// Escapes text for HTML element content and double- or single-quoted attribute values.
    ///
    /// ```swift
    /// HTMLReport.escape("<b>Tom & Jerry's</b>")   // "&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;"
    /// ```
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Pieces

    static func table(_ t: ReportTable) -> String {
        let noteColumn = t.lastColumnIsRowNote ? t.columns.last : nil
        let columns = noteColumn == nil ? t.columns : Array(t.columns.dropLast())
        let styles = columns.map { styleClass[$0.style] ?? "" }
        var out = "<div class=\"wrap\"><table>\n<thead><tr>"
        for (c, style) in zip(columns, styles) {
            out += "<th scope=\"col\"\(style.isEmpty ? "" : " class=\"\(style)\"")>\(escape(c.title))</th>"
        }
        out += "</tr></thead>\n"
        if noteColumn == nil { out += "<tbody>\n" }
        for row in t.rows {
            let note = noteColumn.flatMap { _ in row.last.map(\.text) } ?? ""
            // A row and its note share a tbody, so that a page break never parts them.
            if noteColumn != nil { out += "<tbody class=\"pair\">" }
            out += note.isEmpty ? "<tr>" : "<tr class=\"has-note\">"
            for (cell, style) in zip(row, styles) {
                var classes: [String] = []
                if !style.isEmpty { classes.append(style) }
                if cell.tone != .plain { classes.append("t-\(cell.tone.rawValue)") }
                out += "<td\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")>\(escape(cell.text))</td>"
            }
            out += "</tr>\n"
            if let noteColumn, !note.isEmpty {
                out += "<tr class=\"note\"><td colspan=\"\(columns.count)\">\(escape(noteColumn.title)): \(escape(note))</td></tr>\n"
            }
            if noteColumn != nil { out += "</tbody>\n" }
        }
        if noteColumn == nil { out += "</tbody>\n" }
        return out + "</table></div>\n"
    }

    /// The CSS class of each column style (see `stylesheet`).
    static let styleClass: [ReportColumn.Style: String] = [.number: "n", .label: "nw", .name: "nm", .prose: "pr"]

    /// The key to the chart's three lines, drawn with borders so that it prints.
    static func legend(_ lang: Language) -> String {
        "<span class=\"key k-line\"></span> " + escape(lang.t("lũy kế giải ngân", "cumulative disbursement"))
            + " <span class=\"key k-req\"></span> " + escape(lang.t("ngưỡng tối thiểu theo mốc", "checkpoint thresholds"))
            + " <span class=\"key k-asof\"></span> " + escape(lang.t("ngày số liệu", "as-of date"))
    }

    static let stylesheet = """
    :root { color-scheme: light; }
    body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
           color: #111; background: #fff; line-height: 1.45; margin: 0 auto; max-width: 1360px; padding: 12px 16px; }
    h1 { font-size: 1.45rem; margin: .3em 0; }
    h2 { font-size: 1.2rem; margin: 1.6em 0 .5em; padding-bottom: .2em; border-bottom: 2px solid #1f5fa8; }
    h3 { font-size: 1.05rem; margin: 1.1em 0 .4em; }
    .meta { color: #333; margin: .2em 0 .6em; }
    nav a { display: inline-block; margin: 0 .8em .3em 0; color: #1f5fa8; }
    .wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .5em 0; }
    table { border-collapse: collapse; font-size: .9rem; min-width: 50%; }
    th, td { border: 1px solid #b8b8b8; padding: 4px 7px; text-align: left; vertical-align: top; }
    thead th { background: #eef2f7; }
    .n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    .nw { white-space: nowrap; }
    th.n, th.nw { white-space: normal; }
    th.n { min-width: 5em; }
    .nm { min-width: 9em; }
    .pr { min-width: 18em; max-width: 42em; }
    tr.has-note td { border-bottom: none; }
    tr.note td { border-top: none; padding-left: 1.5em; color: #333; font-size: .92em; }
    .t-good { color: #11602b; }
    .t-attention { color: #8a4b00; font-weight: 600; }
    .t-bad { color: #a1140f; font-weight: 600; }
    .t-muted { color: #666; }
    figure { margin: .8em 0; }
    figure.wide { max-width: 760px; }
    svg.chart { display: block; width: 100%; height: auto; }
    figcaption, .small { font-size: .85rem; color: #333; }
    .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 10px 16px; }
    .charts figure { margin: 0; }
    .key { display: inline-block; width: 1.8em; vertical-align: middle; margin-left: .4em; }
    .k-line { border-top: 3px solid #1f5fa8; }
    .k-req { border-top: 2px dashed #b3261e; }
    .k-asof { border-top: 2px dotted #444; }
    footer { margin-top: 2em; border-top: 1px solid #b8b8b8; font-size: .85rem; color: #333; }
    @media (max-width: 600px) {
      body { padding: 8px; }
      h1 { font-size: 1.2rem; }
      table { font-size: .8rem; }
    }
    @media print {
      @page { size: A4; margin: 12mm; }
      body { max-width: none; padding: 0; font-size: 10pt; }
      nav { display: none; }
      .wrap { overflow: visible; }
      table { font-size: 8pt; width: 100%; }
      .nw { white-space: normal; }
      .nm, .pr, th.n { min-width: 0; }
      thead { display: table-header-group; }
      thead th { background: none; border-bottom: 2px solid #000; }
      tr, tbody.pair, li, figure { break-inside: avoid; page-break-inside: avoid; }
      h2, h3 { break-after: avoid; page-break-after: avoid; }
      figure.wide { max-width: 100%; }
      .charts { grid-template-columns: repeat(3, 1fr); }
      a { color: inherit; text-decoration: none; }
    }

    """
}
