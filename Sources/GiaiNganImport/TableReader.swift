import GiaiNganCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one input file of a known kind, row by row, into model values.
///
/// Opening recognises what the file is from its bytes — a CSV file (UTF-8, UTF-16 with a
/// byte-order mark, or an encoding named with ``ReadOptions/encoding``), an `.xlsx` workbook (one
/// worksheet, ``ReadOptions/sheet``), or a spreadsheet format it refuses (`.xls`, `.ods`) — finds
/// a CSV file's separator from its header line, finds the header row below any title or
/// metadata rows (over two rows when its cells are merged), and maps its columns (by canonical
/// name, Vietnamese alias, or a mapping profile). Each `next…` call then decodes one data row:
///
/// ```swift
/// let reader = try TableReader(path: "disbursements.csv", kind: .disbursements)
/// var issues: [ImportIssue] = []
/// while let row = try reader.nextLedgerEntry() {
///     if let entry = row.value { entries.append(entry) } else { issues += row.issues }
///     if issues.count >= ImportIssue.maximumListed { break }
/// }
/// ```
///
/// Structural problems (encoding, quoting, limits, invalid UTF-8) are thrown and end the file.
/// Problems with values come back in ``DecodedRow/issues``, one per column at fault, so that many can
/// be listed at once. A row with more or fewer fields than the header is one issue naming both counts.
///
/// What a file does not say outright is decided from the file itself, never guessed: the order
/// of day and month in its dates and the decimal separator of its amounts (million unit) come
/// from its unambiguous values. When a file decides only after values were read the other way,
/// the issue thrown carries ``ImportIssue/reread`` and the file is to be read again with it; a
/// file whose amounts stay ambiguous is refused at its end with both readings.
///
/// Blank rows (an empty line, or only white space and delimiters, as spreadsheets leave behind)
/// are skipped, before the header as well as between rows. A total row ("Tổng cộng", no code) is
/// skipped, with a note, when its amount is the sum of the rows above it, and refused otherwise.
/// Text is NFC-normalised and its white space collapsed; a cell that GiaiNgan (or Excel) wrote
/// with a leading `'` to keep a spreadsheet from running it as a formula (`'=…`, `'+…`, `'-…`,
/// `'@…`, `'` before a tab or CR) is read without it; an empty optional cell is `nil`; an absent
/// or empty `tranche` is `current`.
public final class TableReader {
    /// The path as given; it names the file in every issue.
    public let path: String
    /// The kind of file being read.
    public let kind: FileKind
    /// The options the file is read with.
    public let options: ReadOptions

    private enum Source {
        case csv(CSVReader)
        case sheet(SheetReader)
    }

    private let source: Source
    private let header: HeaderMap
    private let decoder: FieldDecoder
    /// The unit the amounts are read in: `--unit` or the profile's, else the one the amount
    /// column's header names, else whole VND.
    public let unit: AmountUnit
    /// `Field.rawValue` → the profile's default text, if any.
    private let defaults: [String?]
    /// Notes about how the file was opened (separator, encoding, sheet, header row).
    private var openingNotes: [String] = []
    private var state: ReadingState

    // MARK: - Opening

    /// Opens `path`, recognises what it is, and reads and maps its header.
    ///
    /// - throws: ``ImportIssue`` when the file cannot be read, is in an encoding it cannot read, is
    ///   a spreadsheet format it does not read, has no header, a header that is data, a duplicate
    ///   or missing required column, or when `options.profile` is for another kind of file.
    public init(path: String, kind: FileKind, options: ReadOptions = .init()) throws(ImportIssue) {
        self.path = path
        self.kind = kind
        self.options = options
        let profile = options.profile
        if let profile, profile.kind != kind {
            throw ImportIssue(file: profile.source, expected: "a mapping profile for \(kind.noun) (\"kind \(kind.rawValue)\"); "
                + "this one is for \(profile.kind.noun)")
        }
        var notes: [String] = []
        let opened = try TableReader.open(path: path, kind: kind, options: options, notes: &notes)
        source = opened
        let found: (row: HeaderRow, notes: [String])
        switch opened {
        case .csv(let csv): found = try HeaderFinder.find(in: csv, kind: kind, profile: profile, path: path)
        case .sheet(let sheet): found = try HeaderFinder.find(in: sheet, kind: kind, profile: profile, path: path)
        }
        notes += found.notes
        header = try HeaderMap(header: found.row, kind: kind, profile: profile, file: path)
        switch opened {
        case .csv(let csv): csv.setTableWidth(header.width)
        case .sheet(let sheet): sheet.setTableWidth(header.width)
        }
        var unit = profile?.unit ?? options.unit
        if let declared = header.declaredUnit {
            let given = profile?.unit != nil || options.unitIsGiven
            if given && declared.unit != unit {
                throw ImportIssue(file: path, line: header.line, column: declared.header, columnNumber: declared.column,
                                  expected: "amounts in \(unit.phrase), as \(profile?.unit != nil ? "the profile's unit" : "--unit") says; "
                                    + "the header names \(declared.unit.phrase): drop \(profile?.unit != nil ? "the profile's unit line" : "--unit") "
                                    + "to read them as the header says, or correct the header")
            }
            if !given {
                unit = declared.unit
                notes.append("\(path):\(header.line): note: amounts read in \(declared.unit.phrase), as the header "
                    + "\"\(declared.header)\" says")
            }
        }
        self.unit = unit
        decoder = FieldDecoder(profile: profile, unit: unit)
        defaults = Field.allCases.map { profile?.defaults[$0.name] }
        openingNotes = notes
        var dateOrder = options.dateOrder ?? options.decided.dateOrder
        // A profile's date format is day first (dd/MM/yyyy, d/M/yyyy), and it takes precedence.
        if let format = profile?.dateFormat, format != .iso { dateOrder = .dmy }
        state = ReadingState(columnNames: header.headers, dateOrder: dateOrder, dateOrderIsGiven: options.dateOrder != nil || profile?.dateFormat != nil,
                             decimal: options.decimalSeparator ?? options.decided.decimalSeparator,
                             decimalIsGiven: options.decimalSeparator != nil,
                             amountsMayHaveDecimals: decoder.amounts.unit == .million)
        if options.decided.dateOrder != nil || options.decided.decimalSeparator != nil {
            var said: [String] = []
            if let order = options.decided.dateOrder { said.append("dates \(order.phrase)") }
            if let separator = options.decided.decimalSeparator { said.append("\"\(separator.rawValue)\" as the decimal separator") }
            openingNotes.append("\(path): note: read with " + said.joined(separator: " and ") + ", as the file's own values showed")
        }
    }

