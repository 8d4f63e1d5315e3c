import GiaiNganCore

/// What one file's values have decided so far about how to read it, and what the reader noted
/// on the way: its date order, its decimal separator, its total rows, its entries dated outside
/// their plan year's window.
///
/// A file decides for itself: a date whose first part is above 12 is day first, one whose second
/// part is, month first; an amount with both separators, or two of one kind, or a group that is
/// not three digits, shows its decimal separator. Until a file decides, a date is read day first
/// (the Vietnamese convention; the summary then names the range of dates so read) and an amount
/// with a decimal comma. When a value then decides the other way, the file must be read again
/// (``reread``); when two values decide both ways, the later one is an issue naming both lines.
final class ReadingState {
    private let columnNames: [String]

    // Dates
    private var dateOrder: DateOrder?
    private let dateOrderIsGiven: Bool
    private var dateEvidence: (order: DateOrder, line: Int, text: String)?
    private var ambiguousDates = 0
    private var ambiguousRange: (first: CivilDate, last: CivilDate)?

    // Amounts
    private var decimal: DecimalSeparator?
    private let decimalIsGiven: Bool
    private let amountsMayHaveDecimals: Bool
    private var decimalEvidence: (separator: DecimalSeparator, line: Int, text: String)?
    private var ambiguousAmounts = 0
    private var firstAmbiguousAmount: (line: Int, column: Int, text: String)?

    /// Set when a value decided a reading that earlier values were read without.
    private(set) var reread: ReadDecisions?

    // Totals
    private var runningTotal: Int128 = 0
    private var sinceLastTotal: Int128 = 0
    private var rowsSinceLastTotal = 0, rowsTotal = 0
    private var totalNotes: [String] = []

    // Dates outside their plan year's window
    private var outsideWindow = 0
    private var outsideLines: [Int] = []

    init(columnNames: [String], dateOrder: DateOrder?, dateOrderIsGiven: Bool, decimal: DecimalSeparator?,
         decimalIsGiven: Bool, amountsMayHaveDecimals: Bool) {
        self.columnNames = columnNames
        self.dateOrder = dateOrder
        self.dateOrderIsGiven = dateOrderIsGiven || dateOrder != nil
        self.decimal = decimal
        self.decimalIsGiven = decimalIsGiven || decimal != nil
        self.amountsMayHaveDecimals = amountsMayHaveDecimals
    }

    // MARK: - Dates

    /// Reads a date cell in the file's order, deciding the order from it when it shows one.
    @inline(__always)
    func readDate(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, parser: DateParser) throws(ValueError) -> CivilDate {
        let read: (date: CivilDate, evidence: DateParser.Evidence)
        do throws(ValueError) {
            read = try parser.read(bytes: bytes, order: dateOrder)
        } catch {
            throw mixedOrder(bytes, parser: parser) ?? error
        }
        switch read.evidence {
        case .none:
            return read.date
        case .ambiguous:
            ambiguousDates += 1
            if let range = ambiguousRange {
                if read.date < range.first { ambiguousRange = (read.date, range.last) }
                else if range.last < read.date { ambiguousRange = (range.first, read.date) }
            } else {
                ambiguousRange = (read.date, read.date)
            }
            return read.date
        case .dayFirst, .monthFirst:
            let order: DateOrder = read.evidence == .dayFirst ? .dmy : .mdy
            if order == .mdy && ambiguousDates > 0 && reread == nil {
                // Earlier dates were read day first: they must be read again.
                reread = ReadDecisions(dateOrder: .mdy)
            }
            dateOrder = order
            dateEvidence = (order, line, String(decoding: Trim.whiteSpace(bytes), as: UTF8.self))
            return read.date
        }
    }

    /// For a date that does not exist in the order the file decided: the issue that the file mixes
    /// both orders, when read the other way it is a date.
    private func mixedOrder(_ bytes: UnsafeBufferPointer<UInt8>, parser: DateParser) -> ValueError? {
        guard !dateOrderIsGiven, let evidence = dateEvidence,
              let other = try? parser.read(bytes: bytes, order: nil),
              other.evidence == .dayFirst || other.evidence == .monthFirst else { return nil }
        let text = String(decoding: Trim.whiteSpace(bytes), as: UTF8.self)
        return ValueError(expected: "dates in one order throughout the file",
                          reason: "line \(evidence.line) has \(evidence.text), which can only be \(evidence.order.phrase), and "
                            + "\(text) can only be \(other.evidence == .dayFirst ? "day first" : "month first"): the file mixes both; "
                            + "correct the dates, or say the order with --date-order dmy|mdy")
    }

