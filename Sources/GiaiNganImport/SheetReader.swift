import Foundation
import ZIPFoundation

/// Reads the rows of one worksheet of an `.xlsx` workbook as records of fields, for
/// ``TableReader``: the same bytes-per-cell interface as ``CSVReader``, so that every cell goes
/// through the same decoding and validation.
///
/// The worksheet is inflated by ZIPFoundation and scanned by ``XMLScanner`` on a thread of its
/// own, in chunks, into blocks of rows that circulate between it and the reader (a few at a time):
/// a sheet of any size is read in bounded memory. A row is its cells from column A on; a cell's
/// field is:
///
/// - a shared or inline string, or a formula's text result: its text;
/// - a number formatted as a date (built-in or custom date format, 1900 or 1904 date system):
///   the date, `yyyy-MM-dd`;
/// - another number: its value to 15 significant digits as a plain decimal (`1395.6`), flagged
///   numeric so that amounts read it exactly instead of by a CSV file's separators;
/// - a boolean `TRUE` or `FALSE`, an error as the sheet shows it (`#N/A`).
///
/// ``line`` is the row number; rows the sheet does not store (empty ones) are not seen.
final class SheetReader: RowSource {
    let path: String
    let sheetName: String?
    let fileSize: Int
    private let state: SheetStream
    // As in CSVReader, the state below is only touched by this class's own methods, one at a
    // time: Swift's run-time check of each access is not needed.
    @exclusivity(unchecked) private var block = SheetRowBlock()
    @exclusivity(unchecked) private var rowIndex = -1
    @exclusivity(unchecked) private var again = false
    @exclusivity(unchecked) private var finished = false
    @exclusivity(unchecked) private var width = 0
    /// The current row: each column's span in `block.text` (start, count).
    @exclusivity(unchecked) private var starts: [Int] = []
    @exclusivity(unchecked) private var counts: [Int] = []
    @exclusivity(unchecked) private var numeric: [Bool] = []
    private let maxFields: Int

    init(workbook: Workbook, sheet: Workbook.Sheet, options: ReadOptions) throws(ImportIssue) {
        path = workbook.path
        sheetName = sheet.name
        maxFields = options.maxFieldsPerRecord
        guard let entry = workbook.archive[sheet.part] else {
            throw ImportIssue(file: path, expected: "an intact .xlsx workbook; the part \(sheet.part) of sheet "
                + "\"\(ImportIssue.escaped(sheet.name))\" is missing")
        }
        fileSize = Int(clamping: entry.uncompressedSize)
        state = SheetStream(workbook: workbook, entry: entry, sheet: sheet, options: options)
        state.start()
    }

    deinit { state.cancel() }

    // MARK: - Records

    func nextRecord() throws(ImportIssue) -> Bool {
        if again {
            again = false
            if finished { return false }
            // The table's width may have been set since the row was first read.
            try layOut(block.rows[rowIndex])
            return true
        }
        rowIndex += 1
        if rowIndex >= block.rows.count {
            guard let next = try state.next(recycling: block) else {
                finished = true
                starts.removeAll(keepingCapacity: true)
                counts.removeAll(keepingCapacity: true)
                return false
            }
            block = next
            rowIndex = 0
        }
        try layOut(block.rows[rowIndex])
        return true
    }

