import Foundation
import GiaiNganCore
import GiaiNganForms
import GiaiNganReport

/// The output formats of `check`, `report` and the weekly run.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, csv, md, html
    /// An Excel workbook, one sheet per section (`ReportWorkbook`): binary, so it is made with
    /// `data(_:lang:scope:)` or `write(_:lang:scope:to:)`, never `render`.
    case xlsx

    public var fileExtension: String {
        switch self { case .text: "txt"; case .json: "json"; case .csv: "csv"; case .md: "md"; case .html: "html"; case .xlsx: "xlsx" }
    }

    /// Whether the format is bytes rather than text (refused on a terminal).
    public var isBinary: Bool { self == .xlsx }

    /// The HTTP content type of a download in this format.
    public var contentType: String {
        switch self {
        case .text: "text/plain; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .md: "text/markdown; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// Renders an evaluation in a text format.
    ///
    /// - precondition: not `.xlsx`, which is bytes: use `data(_:lang:scope:)` (every command and
    ///   service that takes the format from a user does).
    public func render(_ e: Evaluation, lang: Language, scope: ReportScope) -> String {
        switch self {
        case .text: Format.terminalSafe(TextReport.render(e, lang: lang, scope: scope))
        case .json: JSONReport.render(e, lang: lang, scope: scope)
        case .csv: CSVReport.render(e, lang: lang)
        case .md: MarkdownReport.render(e, lang: lang, scope: scope)
        case .html: HTMLReport.render(e, lang: lang, scope: scope)
        case .xlsx: preconditionFailure("an .xlsx report is bytes: use ReportFormat.data(_:lang:scope:)")
        }
    }

    /// The report's bytes in any format: UTF-8 text, or the `.xlsx` workbook.
    ///
    /// This is what the portal calls for a download: `try ReportFormat.xlsx.data(view, lang: lang,
    /// scope: .investor(id))` gives an investor's workbook (only that investor), and with the
    /// province's evaluation and `.province` the province's.
    /// - throws: `XLSXError` when the workbook cannot be written (the temporary folder is full).
    public func data(_ e: Evaluation, lang: Language, scope: ReportScope) throws -> Data {
        if self == .xlsx { return Data(try ReportWorkbook.render(e, lang: lang, scope: scope)) }
        return Data(render(e, lang: lang, scope: scope).utf8)
    }

    /// Writes the report to `sink`, JSON in pieces as it is made (a large province's JSON is some
    /// 70 MB, never held whole).
    public func write(_ e: Evaluation, lang: Language, scope: ReportScope, to sink: (UnsafeRawBufferPointer) -> Void) throws {
        if self == .json { return JSONReport.write(e, lang: lang, scope: scope, to: sink) }
        if self == .xlsx {
            let bytes = try ReportWorkbook.render(e, lang: lang, scope: scope)
            return bytes.withUnsafeBytes(sink)
        }
        var text = render(e, lang: lang, scope: scope)
        text.withUTF8 { sink(UnsafeRawBufferPointer($0)) }
    }
}
