/// One cell of a data sheet.
public enum DataCell: Sendable, Hashable {
    case empty
    case text(String)
    /// A number with an Excel number format (`#,##0`, `0.00%`), nil for General.
    case number(Double, format: String?)
    /// Text aligned right, for a figure that cannot be a number (an amount beyond 15 digits).
    case figureText(String)
}

/// A sheet that is one table: a header row, frozen, with filter buttons, and rows under it;
/// columns fitted to their longest cell (within `maxColumnWidth`).
public struct DataSheet: Sendable {
    /// The sheet's tab name (made valid by `Workbook.sheetName`).
    public var name: String
    /// The header row, one text per column.
    public var headers: [String]
    /// The rows under the header; cells beyond the header's columns are ignored.
    public var rows: [[DataCell]]
    /// Lines above the header (what the sheet is, as of when), one merged row each; none in
    /// constant-memory workbooks, which cannot merge.
    public var preamble: [String]

    /// The widest a fitted column gets, in characters: longer texts wrap or are cut off on screen.
    public static let maxColumnWidth = 60.0

    /// A sheet named `name` with these headers and rows.
    public init(name: String, headers: [String], rows: [[DataCell]] = [], preamble: [String] = []) {
        self.name = name
        self.headers = headers
        self.rows = rows
        self.preamble = preamble
    }

    /// Writes the sheet into `book`. Widths are set before any row: libxlsxwriter's
    /// constant-memory mode writes the column widths with the first row.
    public func write(into book: Workbook) throws {
        let sheet = try book.addSheet(name)
        let n = headers.count
        var widths = headers.map { Double(min(DataSheet.widthOf($0) + 2, 30)) }
        for r in rows {
            for (c, cell) in r.enumerated() where c < n {
                let w: Int
                switch cell {
                case .empty: continue
                case .text(let s), .figureText(let s): w = DataSheet.widthOf(s)
                case .number(let x, let format): w = DataSheet.shownWidth(x, format: format)
                }
                widths[c] = max(widths[c], min(Double(w) + 2, DataSheet.maxColumnWidth))
            }
        }
        for c in 0..<n { try sheet.setColumns(c, c, width: widths[c]) }
        var row = 0
        if !book.constantMemory {
            for line in preamble {
                try sheet.merge(firstRow: row, firstColumn: 0, lastRow: row, lastColumn: max(0, min(n - 1, 7)), text: line,
                                style: CellStyle(bold: row == 0))
                row += 1
            }
        }
        let headerRow = row
        let headerStyle = CellStyle(bold: true, wrap: true, alignment: .center, verticalCenter: true, border: true, fill: 0xE7EEF7)
        for (c, h) in headers.enumerated() { try sheet.write(row: row, column: c, text: h, style: headerStyle) }
        row += 1
        var styles: [String: CellStyle] = [:]
        for r in rows {
            for (c, cell) in r.enumerated() where c < n {
                switch cell {
                case .empty: break
                case .text(let s): try sheet.write(row: row, column: c, text: s)
                case .figureText(let s): try sheet.write(row: row, column: c, text: s, style: CellStyle(alignment: .right))
                case .number(let x, let format):
                    let style: CellStyle
                    if let format {
                        if let s = styles[format] { style = s } else { style = CellStyle(numberFormat: format); styles[format] = style }
                    } else {
                        style = .plain
                    }
                    try sheet.write(row: row, column: c, number: x, style: style)
                }
            }
            row += 1
        }
        try sheet.freeze(row: headerRow + 1)
        if n > 0 { try sheet.autofilter(firstRow: headerRow, firstColumn: 0, lastRow: max(headerRow, row - 1), lastColumn: n - 1) }
    }

    /// Characters a text takes (its longest line).
    static func widthOf(_ s: String) -> Int {
        var best = 0, current = 0
        for ch in s {
            if ch == "\n" { best = max(best, current); current = 0 } else { current += 1 }
        }
        return max(best, current)
    }

    /// Characters a number takes as its format shows it, about: digits, group separators,
    /// decimals, the percent sign.
    static func shownWidth(_ x: Double, format: String?) -> Int {
        let percent = format?.hasSuffix("%") ?? false
        let value = percent ? x * 100 : x
        let whole = max(1, Int(log10(max(1, abs(value)))) + 1)
        let decimals = format.flatMap { f in f.firstIndex(of: ".").map { f[f.index(after: $0)...].filter { $0 == "0" }.count } } ?? 0
        let grouped = (format?.contains(",") ?? false) ? (whole - 1) / 3 : 0
        return whole + grouped + (decimals > 0 ? decimals + 1 : 0) + (percent ? 1 : 0) + (value < 0 ? 1 : 0)
    }
}

import Foundation