    /// Makes `row` the current record: its cells by column, padded to the table's width.
    private func layOut(_ row: SheetRowBlock.Row) throws(ImportIssue) {
        let lastColumn = row.cellCount > 0 ? block.cells[row.firstCell + row.cellCount - 1].column : -1
        let fields = max(width, lastColumn + 1)
        guard fields <= maxFields else {
            throw ImportIssue(file: path, line: row.line, expected: "at most \(maxFields) columns in a row; this row has a value "
                + "in column \(ColumnLetters.of(lastColumn))")
        }
        starts.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        numeric.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: fields))
        counts.append(contentsOf: repeatElement(0, count: fields))
        numeric.append(contentsOf: repeatElement(false, count: fields))
        for k in row.firstCell..<(row.firstCell + row.cellCount) {
            let cell = block.cells[k]
            starts[cell.column] = cell.start
            counts[cell.column] = cell.count
            numeric[cell.column] = cell.isNumeric
        }
        line = row.line
    }

    func unreadRecord() { again = true }

    @exclusivity(unchecked) private(set) var line = 0
    var fieldCount: Int { counts.count }

    var isBlankRecord: Bool {
        for index in 0..<counts.count where !isFieldBlank(index) { return false }
        return true
    }

    func isFieldBlank(_ index: Int) -> Bool { withFieldBytes(index) { Trim.whiteSpace($0).isEmpty } }

    @inline(__always)
    func withFieldBytes<Value, Failure: Error>(
        _ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let start = starts[index], count = counts[index]
        return try block.text.withUnsafeBufferPointer { text throws(Failure) -> Value in
            try body(UnsafeBufferPointer(start: (text.baseAddress ?? UnsafePointer(bitPattern: 1)!) + start, count: count))
        }
    }

    func string(at index: Int) throws(ImportIssue) -> String {
        let text: String? = withFieldBytes(index) { String(validating: $0, as: UTF8.self) }
        guard let text else {
            throw ImportIssue(file: path, line: line, expected: "UTF-8 text in cell \(ColumnLetters.of(index))\(line); "
                + "the workbook holds bytes that are not (the file is damaged)")
        }
        return text
    }

    func fieldByteCount(_ index: Int) -> Int { counts[index] }
    func checkUTF8(at index: Int) throws(ImportIssue) { _ = try string(at: index) }

    func lossyString(at index: Int, maxBytes: Int) -> String {
        withFieldBytes(index) { String(decoding: UnsafeBufferPointer(rebasing: $0.prefix(maxBytes)), as: UTF8.self) }
    }

    @inline(__always) func isNumeric(_ index: Int) -> Bool { numeric[index] }
    var bytesConsumed: Int { state.bytesScanned }
    func setTableWidth(_ width: Int) { self.width = width }
}

/// Rows of a worksheet handed from the scanning thread to the reader.
struct SheetRowBlock: Sendable {
    struct Row: Sendable {
        var line: Int
        var firstCell: Int
        var cellCount: Int
    }
    struct Cell: Sendable {
        var column: Int
        var start: Int
        var count: Int
        var isNumeric: Bool
    }
    var rows: [Row] = []
    var cells: [Cell] = []
    var text: [UInt8] = []

    mutating func removeAll() {
        rows.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
    }
}

/// The scanning thread of a ``SheetReader`` and the blocks it shares with it.
final class SheetStream: @unchecked Sendable {
    static let rowsPerBlock = 2048
    static let depth = 3

    private let workbook: Workbook
    private let entry: Entry
    private let sheet: Workbook.Sheet
    private let options: ReadOptions
    private let condition = NSCondition()
    /// Guarded by `condition`, as are the four below.
    private var filled: [SheetRowBlock] = []
    private var spare: [SheetRowBlock]
    private var done = false
    private var cancelled = false
    private var failure: ImportIssue?
    private var scanned = 0

    init(workbook: Workbook, entry: Entry, sheet: Workbook.Sheet, options: ReadOptions) {
        self.workbook = workbook
        self.entry = entry
        self.sheet = sheet
        self.options = options
        spare = (0..<SheetStream.depth).map { _ in SheetRowBlock() }
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "giaingan.sheet"
        thread.start()
    }

    var bytesScanned: Int {
        condition.lock()
        defer { condition.unlock() }
        return scanned
    }

