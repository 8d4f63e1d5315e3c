import GiaiNganCore

/// Rows of a disbursements file decoded in bulk, column by column, for a writer that binds them
/// straight to SQL.
///
/// ``TableReader/readLedgerRows(into:limit:)`` fills it with exactly what
/// ``TableReader/nextLedgerEntry()`` would return row by row — the same values, the same issues in
/// the same order — but without a `String` or a ``LedgerEntry`` per row: text cells are copied, already
/// NFC-normalised and white-space-collapsed, into one byte buffer, and numbers into arrays. A batch is
/// meant to be reused: ``removeAll()`` keeps its capacity, so a million rows cost no allocation
/// per row.
///
/// ```swift
/// var batch = LedgerRowBatch()
/// var more = true
/// while more {
///     more = reader.readLedgerRows(into: &batch, limit: 4096)
///     for row in 0..<batch.count where batch.isValid(row) {
///         batch.withText(batch.txnID[row]) { bytes in /* bind to SQL */ }
///     }
///     if let failure = batch.failure { throw failure }
/// }
/// ```
public struct LedgerRowBatch: Sendable {
    /// Where a text cell's UTF-8 bytes are in ``text``; `nil` for an empty optional cell.
    public struct Span: Sendable, Equatable {
        public var offset: Int
        /// -1 for `nil`.
        public var count: Int
        public init(offset: Int, count: Int) {
            self.offset = offset
            self.count = count
        }
        public static let absent = Span(offset: 0, count: -1)
        public var isAbsent: Bool { count < 0 }
    }

    /// The 1-based line where each row starts.
    public private(set) var lines: [Int] = []
    /// Rows with issues, by index, with every issue of the row in the order `nextLedgerEntry` lists them.
    /// The other columns of such a row hold placeholders.
    public private(set) var issues: [Int: [ImportIssue]] = [:]
    public private(set) var txnID: [Span] = []
    public private(set) var projectCode: [Span] = []
    public private(set) var fundSource: [Span] = []
    public private(set) var note: [Span] = []
    public private(set) var planYear: [Int] = []
    public private(set) var tranche: [Tranche] = []
    public private(set) var date: [CivilDate] = []
    public private(set) var type: [EntryType] = []
    public private(set) var amountVND: [VND] = []
    /// The bytes of every text cell of the batch.
    public private(set) var text: [UInt8] = []
    /// A structural problem that ended the file after the rows of this batch (encoding, quoting,
    /// limits): the same issue `nextLedgerEntry` would have thrown.
    public internal(set) var failure: ImportIssue?
    /// Bytes of the file read when the batch was filled, for a progress line.
    public internal(set) var bytesConsumed = 0

    public init() {}

    /// The number of rows.
    public var count: Int { lines.count }

    /// Whether row `index` decoded without issues.
    public func isValid(_ index: Int) -> Bool { issues.isEmpty || issues[index] == nil }

    /// Empties the batch, keeping its capacity.
    public mutating func removeAll() {
        lines.removeAll(keepingCapacity: true)
        issues.removeAll(keepingCapacity: true)
        txnID.removeAll(keepingCapacity: true)
        projectCode.removeAll(keepingCapacity: true)
        fundSource.removeAll(keepingCapacity: true)
        note.removeAll(keepingCapacity: true)
        planYear.removeAll(keepingCapacity: true)
        tranche.removeAll(keepingCapacity: true)
        date.removeAll(keepingCapacity: true)
        type.removeAll(keepingCapacity: true)
        amountVND.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        failure = nil
        bytesConsumed = 0
    }

    /// Calls `body` with the bytes of a text cell (empty for an absent one).
    public func withText<Result>(_ span: Span, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try text.withUnsafeBufferPointer { all in
            guard span.count > 0 else { return try body(UnsafeBufferPointer(start: all.baseAddress, count: 0)) }
            return try body(UnsafeBufferPointer(rebasing: all[span.offset..<(span.offset + span.count)]))
        }
    }

    /// A text cell as a string, `nil` when absent.
    public func string(_ span: Span) -> String? {
        span.isAbsent ? nil : withText(span) { String(decoding: $0, as: UTF8.self) }
    }

    /// Row `index` as a ledger entry, `nil` when it has issues: what `nextLedgerEntry` returned for it.
    public func entry(at index: Int) -> LedgerEntry? {
        guard isValid(index) else { return nil }
        return LedgerEntry(txnID: string(txnID[index])!, projectCode: string(projectCode[index])!,
                           planYear: planYear[index], tranche: tranche[index], fundSource: string(fundSource[index]),
                           date: date[index], type: type[index], amountVND: amountVND[index],
                           note: string(note[index]))
    }

    // MARK: - Filling (TableReader)

    /// Appends a text cell's bytes and returns where they are.
    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) -> Span {
        let span = Span(offset: text.count, count: bytes.count)
        text.append(contentsOf: bytes)
        return span
    }

    mutating func appendText(_ string: String) -> Span {
        var copy = string
        return copy.withUTF8 { appendText($0) }
    }

    /// Forgets text appended after `mark` (the cells of a row that turned out to have issues).
    mutating func truncateText(to mark: Int) {
        text.removeSubrange(mark...)
    }

    mutating func append(line: Int, txnID: Span, projectCode: Span, planYear: Int, tranche: Tranche, fundSource: Span,
                         date: CivilDate, type: EntryType, amountVND: VND, note: Span) {
        lines.append(line)
        self.txnID.append(txnID)
        self.projectCode.append(projectCode)
        self.planYear.append(planYear)
        self.tranche.append(tranche)
        self.fundSource.append(fundSource)
        self.date.append(date)
        self.type.append(type)
        self.amountVND.append(amountVND)
        self.note.append(note)
    }

    mutating func append(line: Int, issues rowIssues: [ImportIssue]) {
        precondition(!rowIssues.isEmpty, "a row without a value has issues")
        issues[count] = rowIssues
        append(line: line, txnID: .absent, projectCode: .absent, planYear: 0, tranche: .current, fundSource: .absent,
               date: CivilDate(dayNumber: 0), type: .payment, amountVND: 0, note: .absent)
    }
}