    // MARK: - Amounts

    /// Reads an amount cell with the file's decimal separator, deciding it from the value when it shows one.
    @inline(__always)
    func readAmount(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, column: Int, parser: AmountParser) throws(ValueError) -> VND {
        guard amountsMayHaveDecimals else { return try parser.read(bytes: bytes, separator: nil).value }
        let read: (value: VND, evidence: AmountParser.Evidence)
        do throws(ValueError) {
            read = try parser.read(bytes: bytes, separator: decimal)
        } catch {
            throw mixedSeparators(bytes, parser: parser) ?? error
        }
        switch read.evidence {
        case .none:
            return read.value
        case .ambiguous:
            ambiguousAmounts += 1
            if firstAmbiguousAmount == nil {
                firstAmbiguousAmount = (line, column, String(decoding: Trim.whiteSpace(bytes), as: UTF8.self))
            }
            return read.value
        case .shows(let separator):
            if separator == .dot && ambiguousAmounts > 0 && reread == nil {
                reread = ReadDecisions(decimalSeparator: .dot)
            }
            decimal = separator
            decimalEvidence = (separator, line, String(decoding: Trim.whiteSpace(bytes), as: UTF8.self))
            return read.value
        }
    }

    /// An amount read the way the file has decided so far, changing nothing (for a total row).
    func peekAmount(_ bytes: UnsafeBufferPointer<UInt8>, parser: AmountParser) throws(ValueError) -> VND {
        try parser.read(bytes: bytes, separator: amountsMayHaveDecimals ? (decimal ?? .comma) : nil).value
    }

    private func mixedSeparators(_ bytes: UnsafeBufferPointer<UInt8>, parser: AmountParser) -> ValueError? {
        guard !decimalIsGiven, let evidence = decimalEvidence,
              case .shows(let other) = AmountParser.evidence(Trim.whiteSpace(bytes)), other != evidence.separator,
              (try? parser.read(bytes: bytes, separator: other)) != nil else { return nil }
        let text = String(decoding: Trim.whiteSpace(bytes), as: UTF8.self)
        return ValueError(expected: "amounts with one decimal separator throughout the file",
                          reason: "line \(evidence.line) has \(evidence.text), whose decimal separator can only be "
                            + "\"\(evidence.separator.rawValue)\", and \(text) can only have \"\(other.rawValue)\": the file mixes "
                            + "both; correct the amounts, or say which with --decimal-separator , or .")
    }

    /// The refusal of a file whose amounts read two ways and that nothing in it decided.
    func endOfFileIssues(path: String, decoder: FieldDecoder) -> [ImportIssue] {
        guard decimal == nil, ambiguousAmounts > 0, let first = firstAmbiguousAmount else { return [] }
        let readings = decoder.amounts.readings(first.text)
        func shown(_ value: VND?) -> String { value.map { "\(Format.millions($0)) million VND (\(Format.grouped($0)) đồng)" } ?? "not an amount" }
        let others = ambiguousAmounts - 1
        let vietnamese = first.text.contains(",") ? "\",\" marks decimals" : "\".\" groups thousands"
        let english = first.text.contains(",") ? "\",\" groups thousands" : "\".\" marks decimals"
        return [ImportIssue(file: path, line: first.line, column: columnNames.indices.contains(first.column) ? columnNames[first.column] : nil,
                            columnNumber: first.column + 1, value: first.text,
                            expected: "amounts whose decimal separator the file shows; \"\(first.text)\" reads as "
                                + "\(shown(readings.comma)) if \(vietnamese) (Vietnamese), or as \(shown(readings.dot)) if "
                                + "\(english) (English), and no amount in the file decides"
                                + (others > 0 ? " (\(others) more read both ways)" : "")
                                + ": pass --decimal-separator , or --decimal-separator .")]
    }

    /// The issue that ends a first reading, to read the file again as it decided.
    func rereadIssue(path: String) -> ImportIssue {
        var issue = ImportIssue(file: path, expected: "one reading of the file; its own values decided it after others were read")
        issue.reread = reread
        return issue
    }

    // MARK: - Totals

    func addToTotals(_ amount: VND) {
        runningTotal += Int128(amount)
        sinceLastTotal += Int128(amount)
        rowsTotal += 1
        rowsSinceLastTotal += 1
    }