    /// Recognises the file from its bytes and opens the matching source.
    private static func open(path: String, kind: FileKind, options: ReadOptions, notes: inout [String]) throws(ImportIssue) -> Source {
        switch FileSignature.of(path: path) {
        case .ole2:
            throw ImportIssue(file: path, expected: "an .xlsx workbook or a CSV file; this is an Excel 97–2003 workbook (.xls, "
                + "the binary BIFF format) or a password-protected workbook, which GiaiNgan does not read: "
                + FileSignature.saveAsAdvice + " (without a password)")
        case .zip:
            let workbook = try Workbook(path: path, limits: options)
            let sheet = try workbook.sheet(named: options.sheet)
            if options.sheet == nil && workbook.sheets.count > 1 {
                notes.append("\(path): note: read sheet \"\(sheet.name)\", the first of \(workbook.sheets.count) ("
                    + workbook.sheets.map { "\"\($0.name)\"" }.joined(separator: ", ") + "); --sheet NAME reads another")
            }
            return .sheet(try SheetReader(workbook: workbook, sheet: sheet, options: options))
        case .text:
            if options.sheet != nil {
                throw ImportIssue(file: path, expected: "an .xlsx workbook for --sheet; this file is text (CSV)")
            }
            var descriptor: Int32? = nil
            let first = TableReader.firstBytes(path)
            var encoding = options.encoding
            if encoding == nil, let marked = TextTranscoder.utf16ByteOrder(first) {
                encoding = marked
                notes.append("\(path): note: read as UTF-16 (\(marked == .utf16le ? "little" : "big")-endian, with a byte-order mark)")
            } else if let given = encoding, given != .utf8 {
                if let marked = TextTranscoder.utf16ByteOrder(first), given == .windows1258 {
                    throw ImportIssue(file: path, expected: "a file in \(given.rawValue) (--encoding); this one starts with the "
                        + "byte-order mark of UTF-16 \(marked == .utf16le ? "little" : "big")-endian: drop --encoding")
                }
                if given == .windows1258, TableReader.isUTF8WithLetters(path) {
                    throw ImportIssue(file: path, expected: "a file in windows-1258 (--encoding); this one is already UTF-8 "
                        + "(its Vietnamese letters are UTF-8): drop --encoding, which would garble them")
                }
            }
            if let encoding, encoding != .utf8 {
                let skip = TextTranscoder.utf16ByteOrder(first) != nil && encoding != .windows1258 ? 2 : 0
                descriptor = try TextTranscoder.utf8Copy(of: path, from: encoding, skippingBytes: skip)
                if options.encoding != nil { notes.append("\(path): note: read as \(encoding.rawValue) (--encoding)") }
            }
            let profile = options.profile
            var delimiter = profile?.delimiter ?? options.delimiter
            if profile != nil && profile?.delimiter != UInt8(ascii: ",") { delimiter = profile?.delimiter }
            else if options.delimiter != nil { delimiter = options.delimiter }
            else if profile == nil {
                let sample = TableReader.sample(path: path, descriptor: descriptor)
                if let found = DelimiterSniffer.find(in: sample, kind: kind, profile: profile), found.delimiter != UInt8(ascii: ",") {
                    delimiter = found.delimiter
                    notes.append("\(path):\(found.line): note: fields separated by \(CSVReader.delimiterName(found.delimiter)), "
                        + "found from the header (--delimiter sets it)")
                }
            }
            let csv = try CSVReader(path: path, descriptor: descriptor, delimiter: delimiter ?? UInt8(ascii: ","),
                                    maxFieldBytes: options.maxFieldBytes, maxFieldsPerRecord: options.maxFieldsPerRecord,
                                    maxRecordBytes: options.maxRecordBytes)
            try csv.skipLines(profile?.skipLines ?? 0)
            return .csv(csv)
        }
    }

