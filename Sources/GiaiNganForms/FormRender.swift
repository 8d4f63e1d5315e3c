import GiaiNganCore
import GiaiNganReport
import GiaiNganXLSX

/// The output formats of a form.
public enum FormFormat: String, Sendable, CaseIterable {
    case xlsx, csv, html

    /// `xlsx`, `csv` or `html`.
    public var fileExtension: String { rawValue }
}

/// Renders a computed form as an `.xlsx` workbook, CSV or a print-ready HTML page.
public enum FormRender {
    // MARK: - xlsx

    /// One sheet, laid out as the printed form: the form code at the top right, the title
    /// centred, the unit, headers over several rows with merged cells, the column numbers, the
    /// rows, the notes; A4 landscape, one page wide, headers repeated on every page, panes frozen
    /// under the headers.
    public static func xlsx(_ t: FormTable, lang: Language) throws -> [UInt8] {
        try Workbook.bytes { book in try write(t, into: book, lang: lang) }
    }

    /// Writes the form's sheet into `book`.
    public static func write(_ t: FormTable, into book: Workbook, lang: Language) throws {
        let spec = t.spec
        book.setProperties(title: t.title.joined(separator: " "), subject: spec.formCode)
        let sheet = try book.addSheet(spec.id)
        let last = max(0, spec.columns.count - 1)
        var row = 0
        let corner = max(0, last - 2)
        if let code = spec.formCode {
            try sheet.merge(firstRow: row, firstColumn: corner, lastRow: row, lastColumn: last, text: code,
                            style: CellStyle(bold: true, italic: true, alignment: .right))
            row += 1
        }
        for line in t.title {
            try sheet.merge(firstRow: row, firstColumn: 0, lastRow: row, lastColumn: last, text: line,
                            style: CellStyle(bold: true, wrap: true, alignment: .center, verticalCenter: true, fontSize: 13))
            try sheet.setRow(row, height: 20)
            row += 1
        }
        for line in t.subtitle {
            try sheet.merge(firstRow: row, firstColumn: 0, lastRow: row, lastColumn: last, text: line,
                            style: CellStyle(italic: true, alignment: .center))
            row += 1
        }
        try sheet.merge(firstRow: row, firstColumn: corner, lastRow: row, lastColumn: last, text: t.unitLine,
                        style: CellStyle(italic: true, alignment: .right))
        row += 1
        // Widths first: header heights and wrapped rows depend on them.
        var widths = spec.columns.map { c -> Double in c.measure.kind == .text ? 6 : 12 }
        for r in t.rows {
            for (c, value) in r.values.enumerated() {
                let column = spec.columns[c]
                switch value {
                case .text(let s):
                    widths[c] = max(widths[c], Double(min(s.count + 2 * r.indent, column.measure == .label ? 50 : 40)) + 1)
                case .amount(let vnd):
                    let shown = CellNumbers.amountText(vnd, unitVND: spec.unit.vnd, decimals: column.decimals ?? spec.amountDecimals, lang: .vi)
                    widths[c] = max(widths[c], Double(shown.count) + 2)
                default: break
                }
            }
        }
        for (c, column) in spec.columns.enumerated() {
            widths[c] = column.width ?? widths[c]
            try sheet.setColumns(c, c, width: widths[c])
        }
        /// Lines a text takes in a cell `width` characters wide (bold text is wider).
        func lines(_ text: String, _ width: Double, bold: Bool = true) -> Int {
            max(1, Int((Double(text.count) * (bold ? 1.0 : 0.85) / max(1, width - 1)).rounded(.up)))
        }
        let headerTop = row
        let headerStyle = CellStyle(bold: true, wrap: true, alignment: .center, verticalCenter: true, border: true, fill: 0xF2F2F2)
        for (level, cells) in t.header.enumerated() {
            var height = 1
            for (c, cell) in cells.enumerated() {
                guard let cell else { continue }
                let width = widths[c..<(c + cell.columnSpan)].reduce(0, +)
                if cell.rowSpan == 1 { height = max(height, lines(cell.text, width)) }
                if cell.rowSpan == 1 && cell.columnSpan == 1 {
                    try sheet.write(row: row + level, column: c, text: cell.text, style: headerStyle)
                } else {
                    try sheet.merge(firstRow: row + level, firstColumn: c, lastRow: row + level + cell.rowSpan - 1,
                                    lastColumn: c + cell.columnSpan - 1, text: cell.text, style: headerStyle)
                }
            }
            try sheet.setRow(row + level, height: Double(height) * 13 + 4)
        }
        row += t.header.count
        if let numbers = t.numbers {
            for (c, n) in numbers.enumerated() {
                try sheet.write(row: row, column: c, text: n, style: CellStyle(italic: true, alignment: .center, border: true))
            }
            row += 1
        }
        let headerBottom = row - 1
        for r in t.rows {
            var height = 1
            for (c, value) in r.values.enumerated() {
                let column = spec.columns[c]
                var style = CellStyle(bold: r.bold, italic: r.italic, border: true)
                switch value {
                case .empty:
                    try sheet.writeBlank(row: row, column: c, style: style)
                case .text(let s):
                    style.wrap = column.measure == .label
                    if column.measure == .ordinal { style.alignment = .center }
                    // Indented by the format, so the cell's value is the name itself (sorting, filters, lookups).
                    if column.measure == .label { style.indent = r.indent }
                    if style.wrap { height = max(height, lines(String(repeating: "  ", count: r.indent) + s, widths[c], bold: r.bold)) }
                    try sheet.write(row: row, column: c, text: s, style: style)
                case .amount(let vnd):
                    let decimals = column.decimals ?? spec.amountDecimals
                    style.numberFormat = CellNumbers.amountFormat(decimals: decimals)
                    switch CellNumbers.amount(vnd, unitVND: spec.unit.vnd) {
                    case .number(let x): try sheet.write(row: row, column: c, number: x, style: style)
                    case .text(let s):
                        style.alignment = .right
                        try sheet.write(row: row, column: c, text: s, style: style)
                    }
                case .rate(let rate):
                    let decimals = column.decimals ?? spec.rateDecimals
                    style.numberFormat = CellNumbers.rateFormat(decimals: decimals)
                    try sheet.write(row: row, column: c, number: CellNumbers.rateValue(rate, decimals: decimals), style: style)
                case .points(let h):
                    style.numberFormat = CellNumbers.pointsFormat
                    try sheet.write(row: row, column: c, number: Double(h) / 100, style: style)
                case .count(let n):
                    style.numberFormat = "#,##0"
                    try sheet.write(row: row, column: c, number: Double(n), style: style)
                }
            }
            if height > 1 { try sheet.setRow(row, height: Double(height) * 15) }
            row += 1
        }
        if !t.notes.isEmpty {
            row += 1
            for line in t.notes {
                try sheet.merge(firstRow: row, firstColumn: 0, lastRow: row, lastColumn: last, text: line,
                                style: CellStyle(italic: true, wrap: true))
                try sheet.setRow(row, height: 30)
                row += 1
            }
        }
        try sheet.freeze(row: headerBottom + 1, column: 0)
        try sheet.printA4Landscape(repeatRows: headerTop...headerBottom)
    }