    /// The next block, giving `used` back; `nil` at the end of the sheet.
    func next(recycling used: SheetRowBlock) throws(ImportIssue) -> SheetRowBlock? {
        condition.lock()
        defer { condition.unlock() }
        if used.rows.capacity > 0 || used.text.capacity > 0 {
            var returned = used
            returned.removeAll()
            spare.append(returned)
            condition.broadcast()
        }
        while filled.isEmpty && !done { condition.wait() }
        if !filled.isEmpty { return filled.removeFirst() }
        if let failure { throw failure }
        return nil
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for an empty block; `nil` once the reader has gone.
    fileprivate func takeSpare() -> SheetRowBlock? {
        condition.lock()
        defer { condition.unlock() }
        while spare.isEmpty && !cancelled { condition.wait() }
        if cancelled { return nil }
        return spare.removeLast()
    }

    fileprivate func hand(_ block: SheetRowBlock, scanned: Int) {
        condition.lock()
        filled.append(block)
        self.scanned = scanned
        condition.broadcast()
        condition.unlock()
    }

    private func finish(_ failure: ImportIssue?) {
        condition.lock()
        self.failure = failure
        done = true
        condition.broadcast()
        condition.unlock()
    }

    private struct Cancelled: Error {}

    private func run() {
        guard let first = takeSpare() else { return finish(nil) }
        let job = SheetScanJob(handler: SheetScanHandler(stream: self, block: first, workbook: workbook, sheet: sheet, options: options),
                               scanner: XMLScanner(part: sheet.part, file: workbook.path))
        do {
            let checksum = try workbook.archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { data in
                if let issue = job.feed(data) { throw issue }
                if job.handler.cancelled { throw Cancelled() }
            }
            guard checksum == entry.checksum else { throw Archive.ArchiveError.invalidCRC32 }
            if let issue = job.finish() { throw issue }
            job.handler.flush(final: true)
            finish(nil)
        } catch is Cancelled {
            finish(nil)
        } catch {
            if job.handler.cancelled { return finish(nil) }
            job.handler.flush(final: true)
            if let issue = error as? ImportIssue { return finish(issue) }
            finish(Workbook.damaged(workbook.path, part: sheet.part, error))
        }
    }
}

/// The scanner and its handler, in a class whose state the compiler need not check for
/// overlapping access at run time: as locals captured by ZIPFoundation's closure, each access
/// was checked, a twentieth of the import of a sheet.
final class SheetScanJob {
    @exclusivity(unchecked) fileprivate var handler: SheetScanHandler
    @exclusivity(unchecked) private var scanner: XMLScanner

    fileprivate init(handler: SheetScanHandler, scanner: XMLScanner) {
        self.handler = handler
        self.scanner = scanner
    }

    /// Scans one inflated chunk; the problem that ends the sheet, if any.
    func feed(_ data: Data) -> ImportIssue? {
        let result: Result<Void, ImportIssue> = data.withUnsafeBytes { raw in
            Result { () throws(ImportIssue) in try scanner.feed(raw.bindMemory(to: UInt8.self), isLast: false, into: &handler) }
        }
        handler.scanned = scanner.bytesScanned
        if case .failure(let issue) = result { return issue }
        return nil
    }

    func finish() -> ImportIssue? {
        do throws(ImportIssue) {
            try scanner.feed(UnsafeBufferPointer(start: nil, count: 0), isLast: true, into: &handler)
            return nil
        } catch {
            return error
        }
    }
}

/// Turns the worksheet's XML into rows of fields as ``XMLScanner`` reports it.
private struct SheetScanHandler: XMLScanHandler {
    let stream: SheetStream
    var block: SheetRowBlock
    let strings: SharedStrings
    let dateStyles: [Bool]
    let uses1904: Bool
    let path: String
    let sheetName: String
    let maxFieldBytes: Int
    var scanned = 0
    var cancelled = false

    // The row and cell being read.
    var inSheetData = false
    var rowLine = 0, lastRowLine = 0
    var rowFirstCell = 0
    var column = -1
    var cellType: CellType = .number
    var cellStyle = 0
    var capturing = false
    var inInlineString = false
    var phoneticDepth = 0
    var value: [UInt8] = []
    var hasValue = false

    enum CellType { case number, shared, inline, formulaText, boolean, error, isoDate }

    init(stream: SheetStream, block: SheetRowBlock, workbook: Workbook, sheet: Workbook.Sheet, options: ReadOptions) {
        self.stream = stream
        self.block = block
        strings = workbook.sharedStrings
        dateStyles = workbook.dateStyles
        uses1904 = workbook.uses1904Dates
        path = workbook.path
        sheetName = sheet.name
        maxFieldBytes = options.maxFieldBytes
    }