    func matchesTotal(_ amount: VND) -> Bool {
        rowsTotal > 0 && (Int128(amount) == runningTotal || (rowsSinceLastTotal > 0 && Int128(amount) == sinceLastTotal))
    }

    func noteTotal(line: Int, label: String, amount: VND) {
        let rows = Int128(amount) == sinceLastTotal && rowsSinceLastTotal > 0 ? rowsSinceLastTotal : rowsTotal
        totalNotes.append("\(line): note: skipped a total row (\"\(ImportIssue.escaped(ImportIssue.shortened(label)))\", "
            + "\(Format.grouped(amount))), the sum of the \(rows) row\(rows == 1 ? "" : "s") above it")
        sinceLastTotal = 0
        rowsSinceLastTotal = 0
    }

    func totalsText() -> String {
        var text = "the \(rowsTotal) row\(rowsTotal == 1 ? "" : "s") above add up to \(Format.grouped(runningTotal))"
        if rowsSinceLastTotal != rowsTotal && rowsSinceLastTotal > 0 {
            text += ", the \(rowsSinceLastTotal) since the last total to \(Format.grouped(sinceLastTotal))"
        }
        return text
    }

    // MARK: - Plan year windows

    /// Counts a ledger entry dated before 1 January of its plan year or after its window (31
    /// January of the next year; 31 December of the next year for carried-over capital, the
    /// longest extension the law allows).
    @inline(__always)
    func checkWindow(planYear: Int, tranche: Tranche, date: CivilDate, line: Int) {
        // Compared by year and month, without day arithmetic: this runs on every row.
        let inside = date.year == planYear || (date.year == planYear + 1 && (date.month == 1 || tranche == .carriedOver))
        if !inside {
            outsideWindow += 1
            if outsideLines.count < 10 { outsideLines.append(line) }
        }
    }

    // MARK: - Notes

    func notes(path: String) -> [String] {
        var notes: [String] = []
        if !dateOrderIsGiven && dateEvidence == nil, let range = ambiguousRange {
            notes.append("\(path): note: dates read day-first: \(range.first.vietnamese) … \(range.last.vietnamese) "
                + "(\(ambiguousDates) date\(ambiguousDates == 1 ? "" : "s") whose day and month could be either way, and none "
                + "that decides; --date-order mdy reads them month first)")
        } else if !dateOrderIsGiven, let evidence = dateEvidence, evidence.order == .mdy {
            notes.append("\(path):\(evidence.line): note: dates read month first, as \(evidence.text) shows "
                + "(--date-order sets the order)")
        }
        if !decimalIsGiven, let evidence = decimalEvidence, evidence.separator == .dot {
            notes.append("\(path):\(evidence.line): note: amounts read with \".\" as the decimal separator and \",\" grouping "
                + "thousands, as \(evidence.text) shows")
        }
        notes += totalNotes.map { "\(path):" + $0 }
        if outsideWindow > 0 {
            notes.append("\(path): warning: \(outsideWindow) entr\(outsideWindow == 1 ? "y is" : "ies are") dated outside "
                + "\(outsideWindow == 1 ? "its" : "their") plan year's window (1 January of the plan year to 31 January of the "
                + "next; 31 December of the next for carried-over capital): line\(outsideLines.count == 1 ? "" : "s") "
                + outsideLines.map(String.init).joined(separator: ", ") + (outsideWindow > outsideLines.count ? ", …" : "")
                + "; check their dates and plan years")
        }
        return notes
    }
}

/// Numbers as messages show them: Vietnamese grouping, exact.
enum Format {
    /// `1234567` → `1.234.567`.
    static func grouped<T: BinaryInteger>(_ value: T) -> String {
        let negative = value < 0
        var digits = Array(String(negative ? String(String(value).dropFirst()) : String(value)))
        var out: [Character] = []
        while digits.count > 3 {
            out.insert(contentsOf: ["."] + digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        out.insert(contentsOf: digits, at: 0)
        return (negative ? "-" : "") + String(out)
    }

    /// VND as million with a decimal comma: 18500000 → `18,5`.
    static func millions(_ vnd: VND) -> String {
        let whole = vnd / 1_000_000, rest = abs(vnd % 1_000_000)
        var text = grouped(whole)
        if rest != 0 {
            var decimals = String(rest)
            decimals = String(repeating: "0", count: 6 - decimals.count) + decimals
            while decimals.hasSuffix("0") { decimals.removeLast() }
            text += "," + decimals
        }
        return text
    }
}
