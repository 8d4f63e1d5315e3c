import CXlsxWriter
import Foundation

/// An error from libxlsxwriter or from the wrapper, with what was being written.
public struct XLSXError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, with what was being written.
    public let description: String
    /// An error with this message.
    public init(_ message: String) { description = message }

    init(_ code: lxw_error, _ what: @autoclosure () -> String) {
        let text = lxw_strerror(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
        description = "cannot write the workbook (\(what())): \(text)"
    }
}

/// How a cell looks: number format, font, alignment, borders, fill. Equal styles share one
/// libxlsxwriter format, so a sheet of 20,000 rows holds a handful of formats.
public struct CellStyle: Hashable, Sendable {
    public enum Alignment: Hashable, Sendable { case general, left, center, right }

    /// An Excel number format code (`#,##0`, `0.00%`), or nil for General.
    public var numberFormat: String?
    /// Bold font.
    public var bold = false
    /// Italic font.
    public var italic = false
    /// Wrap text in the cell (headers over several lines).
    public var wrap = false
    /// Horizontal alignment.
    public var alignment = Alignment.general
    /// Text centred vertically (headers over several rows).
    public var verticalCenter = false
    /// A thin border on every side (the grid of a printed form).
    public var border = false
    /// Font size in points; nil: the default (11).
    public var fontSize: Double?
    /// Background fill as 0xRRGGBB.
    public var fill: UInt32?
    /// Indent levels of the text (the cell's value stays the text itself).
    public var indent = 0

    /// A style; every part defaults to Excel's own.
    public init(numberFormat: String? = nil, bold: Bool = false, italic: Bool = false, wrap: Bool = false,
                alignment: Alignment = .general, verticalCenter: Bool = false, border: Bool = false,
                fontSize: Double? = nil, fill: UInt32? = nil, indent: Int = 0) {
        self.numberFormat = numberFormat
        self.bold = bold
        self.italic = italic
        self.wrap = wrap
        self.alignment = alignment
        self.verticalCenter = verticalCenter
        self.border = border
        self.fontSize = fontSize
        self.fill = fill
        self.indent = indent
    }

    /// No format at all: General, the default font.
    public static let plain = CellStyle()
}

/// An `.xlsx` workbook written by libxlsxwriter to a file.
///
/// ```swift
/// let book = try Workbook(path: "out.xlsx")
/// let sheet = try book.addSheet("Tỉnh")
/// try sheet.write(row: 0, column: 0, text: "Kế hoạch")
/// try sheet.write(row: 0, column: 1, number: 1_234_567_000, style: CellStyle(numberFormat: "#,##0"))
/// try book.close()
/// ```
///
/// libxlsxwriter writes the file only at `close()`; a workbook not closed leaves no file (its
/// temporary files are removed when the object goes away).
public final class Workbook {
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var sheets: [Sheet] = []
    /// Where `close()` writes the file.
    public let path: String
    /// Whether rows are flushed as they are written (see `init`).
    public let constantMemory: Bool

    /// Starts a workbook at `path`.
    ///
    /// - parameter constantMemory: libxlsxwriter's constant-memory mode: each row is flushed to a
    ///   temporary file when the next one starts, so a sheet of any length takes the memory of
    ///   one row; rows must then be written in order, and merged ranges are not available.
    public init(path: String, constantMemory: Bool = false) throws {
        self.path = path
        self.constantMemory = constantMemory
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        options.use_zip64 = 1
        let tmp = strdup(NSTemporaryDirectory())
        defer { free(tmp) }
        options.tmpdir = tmp
        handle = path.withCString { workbook_new_opt($0, &options) }
        guard handle != nil else { throw XLSXError("cannot start a workbook at \(path)") }
    }

    deinit {
        // A workbook never closed: libxlsxwriter frees its memory and temporary files only on
        // close, which would also write the file; free it without writing.
        if let handle { lxw_workbook_free(handle) }
    }

    /// Adds a sheet. Names are at most 31 characters and hold none of `[]:*?/\`: a longer name is
    /// cut, a forbidden character replaced by `-`.
    public func addSheet(_ name: String) throws -> Sheet {
        guard let handle else { throw XLSXError("the workbook is closed") }
        let safe = Workbook.sheetName(name)
        // Checked first: libxlsxwriter would print its own warning on standard error.
        let valid = safe.withCString { workbook_validate_sheet_name(handle, $0) }
        guard valid == LXW_NO_ERROR else { throw XLSXError(valid, "a sheet named \(safe)") }
        guard let ws = safe.withCString({ workbook_add_worksheet(handle, $0) }) else {
            throw XLSXError("cannot add a sheet named \(safe)")
        }
        let sheet = Sheet(ws, workbook: self)
        sheets.append(sheet)
        return sheet
    }