    private static func firstBytes(_ path: String) -> [UInt8] {
        let descriptor = Glibc.open(PinnedFile.readPath(path), O_RDONLY)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4)
        let n = bytes.withUnsafeMutableBufferPointer { read(descriptor, $0.baseAddress!, 4) }
        return Array(bytes.prefix(max(0, n)))
    }

    /// The first 64 KiB of the file's UTF-8 text.
    private static func sample(path: String, descriptor: Int32?) -> [UInt8] {
        let fd = descriptor ?? Glibc.open(PinnedFile.readPath(path), O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { if descriptor == nil { close(fd) } }
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let n = bytes.withUnsafeMutableBufferPointer { pread(fd, $0.baseAddress!, $0.count, 0) }
        return Array(bytes.prefix(max(0, n)))
    }

    private static func isUTF8WithLetters(_ path: String) -> Bool {
        let bytes = sample(path: path, descriptor: nil)
        return bytes.withUnsafeBufferPointer { buffer in
            let verdict = EncodingCheck.inspect(buffer, isWholeFile: bytes.count < 1 << 16)
            return verdict.problem == nil && !UTF8Check.isASCII(buffer)
        }
    }

    // MARK: - Progress

    /// Remarks for the user, each reported once: columns that were ignored, the separator found,
    /// the header row found below a title, dates read day first, total rows skipped, entries
    /// dated outside their plan year's window.
    public var notes: [String] { openingNotes + header.notes + state.notes(path: path) }
    /// Bytes read so far, for a progress line.
    public var bytesConsumed: Int {
        switch source {
        case .csv(let csv): return csv.bytesConsumed
        case .sheet(let sheet): return sheet.bytesConsumed
        }
    }
    /// The size of the file in bytes (of the worksheet's XML for a workbook).
    public var fileSize: Int {
        switch source {
        case .csv(let csv): return csv.fileSize
        case .sheet(let sheet): return sheet.fileSize
        }
    }

    /// The worksheet read, for a workbook; `nil` for a CSV file.
    public var sheetName: String? {
        if case .sheet(let sheet) = source { return sheet.sheetName }
        return nil
    }

    /// `issue` placed in the worksheet (its sheet, and the cell of `column` on its line), for a
    /// problem the importer finds with a row; a CSV file's issue as it is.
    public func placed(_ issue: ImportIssue, column canonicalName: String) -> ImportIssue {
        guard let sheet = sheetName else { return issue }
        var placed = issue
        placed.sheet = sheet
        if let line = issue.line, let field = kind.columns.first(where: { $0.name == canonicalName })?.field,
           header.columnOf[field.rawValue] >= 0 {
            placed.cell = ColumnLetters.of(header.columnOf[field.rawValue]) + String(line)
        }
        return placed
    }

    /// Whether the file has a `key_project` column: without one, a registry re-import keeps what
    /// was stored.
    public var hasKeyProjectColumn: Bool { header.columnOf[Field.keyProject.rawValue] >= 0 }

    /// How many of the kind's columns the header names (to tell which kind a file is).
    var knownColumns: Int { Set(header.columnOf.filter { $0 >= 0 }).count }
    /// The line of the header row.
    var headerLine: Int { header.line }

    /// The problems found only once the whole file has been read: amounts that stayed ambiguous.
    /// Call it after the last row.
    public func endOfFileIssues() -> [ImportIssue] { state.endOfFileIssues(path: path, decoder: decoder) }

    // MARK: - Rows

    /// The next row of a projects file, or `nil` at its end. Requires `kind == .projects`.
    public func nextProject() throws(ImportIssue) -> DecodedRow<Project>? {
        precondition(kind == .projects, "nextProject() reads a projects file, not \(kind.rawValue)")
        switch source {
        case .csv(let s): return try nextProject(s)
        case .sheet(let s): return try nextProject(s)
        }
    }

    /// The next row of a plan file, or `nil` at its end. Requires `kind == .plan`.
    public func nextPlanLine() throws(ImportIssue) -> DecodedRow<PlanLine>? {
        precondition(kind == .plan, "nextPlanLine() reads a plan file, not \(kind.rawValue)")
        switch source {
        case .csv(let s): return try nextPlanLine(s)
        case .sheet(let s): return try nextPlanLine(s)
        }
    }

    /// The next row of an envelope file, or `nil` at its end. Requires `kind == .envelope`.
    public func nextEnvelopeLine() throws(ImportIssue) -> DecodedRow<EnvelopeLine>? {
        precondition(kind == .envelope, "nextEnvelopeLine() reads an envelope file, not \(kind.rawValue)")
        switch source {
        case .csv(let s): return try nextEnvelopeLine(s)
        case .sheet(let s): return try nextEnvelopeLine(s)
        }
    }

    private func nextEnvelopeLine<S: RowSource>(_ s: S) throws(ImportIssue) -> DecodedRow<EnvelopeLine>? {
        while true {
            guard let line = try nextDataRow(s) else { return nil }
            if let ragged = raggedIssue(s, line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
            var issues: [ImportIssue] = []
            let year = try value(s, .planYear, line, &issues, required: true, decoder.year)
            let level = try value(s, .level, line, &issues, required: true, decoder.envelopeLevel)
            let tranche = try value(s, .tranche, line, &issues, required: false, decoder.tranche)
            let fundSource = try text(s, .fundSource, line, &issues, required: false)
            let amount = try amountValue(s, line, &issues, positive: false)
            let effectiveOn = try value(s, .effectiveOn, line, &issues, required: true) { [state, decoder] bytes throws(ValueError) in try state.readDate(bytes, line: line, parser: decoder.dates) }
            let decisionRef = try text(s, .decisionRef, line, &issues, required: false)
            try throwIfRereading()
            guard issues.isEmpty, let year, let level, let amount, let effectiveOn else {
                return DecodedRow(line: line, value: nil, issues: issues)
            }
            state.addToTotals(amount)
            return DecodedRow(line: line, value: EnvelopeLine(planYear: year, level: level, tranche: tranche ?? .current,
                                                              fundSource: fundSource, amountVND: amount, effectiveOn: effectiveOn,
                                                              decisionRef: decisionRef),
                              issues: [])
        }
    }

    /// The next row of a schedules file, or `nil` at its end. Requires `kind == .schedules`.
    public func nextScheduleLine() throws(ImportIssue) -> DecodedRow<ScheduleLine>? {
        precondition(kind == .schedules, "nextScheduleLine() reads a schedules file, not \(kind.rawValue)")
        switch source {
        case .csv(let s): return try nextScheduleLine(s)
        case .sheet(let s): return try nextScheduleLine(s)
        }
    }

    private func nextScheduleLine<S: RowSource>(_ s: S) throws(ImportIssue) -> DecodedRow<ScheduleLine>? {
        while true {
            guard let line = try nextDataRow(s) else { return nil }
            if let ragged = raggedIssue(s, line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
            var issues: [ImportIssue] = []
            let code = try text(s, .projectCode, line, &issues, required: true)
            let year = try value(s, .planYear, line, &issues, required: true, decoder.year)
            let month = try value(s, .period, line, &issues, required: true, decoder.month)
            let amount = try amountValue(s, line, &issues, positive: false)
            let submittedOn = try value(s, .submittedOn, line, &issues, required: true) { [state, decoder] bytes throws(ValueError) in try state.readDate(bytes, line: line, parser: decoder.dates) }
            try throwIfRereading()
            if let amount, amount < 0 {
                let column = max(0, header.columnOf[Field.amountVND.rawValue])
                issues.append(try cellIssue(s, column: column, line: line, expected: "a planned disbursement of zero or more"))
            }
            if let year, let month, let months = ScheduleLine.months(planYear: year), !months.contains(month) {
                let column = max(0, header.columnOf[Field.period.rawValue])
                issues.append(try cellIssue(s, column: column, line: line, expected: "a month of plan year \(year)'s window, "
                    + "\(months.lowerBound) to \(months.upperBound)"))
            }
            guard issues.isEmpty, let code, let year, let month, let amount, let submittedOn else {
                return DecodedRow(line: line, value: nil, issues: issues)
            }
            state.addToTotals(amount)
            return DecodedRow(line: line, value: ScheduleLine(projectCode: code, planYear: year, month: month, plannedVND: amount,
                                                              submittedOn: submittedOn),
                              issues: [])
        }
    }

    /// The next row of a successions file, or `nil` at its end. Requires `kind == .successions`.
    public func nextSuccession() throws(ImportIssue) -> DecodedRow<SuccessionRequest>? {
        precondition(kind == .successions, "nextSuccession() reads a successions file, not \(kind.rawValue)")
        switch source {
        case .csv(let s): return try nextSuccession(s)
        case .sheet(let s): return try nextSuccession(s)
        }
    }

    /// The next row of a districts file, or `nil` at its end. Requires `kind == .districts`.
    public func nextDistrictChange() throws(ImportIssue) -> DecodedRow<DistrictChange>? {
        precondition(kind == .districts, "nextDistrictChange() reads a districts file, not \(kind.rawValue)")
        switch source {
        case .csv(let s): return try nextDistrictChange(s)
        case .sheet(let s): return try nextDistrictChange(s)
        }
    }

    private func nextDistrictChange<S: RowSource>(_ s: S) throws(ImportIssue) -> DecodedRow<DistrictChange>? {
        while true {
            guard let line = try nextDataRow(s) else { return nil }
            if let ragged = raggedIssue(s, line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
            var issues: [ImportIssue] = []
            let old = try text(s, .oldUnit, line, &issues, required: true)
            let new = try text(s, .newUnit, line, &issues, required: true)
            let effectiveOn = try value(s, .effectiveOn, line, &issues, required: true) { [state, decoder] bytes throws(ValueError) in try state.readDate(bytes, line: line, parser: decoder.dates) }
            try throwIfRereading()
            guard issues.isEmpty, let old, let new, let effectiveOn else { return DecodedRow(line: line, value: nil, issues: issues) }
            return DecodedRow(line: line, value: DistrictChange(oldUnit: old, newUnit: new, effectiveOn: effectiveOn), issues: [])
        }
    }

    private func nextSuccession<S: RowSource>(_ s: S) throws(ImportIssue) -> DecodedRow<SuccessionRequest>? {
        while true {
            guard let line = try nextDataRow(s) else { return nil }
            if let ragged = raggedIssue(s, line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
            var issues: [ImportIssue] = []
            let from = try text(s, .fromInvestor, line, &issues, required: true)
            let to = try text(s, .toInvestor, line, &issues, required: true)
            let effectiveOn = try value(s, .effectiveOn, line, &issues, required: true) { [state, decoder] bytes throws(ValueError) in try state.readDate(bytes, line: line, parser: decoder.dates) }
            let decisionRef = try text(s, .decisionRef, line, &issues, required: true)
            let code = try text(s, .projectCode, line, &issues, required: false)
            try throwIfRereading()
            guard issues.isEmpty, let from, let to, let effectiveOn, let decisionRef else {
                return DecodedRow(line: line, value: nil, issues: issues)
            }
            return DecodedRow(line: line, value: SuccessionRequest(from: InvestorID(from), to: InvestorID(to), effectiveOn: effectiveOn,
                                                                   decisionRef: decisionRef, projectCodes: code.map { [$0] } ?? []),
                              issues: [])
        }
    }

    /// The next row of a disbursements file, or `nil` at its end. Requires `kind == .disbursements`.
    public func nextLedgerEntry() throws(ImportIssue) -> DecodedRow<LedgerEntry>? {
        precondition(kind == .disbursements, "nextLedgerEntry() reads a disbursements file, not \(kind.rawValue)")
        switch source {
        case .csv(let s): return try nextLedgerEntry(s)
        case .sheet(let s): return try nextLedgerEntry(s)
        }
    }

    private func nextProject<S: RowSource>(_ s: S) throws(ImportIssue) -> DecodedRow<Project>? {
        while true {
            guard let line = try nextDataRow(s) else { return nil }
            if let ragged = raggedIssue(s, line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
            var issues: [ImportIssue] = []
            let code = try text(s, .projectCode, line, &issues, required: true)
            let name = try text(s, .projectName, line, &issues, required: true)
            let investor = try text(s, .investor, line, &issues, required: true)
            let district = try text(s, .district, line, &issues, required: false)
            let procedures = try value(s, .proceduresCompletedOn, line, &issues, required: false) { [state, decoder] bytes throws(ValueError) in try state.readDate(bytes, line: line, parser: decoder.dates) }
            let started = try value(s, .constructionStartedOn, line, &issues, required: false) { [state, decoder] bytes throws(ValueError) in try state.readDate(bytes, line: line, parser: decoder.dates) }
            let key = try value(s, .keyProject, line, &issues, required: false, decoder.flag)
            try throwIfRereading()
            guard issues.isEmpty, let code, let name, let investor else {
                return DecodedRow(line: line, value: nil, issues: issues)
            }
            var project = Project(code: code, name: name, investor: InvestorID(investor), district: district,
                                  proceduresCompletedOn: procedures, constructionStartedOn: started)
            project.isKeyProject = key ?? false
            return DecodedRow(line: line, value: project, issues: [])
        }
    }

    private func nextPlanLine<S: RowSource>(_ s: S) throws(ImportIssue) -> DecodedRow<PlanLine>? {
        while true {
            guard let line = try nextDataRow(s) else { return nil }
            if let ragged = raggedIssue(s, line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
            var issues: [ImportIssue] = []
            let code = try text(s, .projectCode, line, &issues, required: true)
            if code == nil, let total = try totalRow(s, line) {
                if let issue = total { return DecodedRow(line: line, value: nil, issues: [issue]) }
                continue
            }
            let year = try value(s, .planYear, line, &issues, required: true, decoder.year)
            let projectClass = try value(s, .projectClass, line, &issues, required: true, decoder.projectClass)
            let tranche = try value(s, .tranche, line, &issues, required: false, decoder.tranche)
            let fundSource = try text(s, .fundSource, line, &issues, required: false)
            let amount = try amountValue(s, line, &issues, positive: false)
            let effectiveOn = try value(s, .effectiveOn, line, &issues, required: true) { [state, decoder] bytes throws(ValueError) in try state.readDate(bytes, line: line, parser: decoder.dates) }
            let decisionRef = try text(s, .decisionRef, line, &issues, required: false)
            try throwIfRereading()
            guard issues.isEmpty, let code, let year, let projectClass, let amount, let effectiveOn else {
                return DecodedRow(line: line, value: nil, issues: issues)
            }
            state.addToTotals(amount)
            return DecodedRow(line: line, value: PlanLine(projectCode: code, planYear: year, projectClass: projectClass,
                                                          tranche: tranche ?? .current, fundSource: fundSource, amountVND: amount,
                                                          effectiveOn: effectiveOn, decisionRef: decisionRef),
                              issues: [])
        }
    }

    private func nextLedgerEntry<S: RowSource>(_ s: S) throws(ImportIssue) -> DecodedRow<LedgerEntry>? {
        while true {
            guard let line = try nextDataRow(s) else { return nil }
            if let ragged = raggedIssue(s, line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
            var issues: [ImportIssue] = []
            let txnID = try text(s, .txnID, line, &issues, required: true)
            let code = try text(s, .projectCode, line, &issues, required: true)
            if code == nil, let total = try totalRow(s, line) {
                if let issue = total { return DecodedRow(line: line, value: nil, issues: [issue]) }
                continue
            }
            let year = try value(s, .planYear, line, &issues, required: true, decoder.year)
            let tranche = try value(s, .tranche, line, &issues, required: false, decoder.tranche)
            let fundSource = try text(s, .fundSource, line, &issues, required: false)
            let date = try value(s, .date, line, &issues, required: true) { [state, decoder] bytes throws(ValueError) in try state.readDate(bytes, line: line, parser: decoder.dates) }
            let type = try value(s, .type, line, &issues, required: true, decoder.entryType)
            let amount = try amountValue(s, line, &issues, positive: true)
            let note = try text(s, .note, line, &issues, required: false)
            try throwIfRereading()
            guard issues.isEmpty, let txnID, let code, let year, let date, let type, let amount else {
                return DecodedRow(line: line, value: nil, issues: issues)
            }
            state.addToTotals(amount)
            state.checkWindow(planYear: year, tranche: tranche ?? .current, date: date, line: line)
            return DecodedRow(line: line, value: LedgerEntry(txnID: txnID, projectCode: code, planYear: year,
                                                             tranche: tranche ?? .current, fundSource: fundSource, date: date,
                                                             type: type, amountVND: amount, note: note),
                              issues: [])
        }
    }

    // MARK: - Rows in bulk

    /// Decodes the next rows of a disbursements file into `batch` (emptied first): up to `limit`
    /// rows, fewer when their text passes ``bulkTextLimit`` bytes. Requires `kind == .disbursements`.
    ///
    /// The rows, values and issues are those ``nextLedgerEntry()`` returns one call at a time; a
    /// structural problem that it would throw ends the file and is kept in ``LedgerRowBatch/failure``
    /// after the rows read before it. Text cells are stored as bytes, without making a `String`
    /// unless a cell needs normalising.
    ///
    /// - returns: `false` when the file has ended (or failed): `batch` holds its last rows.
    public func readLedgerRows(into batch: inout LedgerRowBatch, limit: Int) -> Bool {
        precondition(kind == .disbursements, "readLedgerRows reads a disbursements file, not \(kind.rawValue)")
        precondition(limit > 0, "a batch holds at least one row")
        switch source {
        case .csv(let s): return readLedgerRows(s, into: &batch, limit: limit)
        case .sheet(let s): return readLedgerRows(s, into: &batch, limit: limit)
        }
    }

    private func readLedgerRows<S: RowSource>(_ s: S, into batch: inout LedgerRowBatch, limit: Int) -> Bool {
        batch.removeAll()
        defer { batch.bytesConsumed = s.bytesConsumed }
        do throws(ImportIssue) {
            while batch.count < limit && batch.text.count < TableReader.bulkTextLimit {
                guard let line = try nextDataRow(s) else { return false }
                if let ragged = raggedIssue(s, line) { batch.append(line: line, issues: [ragged]); continue }
                var issues: [ImportIssue] = []
                let mark = batch.text.count
                // The order of the cells is nextLedgerEntry's, so that issues and thrown errors agree.
                // Each value is first decoded directly from its bytes; a cell that does not decode
                // so (blank, defaulted, wrong) goes through `value`, which says why.
                let decoder = self.decoder
                let txnID = try textSpan(s, .txnID, line, &issues, required: true, into: &batch)
                let code = try textSpan(s, .projectCode, line, &issues, required: true, into: &batch)
                if code.isAbsent, let total = try totalRow(s, line) {
                    batch.truncateText(to: mark)
                    if let issue = total { batch.append(line: line, issues: [issue]) }
                    continue
                }
                var year = fast(s, .planYear) { try? decoder.year($0) }
                if year == nil { year = try value(s, .planYear, line, &issues, required: true, decoder.year) }
                var tranche = fast(s, .tranche) { decoder.tranches.exactValue($0) }
                if tranche == nil { tranche = try value(s, .tranche, line, &issues, required: false, decoder.tranche) }
                let fundSource = try textSpan(s, .fundSource, line, &issues, required: false, into: &batch)
                let state = self.state
                var date = fast(s, .date) { try? state.readDate($0, line: line, parser: decoder.dates) }
                if date == nil {
                    date = try value(s, .date, line, &issues, required: true) { bytes throws(ValueError) in
                        try state.readDate(bytes, line: line, parser: decoder.dates)
                    }
                }
                var type = fast(s, .type) { decoder.entryTypes.exactValue($0) }
                if type == nil { type = try value(s, .type, line, &issues, required: true, decoder.entryType) }
                let amount = try amountValue(s, line, &issues, positive: true)
                let note = try textSpan(s, .note, line, &issues, required: false, into: &batch)
                if state.reread != nil { throw state.rereadIssue(path: path) }
                guard issues.isEmpty, !txnID.isAbsent, !code.isAbsent, let year, let date, let type, let amount else {
                    batch.truncateText(to: mark)
                    batch.append(line: line, issues: issues)
                    continue
                }
                state.addToTotals(amount)
                state.checkWindow(planYear: year, tranche: tranche ?? .current, date: date, line: line)
                batch.append(line: line, txnID: txnID, projectCode: code, planYear: year, tranche: tranche ?? .current,
                             fundSource: fundSource, date: date, type: type, amountVND: amount, note: note)
            }
            return true
        } catch {
            batch.failure = error
            return false
        }
    }

    /// `decode` applied to the bytes of `field`'s cell (a defused `'` dropped), or `nil` when the
    /// file has no such column.
    @inline(__always)
    private func fast<S: RowSource, Value>(_ s: S, _ field: Field, _ decode: (UnsafeBufferPointer<UInt8>) -> Value?) -> Value? {
        let column = header.columnOf[field.rawValue]
        return column >= 0 ? s.withFieldBytes(column) { decode(Defused.strip($0)) } : nil
    }

    /// The text bytes one bulk batch may hold before it is handed on, however few its rows: a
    /// bound on memory when cells are large.
    public static let bulkTextLimit = 8 << 20

    /// ``text(_:_:_:_:required:)`` for the bulk path: the normalised text's bytes are appended to
    /// `batch`, and their span returned (absent when `text` would return `nil`).
    private func textSpan<S: RowSource>(_ s: S, _ field: Field, _ line: Int, _ issues: inout [ImportIssue], required: Bool,
                                        into batch: inout LedgerRowBatch) throws(ImportIssue) -> LedgerRowBatch.Span {
        let column = header.columnOf[field.rawValue]
        if column >= 0 {
            let plain: LedgerRowBatch.Span? = s.withFieldBytes(column) { raw in
                let bytes = Defused.strip(raw)
                return CellText.isAlreadyNormal(bytes) ? batch.appendText(bytes) : nil
            }
            if let plain { return plain }
            let normalized = NormalizedText.normalize(Defused.strip(try s.string(at: column)))
            if !normalized.isEmpty { return batch.appendText(normalized) }
        }
        if let fallback = defaults[field.rawValue] { return batch.appendText(fallback) }
        if required { issues.append(missingValue(s, field, column: column, line: line)) }
        return .absent
    }

    // MARK: - Cells

    /// Moves to the next record that is not blank; its line, or `nil` at the end of the file.
    private func nextDataRow<S: RowSource>(_ s: S) throws(ImportIssue) -> Int? {
        while try s.nextRecord() {
            if !s.isBlankRecord { return s.line }
        }
        return nil
    }

    private func raggedIssue<S: RowSource>(_ s: S, _ line: Int) -> ImportIssue? {
        guard s.fieldCount != header.width else { return nil }
        if let sheetName = s.sheetName {
            var extra = s.fieldCount - 1
            while extra >= header.width && s.isFieldBlank(extra) { extra -= 1 }
            var issue = ImportIssue(file: path, line: line, expected: "no value right of the table, whose header (line "
                + "\(header.line)) ends at column \(ColumnLetters.of(header.width - 1)); cell \(ColumnLetters.of(extra))\(line) "
                + "holds one: move it into the table, give its column a header, or delete it")
            issue.sheet = sheetName
            issue.cell = ColumnLetters.of(extra) + String(line)
            return issue
        }
        var expected = "\(header.width) fields, as in the header (line \(header.line)); this row has \(s.fieldCount)"
        if case .csv(let csv) = source, let other = DelimiterSniffer.otherSeparator(of: csv, fields: header.width) {
            expected += ": it separates its fields by \(CSVReader.delimiterName(other)) where the header uses "
                + "\(CSVReader.delimiterName(csv.delimiter)); every row of a file uses one separator (save the file again "
                + "from the spreadsheet, or pass --delimiter)"
        } else {
            expected += " (a missing or extra delimiter, or an unquoted field that holds one)"
        }
        return ImportIssue(file: path, line: line, expected: expected)
    }

    /// The normalised text of `field`: `nil` when the column is absent or the cell is empty (then the
    /// profile's default, if any, is used; an empty required cell is an issue).
    private func text<S: RowSource>(_ s: S, _ field: Field, _ line: Int, _ issues: inout [ImportIssue],
                                    required: Bool) throws(ImportIssue) -> String? {
        let column = header.columnOf[field.rawValue]
        if column >= 0 {
            if let plain = s.withFieldBytes(column, { CellText.alreadyNormal(Defused.strip($0)) }) { return plain }
            let normalized = NormalizedText.normalize(Defused.strip(try s.string(at: column)))
            if !normalized.isEmpty { return normalized }
        }
        if let fallback = defaults[field.rawValue] { return fallback }
        if required { issues.append(missingValue(s, field, column: column, line: line)) }
        return nil
    }

    /// The decoded value of `field`, or `nil` with an issue when it does not decode or a required cell is empty.
    private func value<S: RowSource, Value>(_ s: S, _ field: Field, _ line: Int, _ issues: inout [ImportIssue], required: Bool,
                                            _ decode: (UnsafeBufferPointer<UInt8>) throws(ValueError) -> Value) throws(ImportIssue) -> Value? {
        let column = header.columnOf[field.rawValue]
        if column >= 0 && !s.isFieldBlank(column) {
            let result = s.withFieldBytes(column) { bytes in Result { () throws(ValueError) in try decode(Defused.strip(bytes)) } }
            switch result {
            case .success(let value): return value
            case .failure(let problem):
                issues.append(try cellIssue(s, column: column, line: line, expected: problem.expectation))
                return nil
            }
        }
        if var fallback = defaults[field.rawValue] {
            // Checked when the profile was read, so it decodes.
            let result = fallback.withUTF8 { bytes in Result { () throws(ValueError) in try decode(bytes) } }
            if case .success(let value) = result { return value }
        }
        if required { issues.append(missingValue(s, field, column: column, line: line)) }
        return nil
    }

    /// The amount of the row: a worksheet's number cell exactly, text by the file's separators.
    private func amountValue<S: RowSource>(_ s: S, _ line: Int, _ issues: inout [ImportIssue],
                                           positive: Bool) throws(ImportIssue) -> VND? {
        let column = header.columnOf[Field.amountVND.rawValue]
        let decoder = self.decoder, state = self.state
        if column >= 0 {
            let numeric = s.isNumeric(column)
            let fast: VND? = s.withFieldBytes(column) { raw in
                let bytes = Defused.strip(raw)
                let value = numeric ? try? decoder.amounts.parseExactDecimal(bytes)
                                    : try? state.readAmount(bytes, line: line, column: column, parser: decoder.amounts)
                guard let value, !positive || value > 0 else { return nil }
                return value
            }
            if let fast { return fast }
        }
        return try value(s, .amountVND, line, &issues, required: true) { bytes throws(ValueError) -> VND in
            let value = column >= 0 && s.isNumeric(column)
                ? try decoder.amounts.parseExactDecimal(bytes)
                : try state.readAmount(bytes, line: line, column: column, parser: decoder.amounts)
            if positive { try FieldDecoder.checkPositive(value, text: bytes) }
            return value
        }
    }

    /// Ends the file when a value decided a reading that earlier values were read without.
    @inline(__always)
    private func throwIfRereading() throws(ImportIssue) {
        if state.reread != nil { throw state.rereadIssue(path: path) }
    }

    /// For a row without a project code: `nil` when it is not a total row; `.some(nil)` when it
    /// is one that adds up (skipped, with a note); `.some(issue)` when it is one that does not.
    private func totalRow<S: RowSource>(_ s: S, _ line: Int) throws(ImportIssue) -> ImportIssue?? {
        guard let label = TotalRow.label(in: s, skipping: header.columnOf[Field.amountVND.rawValue]) else { return nil }
        let column = header.columnOf[Field.amountVND.rawValue]
        guard column >= 0, !s.isFieldBlank(column) else { return nil }
        let numeric = s.isNumeric(column)
        let decoder = self.decoder, state = self.state
        let amount: VND? = s.withFieldBytes(column) { raw in
            let bytes = Defused.strip(raw)
            return numeric ? try? decoder.amounts.parseExactDecimal(bytes) : try? state.peekAmount(bytes, parser: decoder.amounts)
        }
        guard let amount else { return nil }
        if state.matchesTotal(amount) {
            state.noteTotal(line: line, label: label, amount: amount)
            return .some(nil)
        }
        let expected = "a row of the table; this row looks like a total (\"\(ImportIssue.escaped(ImportIssue.shortened(label)))\", no "
            + "project code), but its amount is not the sum of the rows above it (\(state.totalsText())): a total row is "
            + "skipped only when it adds up; delete it, or correct it or the rows above"
        return .some(try cellIssue(s, column: column, line: line, expected: expected))
    }

    /// An issue about the cell of `column` on this row, showing its value.
    private func cellIssue<S: RowSource>(_ s: S, column: Int, line: Int, expected: String) throws(ImportIssue) -> ImportIssue {
        var issue = ImportIssue(file: path, line: line, column: header.headers[column], columnNumber: column + 1,
                                value: try cellText(s, column), expected: expected)
        if let sheet = s.sheetName {
            issue.sheet = sheet
            issue.cell = ColumnLetters.of(column) + String(line)
        }
        return issue
    }

    // The first bytes of a cell as text for a message; invalid UTF-8 is a structural error.
    private func cellText<S: RowSource>(_ s: S, _ column: Int) throws(ImportIssue) -> String {
        if s.fieldByteCount(column) <= 4 * ImportIssue.maximumValueCharacters { return try s.string(at: column) }
        try s.checkUTF8(at: column)
        return s.lossyString(at: column, maxBytes: 4 * ImportIssue.maximumValueCharacters)
    }

    private func missingValue<S: RowSource>(_ s: S, _ field: Field, column: Int, line: Int) -> ImportIssue {
        var issue = ImportIssue(file: path, line: line, column: column >= 0 ? header.headers[column] : field.name,
                                columnNumber: column >= 0 ? column + 1 : nil, value: column >= 0 ? "" : nil,
                                expected: "a value; \(field.name) is required")
        if let sheet = s.sheetName {
            issue.sheet = sheet
            if column >= 0 { issue.cell = ColumnLetters.of(column) + String(line) }
        }
        return issue
    }
}

/// Cells that GiaiNgan's CSV writers (and Excel users) prefix with `'` so that a spreadsheet
/// shows them as text instead of running them as formulas: `'=T1` is the text `=T1`.
enum Defused {
    /// `bytes` without a leading `'` that precedes `=`, `+`, `-`, `@`, a tab or a carriage return.
    @inline(__always)
    static func strip(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard bytes.count >= 2, bytes[0] == 0x27, isTrigger(bytes[1]) else { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[1...])
    }

    static func strip(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count >= 2, utf8.first == 0x27, isTrigger(utf8[utf8.index(after: utf8.startIndex)]) else { return text }
        return String(text.dropFirst())
    }

    @inline(__always)
    static func isTrigger(_ b: UInt8) -> Bool {
        b == 0x3D || b == 0x2B || b == 0x2D || b == 0x40 || b == 0x09 || b == 0x0D
    }
}
