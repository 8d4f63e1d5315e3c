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
        case .text: TextReport.render(e, lang: lang, scope: scope)
        case .json: JSONReport.render(e, lang: lang, scope: scope)
        case .csv: CSVReport.render(e, lang: lang)
        case .md: MarkdownReport.render(e, lang: lang, scope: scope)
        case .html: HTMLReport.render(e, lang: lang, scope: scope)
        }
    }
}