    // MARK: - CSV

    /// The form as CSV (UTF-8 with BOM, CRLF, RFC 4180): title, unit, header rows (a merged
    /// header's text in its first cell), numbers, rows, notes. Amounts are exact in the form's
    /// unit with a `.` (`1234.567` triệu); rates are percentages rounded down with a `.`.
    public static func csv(_ t: FormTable) -> String {
        let n = t.spec.columns.count
        var out = "\u{FEFF}"
        func record(_ cells: [String]) {
            out += cells.map { cell in
                // A lone dash (a row mark) is no formula; anything else goes through the guard.
                let c = cell == "-" ? cell : CSVReport.neutralize(cell)
                return c.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : c
            }.joined(separator: ",") + "\r\n"
        }
        func line(_ s: String) { record([s] + [String](repeating: "", count: max(0, n - 1))) }
        if let code = t.spec.formCode { line(code) }
        for l in t.title + t.subtitle { line(l) }
        line(t.unitLine)
        for level in t.header { record(level.map { $0?.text ?? "" }) }
        if let numbers = t.numbers { record(numbers) }
        for r in t.rows {
            record(r.values.enumerated().map { c, v in
                let column = t.spec.columns[c]
                switch v {
                case .empty: return ""
                case .text(let s): return s
                case .amount(let vnd): return CellNumbers.exactDecimal(vnd, unitVND: t.spec.unit.vnd)
                case .rate(let rate): return CellNumbers.rateText(rate, decimals: column.decimals ?? t.spec.rateDecimals, lang: .en, sign: false)
                case .points(let h): return CellNumbers.pointsText(h, lang: .en)
                case .count(let k): return String(k)
                }
            })
        }
        for l in t.notes { line(l) }
        return out
    }