    /// The sheet name Excel accepts for `name`.
    public static func sheetName(_ name: String) -> String {
        var s = String(name.map { "[]:*?/\\".contains($0) ? "-" : $0 })
        if s.count > 31 { s = String(s.prefix(31)) }
        return s.isEmpty ? "Sheet" : s
    }

    /// Sets the document's title and subject (File ▸ Properties).
    public func setProperties(title: String, subject: String? = nil) {
        guard let handle else { return }
        let t = strdup(title), s = subject.map { strdup($0) } ?? nil
        defer { free(t); free(s) }
        var p = lxw_doc_properties()
        p.title = t
        p.subject = s
        p.author = nil
        _ = workbook_set_properties(handle, &p)
    }

    func format(_ style: CellStyle) -> UnsafeMutablePointer<lxw_format>? {
        if style == .plain { return nil }
        if let f = formats[style] { return f }
        guard let handle, let f = workbook_add_format(handle) else { return nil }
        if let code = style.numberFormat { code.withCString { format_set_num_format(f, $0) } }
        if style.bold { format_set_bold(f) }
        if style.italic { format_set_italic(f) }
        if style.wrap { format_set_text_wrap(f) }
        switch style.alignment {
        case .general: break
        case .left: format_set_align(f, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(f, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(f, UInt8(LXW_ALIGN_RIGHT.rawValue))
        }
        if style.verticalCenter { format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue)) }
        if style.border { format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue)) }
        if let size = style.fontSize { format_set_font_size(f, size) }
        if style.indent > 0 { format_set_indent(f, UInt8(min(15, style.indent))) }
        if let fill = style.fill {
            format_set_pattern(f, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(f, lxw_color_t(fill))
        }
        formats[style] = f
        return f
    }

    func requireOpen() throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let handle else { throw XLSXError("the workbook is closed") }
        return handle
    }

    /// Writes the file and frees the workbook.
    public func close() throws {
        guard let h = handle else { return }
        handle = nil
        for s in sheets { s.invalidate() }
        let code = workbook_close(h)
        guard code == LXW_NO_ERROR else { throw XLSXError(code, "closing \(path)") }
    }

    // MARK: - Whole files

    /// Builds a workbook in a temporary file and returns its bytes.
    public static func bytes(constantMemory: Bool = false, _ build: (Workbook) throws -> Void) throws -> [UInt8] {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("giaingan-\(UUID().uuidString).xlsx")
        defer { unlink(path) }
        let book = try Workbook(path: path, constantMemory: constantMemory)
        try build(book)
        try book.close()
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Builds a workbook beside `path` and renames it into place: a reader never sees half a file,
    /// and an error leaves whatever was at `path` before.
    public static func write(to path: String, constantMemory: Bool = false, _ build: (Workbook) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let staging = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)").path
        do {
            let book = try Workbook(path: staging, constantMemory: constantMemory)
            try build(book)
            try book.close()
            guard rename(staging, path) == 0 else {
                throw XLSXError("cannot move the workbook to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(staging)
            throw error
        }
    }
}

/// One sheet of a workbook.
public final class Sheet {
    private var handle: UnsafeMutablePointer<lxw_worksheet>?
    private unowned let workbook: Workbook

    /// Excel's limits: a cell holds at most 32,767 characters; a sheet 1,048,576 rows and 16,384 columns.
    public static let maxTextCharacters = 32_767
    /// Rows a sheet holds.
    public static let maxRows = 1_048_576
    /// Columns a sheet holds.
    public static let maxColumns = 16_384

    init(_ handle: UnsafeMutablePointer<lxw_worksheet>, workbook: Workbook) {
        self.handle = handle
        self.workbook = workbook
    }

    func invalidate() { handle = nil }

    private func ws() throws -> UnsafeMutablePointer<lxw_worksheet> {
        guard let handle else { throw XLSXError("the workbook is closed") }
        return handle
    }

    private func check(_ row: Int, _ column: Int) throws {
        guard (0..<Sheet.maxRows).contains(row), (0..<Sheet.maxColumns).contains(column) else {
            throw XLSXError("cell row \(row + 1), column \(column + 1) is beyond Excel's \(Sheet.maxRows) rows and \(Sheet.maxColumns) columns")
        }
    }

    /// Text as Excel can hold it: at most 32,767 characters (a longer text is cut and ends
    /// with "…"). A text cell is never a formula, whatever it starts with.
    public static func cellText(_ text: String) -> String {
        guard text.utf16.count > maxTextCharacters else { return text }
        var cut = ""
        var units = 0
        for ch in text {
            let n = ch.utf16.count
            if units + n > maxTextCharacters - 1 { break }
            cut.append(ch)
            units += n
        }
        return cut + "…"
    }

    /// Writes a number (0-based row and column).
    /// - throws: `XLSXError` beyond Excel's rows and columns, or when libxlsxwriter refuses.
    public func write(row: Int, column: Int, number: Double, style: CellStyle = .plain) throws {
        try check(row, column)
        let code = worksheet_write_number(try ws(), lxw_row_t(row), lxw_col_t(column), number, workbook.format(style))
        guard code == LXW_NO_ERROR else { throw XLSXError(code, "row \(row + 1), column \(column + 1)") }
    }

    /// Writes text (cut at `maxTextCharacters`, see `cellText`); never a formula.
    /// - throws: `XLSXError` beyond Excel's rows and columns, or when libxlsxwriter refuses.
    public func write(row: Int, column: Int, text: String, style: CellStyle = .plain) throws {
        try check(row, column)
        let w = try ws(), f = workbook.format(style)
        let code = Sheet.cellText(text).withCString { worksheet_write_string(w, lxw_row_t(row), lxw_col_t(column), $0, f) }
        guard code == LXW_NO_ERROR else { throw XLSXError(code, "row \(row + 1), column \(column + 1)") }
    }

    /// A cell with a style and no value (borders of an empty cell in a printed form).
    public func writeBlank(row: Int, column: Int, style: CellStyle) throws {
        try check(row, column)
        let code = worksheet_write_blank(try ws(), lxw_row_t(row), lxw_col_t(column), workbook.format(style))
        guard code == LXW_NO_ERROR else { throw XLSXError(code, "row \(row + 1), column \(column + 1)") }
    }

    /// Merges a range and writes `text` in it (not available in constant-memory mode).
    public func merge(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int, text: String,
                      style: CellStyle = .plain) throws {
        guard !workbook.constantMemory else { throw XLSXError("merged ranges need a workbook without constant-memory mode") }
        try check(firstRow, firstColumn)
        try check(lastRow, lastColumn)
        let w = try ws(), f = workbook.format(style)
        let code = Sheet.cellText(text).withCString {
            worksheet_merge_range(w, lxw_row_t(firstRow), lxw_col_t(firstColumn), lxw_row_t(lastRow), lxw_col_t(lastColumn), $0, f)
        }
        guard code == LXW_NO_ERROR else {
            throw XLSXError(code, "merging rows \(firstRow + 1)–\(lastRow + 1), columns \(firstColumn + 1)–\(lastColumn + 1)")
        }
    }

    /// Sets the width of columns `first…last` in characters of the default font.
    public func setColumns(_ first: Int, _ last: Int, width: Double, style: CellStyle = .plain) throws {
        try check(0, last)
        let code = worksheet_set_column(try ws(), lxw_col_t(first), lxw_col_t(last), width, workbook.format(style))
        guard code == LXW_NO_ERROR else { throw XLSXError(code, "column widths") }
    }

    /// Sets a row's height in points.
    public func setRow(_ row: Int, height: Double) throws {
        try check(row, 0)
        let code = worksheet_set_row(try ws(), lxw_row_t(row), height, nil)
        guard code == LXW_NO_ERROR else { throw XLSXError(code, "row height") }
    }

    /// Keeps rows above `row` and columns left of `column` in view when scrolling.
    public func freeze(row: Int, column: Int = 0) throws {
        worksheet_freeze_panes(try ws(), lxw_row_t(row), lxw_col_t(column))
    }

    /// Puts filter buttons on the header row `firstRow` over the range.
    public func autofilter(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) throws {
        try check(firstRow, firstColumn)
        try check(lastRow, lastColumn)
        let code = worksheet_autofilter(try ws(), lxw_row_t(firstRow), lxw_col_t(firstColumn), lxw_row_t(lastRow),
                                        lxw_col_t(lastColumn))
        guard code == LXW_NO_ERROR else { throw XLSXError(code, "autofilter") }
    }

    /// Printing on A4 landscape, fitted to one page wide, with rows `repeatFirst…repeatLast`
    /// (the headers) repeated on every page.
    public func printA4Landscape(repeatRows: ClosedRange<Int>? = nil) throws {
        let w = try ws()
        worksheet_set_landscape(w)
        worksheet_set_paper(w, 9)   // 9 = A4 in Excel's paper codes
        worksheet_set_margins(w, 0.4, 0.4, 0.5, 0.5)
        worksheet_fit_to_pages(w, 1, 0)
        if let r = repeatRows {
            let code = worksheet_repeat_rows(w, lxw_row_t(r.lowerBound), lxw_row_t(r.upperBound))
            guard code == LXW_NO_ERROR else { throw XLSXError(code, "rows repeated on each page") }
        }
    }
}