    func issue(_ expected: String) -> ImportIssue {
        var issue = ImportIssue(file: path, line: rowLine > 0 ? rowLine : nil, expected: expected)
        issue.sheet = sheetName
        if column >= 0 && rowLine > 0 { issue.cell = ColumnLetters.of(column) + String(rowLine) }
        return issue
    }

    mutating func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: UnsafeBufferPointer<UInt8>,
                               selfClosing: Bool) throws(ImportIssue) {
        guard inSheetData else {
            if XMLScanner.isName(name, "sheetData") && !selfClosing { inSheetData = true }
            return
        }
        if XMLScanner.isName(name, "c") {
            let cell = XMLScanner.cellAttributes(attributes)
            if let reference = cell.r {
                guard let parsed = SheetScanHandler.cellReference(reference) else {
                    throw issue("a cell reference such as C17 in the sheet's XML; one is \""
                        + String(decoding: reference, as: UTF8.self) + "\" (the file is damaged)")
                }
                column = parsed.column
            } else {
                column += 1
            }
            cellType = .number
            if let t = cell.t {
                if XMLScanner.isName(t, "s") { cellType = .shared }
                else if XMLScanner.isName(t, "inlineStr") { cellType = .inline }
                else if XMLScanner.isName(t, "str") { cellType = .formulaText }
                else if XMLScanner.isName(t, "b") { cellType = .boolean }
                else if XMLScanner.isName(t, "e") { cellType = .error }
                else if XMLScanner.isName(t, "d") { cellType = .isoDate }
            }
            cellStyle = cell.s.map(SheetScanHandler.integer) ?? 0
            value.removeAll(keepingCapacity: true)
            hasValue = false
        } else if XMLScanner.isName(name, "v") {
            capturing = !inInlineString
            hasValue = true
        } else if XMLScanner.isName(name, "is") {
            inInlineString = true
            hasValue = true
        } else if XMLScanner.isName(name, "t") {
            capturing = inInlineString && phoneticDepth == 0
        } else if XMLScanner.isName(name, "rPh") {
            phoneticDepth += 1
        } else if XMLScanner.isName(name, "row") {
            if let r = XMLScanner.attribute("r", in: attributes) {
                let number = SheetScanHandler.integer(r)
                guard number > 0 else { throw issue("a row number in the sheet's XML (the file is damaged)") }
                rowLine = number
            } else {
                rowLine = lastRowLine + 1
            }
            lastRowLine = rowLine
            rowFirstCell = block.cells.count
            column = -1
        }
    }

    mutating func endElement(_ name: UnsafeBufferPointer<UInt8>) throws(ImportIssue) {
        guard inSheetData else { return }
        if XMLScanner.isName(name, "v") || XMLScanner.isName(name, "t") {
            capturing = false
        } else if XMLScanner.isName(name, "rPh") {
            phoneticDepth -= 1
        } else if XMLScanner.isName(name, "is") {
            inInlineString = false
        } else if XMLScanner.isName(name, "c") {
            if hasValue { try finishCell() }
        } else if XMLScanner.isName(name, "row") {
            let count = block.cells.count - rowFirstCell
            if count > 0 {
                block.rows.append(SheetRowBlock.Row(line: rowLine, firstCell: rowFirstCell, cellCount: count))
                rowFirstCell = block.cells.count
                if block.rows.count >= SheetStream.rowsPerBlock { flush(final: false) }
            }
            column = -1
        } else if XMLScanner.isName(name, "sheetData") {
            inSheetData = false
        }
    }

    mutating func text(_ raw: UnsafeBufferPointer<UInt8>) throws(ImportIssue) {
        guard capturing else { return }
        guard XMLScanner.appendDecoded(raw, to: &value) else {
            throw issue("well-formed XML in the sheet: an entity reference XML defines (&amp;, &lt;, &#…;); one is not "
                + "(the file is damaged)")
        }
        if value.count > maxFieldBytes { throw issue("a cell of at most \(CSVReader.sizeText(maxFieldBytes)); this one is longer") }
    }