    // MARK: - HTML

    /// The form as one self-contained HTML page, print-ready on A4 landscape (`@page`), the
    /// header rows repeated on every printed page; figures as the form shows them (the unit,
    /// decimals, Vietnamese separators).
    public static func html(_ t: FormTable, lang: Language) -> String {
        let e = HTMLReport.escape
        let spec = t.spec
        var h = """
        <!DOCTYPE html>
        <html lang="\(lang.rawValue)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(t.title.joined(separator: " ")))</title>
        <style>
        @page { size: A4 landscape; margin: 10mm 8mm; }
        body { font-family: "Times New Roman", Times, serif; font-size: 11pt; margin: 1em; color: #000; }
        .code { text-align: right; font-weight: bold; font-style: italic; }
        h1 { font-size: 13pt; text-align: center; margin: .2em 0; }
        .sub { text-align: center; font-style: italic; margin: .1em 0; }
        .unit { text-align: right; font-style: italic; margin: .3em 0; }
        table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
        th, td { border: 1px solid #000; padding: 2px 4px; vertical-align: middle; }
        th { background: #f2f2f2; text-align: center; font-weight: bold; }
        thead { display: table-header-group; }
        tr { page-break-inside: avoid; }
        td.n { text-align: right; white-space: nowrap; }
        td.c { text-align: center; }
        tr.b td { font-weight: bold; }
        tr.i td { font-style: italic; }
        tr.num td { text-align: center; font-style: italic; }
        .notes { font-size: 9pt; font-style: italic; margin-top: .6em; }
        @media print { body { margin: 0; } th { background: none; } }
        </style></head><body>

        """
        if let code = spec.formCode { h += "<p class=\"code\">\(e(code))</p>\n" }
        for l in t.title { h += "<h1>\(e(l))</h1>\n" }
        for l in t.subtitle { h += "<p class=\"sub\">\(e(l))</p>\n" }
        h += "<p class=\"unit\">\(e(t.unitLine))</p>\n<table>\n<thead>\n"
        for level in t.header {
            h += "<tr>"
            for cell in level {
                guard let cell else { continue }
                h += "<th" + (cell.rowSpan > 1 ? " rowspan=\"\(cell.rowSpan)\"" : "") + (cell.columnSpan > 1 ? " colspan=\"\(cell.columnSpan)\"" : "")
                    + ">\(e(cell.text))</th>"
            }
            h += "</tr>\n"
        }
        if let numbers = t.numbers { h += "<tr class=\"num\">" + numbers.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
        h += "</thead>\n<tbody>\n"
        for r in t.rows {
            let cls = [r.bold ? "b" : nil, r.italic ? "i" : nil].compactMap { $0 }.joined(separator: " ")
            h += cls.isEmpty ? "<tr>" : "<tr class=\"\(cls)\">"
            for (c, v) in r.values.enumerated() {
                let column = spec.columns[c]
                switch v {
                case .empty: h += "<td></td>"
                case .text(let s):
                    let pad = column.measure == .label && r.indent > 0 ? " style=\"padding-left:\(r.indent * 12 + 4)px\"" : ""
                    h += column.measure == .ordinal ? "<td class=\"c\">\(e(s))</td>" : "<td\(pad)>\(e(s))</td>"
                case .amount(let vnd):
                    h += "<td class=\"n\">\(CellNumbers.amountText(vnd, unitVND: spec.unit.vnd, decimals: column.decimals ?? spec.amountDecimals, lang: lang))</td>"
                case .rate(let rate):
                    h += "<td class=\"n\">\(CellNumbers.rateText(rate, decimals: column.decimals ?? spec.rateDecimals, lang: lang))</td>"
                case .points(let p): h += "<td class=\"n\">\(CellNumbers.pointsText(p, lang: lang))</td>"
                case .count(let k): h += "<td class=\"n\">\(Format.grouped(Int64(k), separator: lang == .vi ? "." : ","))</td>"
                }
            }
            h += "</tr>\n"
        }
        h += "</tbody>\n</table>\n"
        if !t.notes.isEmpty { h += "<div class=\"notes\">" + t.notes.map { "<p>\(e($0))</p>" }.joined() + "</div>\n" }
        h += "</body></html>\n"
        return h
    }
}
