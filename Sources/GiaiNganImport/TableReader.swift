import GiaiNganCore

/// Reads one input file of a known kind, row by row, into model values.
///
/// Opening checks the encoding, reads the header and maps its columns (by canonical name, Vietnamese
/// alias, or a mapping profile). Each `next…` call then decodes one data row:
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
/// Blank rows (an empty line, or only white space and delimiters, as spreadsheets leave behind)
/// are skipped, before the header as well as between rows. Text is NFC-normalised and its white
/// space collapsed; an empty optional cell is `nil`; an absent or empty `tranche` is `current`.
public final class TableReader {
    /// The path as given; it names the file in every issue.
    public let path: String
    /// The kind of file being read.
    public let kind: FileKind
    /// The options the file is read with.
    public let options: ReadOptions

    private let csv: CSVReader
    private let header: HeaderMap
    private let decoder: FieldDecoder
    /// `Field.rawValue` → the profile's default text, if any.
    private let defaults: [String?]

    // MARK: - Opening

    /// Opens `path`, checks its encoding, and reads and maps its header.
    ///
    /// - throws: ``ImportIssue`` when the file cannot be read, is not UTF-8, has no header, a header
    ///   that is data, a duplicate or missing required column, or when `options.profile` is for
    ///   another kind of file.
    public init(path: String, kind: FileKind, options: ReadOptions = .init()) throws(ImportIssue) {
        self.path = path
        self.kind = kind
        self.options = options
        let profile = options.profile
        if let profile, profile.kind != kind {
            throw ImportIssue(file: profile.source, expected: "a mapping profile for \(kind.noun) (\"kind \(kind.rawValue)\"); "
                + "this one is for \(profile.kind.noun)")
        }
        csv = try CSVReader(path: path, delimiter: profile?.delimiter ?? UInt8(ascii: ","),
                            maxFieldBytes: options.maxFieldBytes, maxFieldsPerRecord: options.maxFieldsPerRecord,
                            maxRecordBytes: options.maxRecordBytes)
        try csv.skipLines(profile?.skipLines ?? 0)
        guard let row = try HeaderRow.read(from: csv) else {
            throw ImportIssue(file: path, expected: "a header row naming the columns of \(kind.noun); the file is empty"
                + ((profile?.skipLines ?? 0) > 0 ? " after the \(profile!.skipLines) lines the profile skips" : ""))
        }
        header = try HeaderMap(header: row, kind: kind, profile: profile, file: path)
        decoder = FieldDecoder(profile: profile, unit: options.unit)
        defaults = Field.allCases.map { profile?.defaults[$0.name] }
    }

    // MARK: - Progress

    /// Remarks for the user, each reported once: columns that were ignored, for instance.
    public var notes: [String] { header.notes }
    /// Bytes read so far, for a progress line.
    public var bytesConsumed: Int { csv.bytesConsumed }
    /// The size of the file in bytes.
    public var fileSize: Int { csv.fileSize }

    // MARK: - Rows