    mutating func cdata(_ bytes: UnsafeBufferPointer<UInt8>) throws(ImportIssue) {
        guard capturing else { return }
        value.append(contentsOf: bytes)
        if value.count > maxFieldBytes { throw issue("a cell of at most \(CSVReader.sizeText(maxFieldBytes)); this one is longer") }
    }

    /// Appends the cell just read to the row.
    private mutating func finishCell() throws(ImportIssue) {
        let start = block.text.count
        var isNumeric = false
        switch cellType {
        case .shared:
            let index = value.withUnsafeBufferPointer { SheetScanHandler.integer($0) }
            guard index >= 0 && index < strings.count && !value.isEmpty else {
                throw issue("a shared string that the workbook holds; the cell refers to string "
                    + String(decoding: value, as: UTF8.self) + " of \(strings.count) (the file is damaged)")
            }
            strings.withString(index) { block.text.append(contentsOf: $0) }
        case .inline, .formulaText, .error:
            block.text.append(contentsOf: value)
            if cellType != .error { XMLScanner.decodeOfficeEscapes(&block.text, from: start) }
        case .boolean:
            block.text.append(contentsOf: Array((value == [0x31] ? "TRUE" : "FALSE").utf8))
        case .isoDate:
            block.text.append(contentsOf: value.prefix(10))
        case .number:
            guard !value.isEmpty else { break }
            if cellStyle < dateStyles.count && dateStyles[cellStyle] {
                guard let date = value.withUnsafeBufferPointer({ SpreadsheetNumber.date(serial: $0, system1904: uses1904) }) else {
                    throw issue("a date the workbook's date system (\(uses1904 ? "1904" : "1900")) can hold; the cell is "
                        + "formatted as a date but holds \(String(decoding: value, as: UTF8.self))")
                }
                block.text.append(contentsOf: Array(date.description.utf8))
            } else {
                let ok = value.withUnsafeBufferPointer { SpreadsheetNumber.appendCanonical($0, to: &block.text) }
                if !ok { block.text.append(contentsOf: value) } else { isNumeric = true }
            }
        }
        let count = block.text.count - start
        if count > 0 {
            guard column >= 0 else { throw issue("a cell reference in the sheet's XML (the file is damaged)") }
            if let previous = block.cells.last, block.cells.count > rowFirstCell, previous.column >= column {
                throw issue("cells in column order in the sheet's XML; \(ColumnLetters.of(column)) comes after "
                    + "\(ColumnLetters.of(previous.column)) (the file is damaged)")
            }
            block.cells.append(SheetRowBlock.Cell(column: column, start: start, count: count, isNumeric: isNumeric))
        }
    }

    /// Hands the rows read so far to the reader and takes an empty block.
    mutating func flush(final: Bool) {
        guard !cancelled else { return }
        if block.rows.isEmpty && !final { return }
        // Called between rows: every cell of the block belongs to a finished row.
        if !block.rows.isEmpty { stream.hand(block, scanned: scanned) }
        if final { return }
        guard var next = stream.takeSpare() else {
            cancelled = true
            return
        }
        next.removeAll()
        block = next
        rowFirstCell = 0
    }

    // MARK: - Numbers in attributes

    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var value = 0
        guard !bytes.isEmpty else { return -1 }
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return -1 }
            value = value * 10 + Int(b - 0x30)
            if value > 100_000_000 { return -1 }
        }
        return value
    }

    /// `C17` → column 2, row 17.
    static func cellReference(_ bytes: UnsafeBufferPointer<UInt8>) -> (column: Int, row: Int)? {
        var column = 0, i = 0
        while i < bytes.count, case let b = bytes[i] | 0x20, b >= 0x61 && b <= 0x7A {
            column = column * 26 + Int(b - 0x60)
            if column > 16384 { return nil }
            i += 1
        }
        guard i > 0, i < bytes.count else { return nil }
        let row = integer(UnsafeBufferPointer(rebasing: bytes[i...]))
        guard row > 0 else { return nil }
        return (column - 1, row)
    }
}
