import GiaiNganCore
import GiaiNganReport

/// The output formats of `check`, `report` and the weekly run.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, csv, md, html

    public var fileExtension: String {
        switch self { case .text: "txt"; case .json: "json"; case .csv: "csv"; case .md: "md"; case .html: "html" }
    }

    /// Renders an evaluation in this format.
    public func render(_ e: Evaluation, lang: Language, scope: ReportScope) -> String {
        switch self {
        case .text: Format.terminalSafe(TextReport.render(e, lang: lang, scope: scope))
        case .json: JSONReport.render(e, lang: lang, scope: scope)
        case .csv: CSVReport.render(e, lang: lang)
        case .md: MarkdownReport.render(e, lang: lang, scope: scope)
        case .html: HTMLReport.render(e, lang: lang, scope: scope)
        }
    }

    /// Writes what `render` returns to `sink` as UTF-8, JSON in pieces as it is made (a large
    /// province's JSON is some 70 MB, never held whole).
    public func write(_ e: Evaluation, lang: Language, scope: ReportScope, to sink: (UnsafeRawBufferPointer) -> Void) {
        if self == .json { return JSONReport.write(e, lang: lang, scope: scope, to: sink) }
        var text = render(e, lang: lang, scope: scope)
        text.withUTF8 { sink(UnsafeRawBufferPointer($0)) }
    }
}