    /// The next row of a projects file, or `nil` at its end. Requires `kind == .projects`.
    public func nextProject() throws(ImportIssue) -> DecodedRow<Project>? {
        precondition(kind == .projects, "nextProject() reads a projects file, not \(kind.rawValue)")
        guard let line = try nextDataRow() else { return nil }
        if let ragged = raggedIssue(line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
        var issues: [ImportIssue] = []
        let code = try text(.projectCode, line, &issues, required: true)
        let name = try text(.projectName, line, &issues, required: true)
        let investor = try text(.investor, line, &issues, required: true)
        let district = try text(.district, line, &issues, required: false)
        let procedures = try value(.proceduresCompletedOn, line, &issues, required: false, decoder.date)
        let started = try value(.constructionStartedOn, line, &issues, required: false, decoder.date)
        guard issues.isEmpty, let code, let name, let investor else { return DecodedRow(line: line, value: nil, issues: issues) }
        return DecodedRow(line: line, value: Project(code: code, name: name, investor: InvestorID(investor), district: district,
                                                     proceduresCompletedOn: procedures, constructionStartedOn: started),
                          issues: [])
    }

    /// The next row of a plan file, or `nil` at its end. Requires `kind == .plan`.
    public func nextPlanLine() throws(ImportIssue) -> DecodedRow<PlanLine>? {
        precondition(kind == .plan, "nextPlanLine() reads a plan file, not \(kind.rawValue)")
        guard let line = try nextDataRow() else { return nil }
        if let ragged = raggedIssue(line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
        var issues: [ImportIssue] = []
        let code = try text(.projectCode, line, &issues, required: true)
        let year = try value(.planYear, line, &issues, required: true, decoder.year)
        let projectClass = try value(.projectClass, line, &issues, required: true, decoder.projectClass)
        let tranche = try value(.tranche, line, &issues, required: false, decoder.tranche)
        let fundSource = try text(.fundSource, line, &issues, required: false)
        let amount = try value(.amountVND, line, &issues, required: true, decoder.amount)
        let effectiveOn = try value(.effectiveOn, line, &issues, required: true, decoder.date)
        let decisionRef = try text(.decisionRef, line, &issues, required: false)
        guard issues.isEmpty, let code, let year, let projectClass, let amount, let effectiveOn else {
            return DecodedRow(line: line, value: nil, issues: issues)
        }
        return DecodedRow(line: line, value: PlanLine(projectCode: code, planYear: year, projectClass: projectClass,
                                                      tranche: tranche ?? .current, fundSource: fundSource, amountVND: amount,
                                                      effectiveOn: effectiveOn, decisionRef: decisionRef),
                          issues: [])
    }

    /// The next row of a disbursements file, or `nil` at its end. Requires `kind == .disbursements`.
    public func nextLedgerEntry() throws(ImportIssue) -> DecodedRow<LedgerEntry>? {
        precondition(kind == .disbursements, "nextLedgerEntry() reads a disbursements file, not \(kind.rawValue)")
        guard let line = try nextDataRow() else { return nil }
        if let ragged = raggedIssue(line) { return DecodedRow(line: line, value: nil, issues: [ragged]) }
        var issues: [ImportIssue] = []
        let txnID = try text(.txnID, line, &issues, required: true)
        let code = try text(.projectCode, line, &issues, required: true)
        let year = try value(.planYear, line, &issues, required: true, decoder.year)
        let tranche = try value(.tranche, line, &issues, required: false, decoder.tranche)
        let fundSource = try text(.fundSource, line, &issues, required: false)
        let date = try value(.date, line, &issues, required: true, decoder.date)
        let type = try value(.type, line, &issues, required: true, decoder.entryType)
        let amount = try value(.amountVND, line, &issues, required: true, decoder.positiveAmount)
        let note = try text(.note, line, &issues, required: false)
        guard issues.isEmpty, let txnID, let code, let year, let date, let type, let amount else {
            return DecodedRow(line: line, value: nil, issues: issues)
        }
        return DecodedRow(line: line, value: LedgerEntry(txnID: txnID, projectCode: code, planYear: year,
                                                         tranche: tranche ?? .current, fundSource: fundSource, date: date,
                                                         type: type, amountVND: amount, note: note),
                          issues: [])
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
        batch.removeAll()
        defer { batch.bytesConsumed = csv.bytesConsumed }
        do {
            while batch.count < limit && batch.text.count < TableReader.bulkTextLimit {
                guard let line = try nextDataRow() else { return false }
                if let ragged = raggedIssue(line) { batch.append(line: line, issues: [ragged]); continue }
                var issues: [ImportIssue] = []
                let mark = batch.text.count
                // The order of the cells is nextLedgerEntry's, so that issues and thrown errors agree.
                // Each value is first decoded directly from its bytes; a cell that does not decode
                // so (blank, defaulted, wrong) goes through `value`, which says why.
                let decoder = self.decoder
                let txnID = try textSpan(.txnID, line, &issues, required: true, into: &batch)
                let code = try textSpan(.projectCode, line, &issues, required: true, into: &batch)
                var year = fast(.planYear) { try? decoder.year($0) }
                if year == nil { year = try value(.planYear, line, &issues, required: true, decoder.year) }
                var tranche = fast(.tranche) { decoder.tranches.exactValue($0) }
                if tranche == nil { tranche = try value(.tranche, line, &issues, required: false, decoder.tranche) }
                let fundSource = try textSpan(.fundSource, line, &issues, required: false, into: &batch)
                var date = fast(.date) { try? decoder.date($0) }
                if date == nil { date = try value(.date, line, &issues, required: true, decoder.date) }
                var type = fast(.type) { decoder.entryTypes.exactValue($0) }
                if type == nil { type = try value(.type, line, &issues, required: true, decoder.entryType) }
                var amount = fast(.amountVND) { try? decoder.positiveAmount($0) }
                if amount == nil { amount = try value(.amountVND, line, &issues, required: true, decoder.positiveAmount) }
                let note = try textSpan(.note, line, &issues, required: false, into: &batch)
                guard issues.isEmpty, !txnID.isAbsent, !code.isAbsent, let year, let date, let type, let amount else {
                    batch.truncateText(to: mark)
                    batch.append(line: line, issues: issues)
                    continue
                }
                batch.append(line: line, txnID: txnID, projectCode: code, planYear: year, tranche: tranche ?? .current,
                             fundSource: fundSource, date: date, type: type, amountVND: amount, note: note)
            }
            return true
        } catch {
            batch.failure = error
            return false
        }
    }

    /// `decode` applied to the bytes of `field`'s cell, or `nil` when the file has no such column.
    @inline(__always)
    private func fast<Value>(_ field: Field, _ decode: (UnsafeBufferPointer<UInt8>) -> Value?) -> Value? {
        let column = header.columnOf[field.rawValue]
        return column >= 0 ? csv.withFieldBytes(column, decode) : nil
    }

    /// The text bytes one bulk batch may hold before it is handed on, however few its rows: a
    /// bound on memory when cells are large.
    public static let bulkTextLimit = 8 << 20

    /// ``text(_:_:_:required:)`` for the bulk path: the normalised text's bytes are appended to
    /// `batch`, and their span returned (absent when `text` would return `nil`).
    private func textSpan(_ field: Field, _ line: Int, _ issues: inout [ImportIssue], required: Bool,
                          into batch: inout LedgerRowBatch) throws(ImportIssue) -> LedgerRowBatch.Span {
        let column = header.columnOf[field.rawValue]
        if column >= 0 {
            let plain: LedgerRowBatch.Span? = csv.withFieldBytes(column) { bytes in
                CellText.isAlreadyNormal(bytes) ? batch.appendText(bytes) : nil
            }
            if let plain { return plain }
            let normalized = NormalizedText.normalize(try csv.string(at: column))
            if !normalized.isEmpty { return batch.appendText(normalized) }
        }
        if let fallback = defaults[field.rawValue] { return batch.appendText(fallback) }
        if required { issues.append(missingValue(field, column: column, line: line)) }
        return .absent
    }

    // MARK: - Cells

    /// Moves to the next record that is not blank; its line, or `nil` at the end of the file.
    private func nextDataRow() throws(ImportIssue) -> Int? {
        while try csv.nextRecord() {
            if !csv.isBlankRecord { return csv.line }
        }
        return nil
    }

    private func raggedIssue(_ line: Int) -> ImportIssue? {
        guard csv.fieldCount != header.width else { return nil }
        return ImportIssue(file: path, line: line, expected: "\(header.width) fields, as in the header (line \(header.line)); "
            + "this row has \(csv.fieldCount) (a missing or extra delimiter, or an unquoted field that holds one)")
    }

    /// The normalised text of `field`: `nil` when the column is absent or the cell is empty (then the
    /// profile's default, if any, is used; an empty required cell is an issue).
    private func text(_ field: Field, _ line: Int, _ issues: inout [ImportIssue], required: Bool) throws(ImportIssue) -> String? {
        let column = header.columnOf[field.rawValue]
        if column >= 0 {
            if let plain = csv.withFieldBytes(column, CellText.alreadyNormal) { return plain }
            let normalized = NormalizedText.normalize(try csv.string(at: column))
            if !normalized.isEmpty { return normalized }
        }
        if let fallback = defaults[field.rawValue] { return fallback }
        if required { issues.append(missingValue(field, column: column, line: line)) }
        return nil
    }

    /// The decoded value of `field`, or `nil` with an issue when it does not decode or a required cell is empty.
    private func value<Value>(_ field: Field, _ line: Int, _ issues: inout [ImportIssue], required: Bool,
                              _ decode: (UnsafeBufferPointer<UInt8>) throws(ValueError) -> Value) throws(ImportIssue) -> Value? {
        let column = header.columnOf[field.rawValue]
        if column >= 0 && !csv.isFieldBlank(column) {
            let result = csv.withFieldBytes(column) { bytes in Result { () throws(ValueError) in try decode(bytes) } }
            switch result {
            case .success(let value): return value
            case .failure(let problem):
                issues.append(ImportIssue(file: path, line: line, column: header.headers[column], columnNumber: column + 1,
                                          value: try cellText(column), expected: problem.expectation))
                return nil
            }
        }
        if var fallback = defaults[field.rawValue] {
            // Checked when the profile was read, so it decodes.
            let result = fallback.withUTF8 { bytes in Result { () throws(ValueError) in try decode(bytes) } }
            if case .success(let value) = result { return value }
        }
        if required { issues.append(missingValue(field, column: column, line: line)) }
        return nil
    }

    /// The first bytes of a cell as text for a message; invalid UTF-8 is a structural error.
    private func cellText(_ column: Int) throws(ImportIssue) -> String {
        if csv.fieldByteCount(column) <= 4 * ImportIssue.maximumValueCharacters { return try csv.string(at: column) }
        try csv.checkUTF8(at: column)
        return csv.lossyString(at: column, maxBytes: 4 * ImportIssue.maximumValueCharacters)
    }

    private func missingValue(_ field: Field, column: Int, line: Int) -> ImportIssue {
        ImportIssue(file: path, line: line, column: column >= 0 ? header.headers[column] : field.name,
                    columnNumber: column >= 0 ? column + 1 : nil, value: column >= 0 ? "" : nil,
                    expected: "a value; \(field.name) is required")
    }
}
