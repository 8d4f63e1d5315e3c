import GiaiNganCore

/// Turns the bytes of one cell into a model value: years, amounts, dates and coded words, with a
/// mapping profile's words and formats applied.
final class FieldDecoder: Sendable {
    let amounts: AmountParser
    let dates: DateParser
    let classes: WordList<ProjectClass>
    let tranches: WordList<Tranche>
    let entryTypes: WordList<EntryType>

    /// A decoder for `unit` (a profile's own `unit` takes precedence) and a profile's words and date format.
    init(profile: MappingProfile?, unit: AmountUnit) {
        amounts = AmountParser(unit: profile?.unit ?? unit)
        dates = DateParser(format: profile?.dateFormat)
        var classes = Vocabulary.projectClasses(), tranches = Vocabulary.tranches(), entryTypes = Vocabulary.entryTypes()
        for (word, value) in profile?.classes ?? [:] { classes.add(word, value) }
        for (word, value) in profile?.tranches ?? [:] { tranches.add(word, value) }
        for (word, value) in profile?.entryTypes ?? [:] { entryTypes.add(word, value) }
        self.classes = classes
        self.tranches = tranches
        self.entryTypes = entryTypes
    }

    // MARK: - Values

    static let yearExpected = "a plan year: 4 digits, \(SupportedRange.planYears.lowerBound)–\(SupportedRange.planYears.upperBound)"

    /// A plan year: exactly four digits, inside `SupportedRange.planYears`.
    func year(_ raw: UnsafeBufferPointer<UInt8>) throws(ValueError) -> Int {
        let bytes = Trim.whiteSpace(raw)
        guard bytes.count == 4 else { throw ValueError(expected: FieldDecoder.yearExpected) }
        var value = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { throw ValueError(expected: FieldDecoder.yearExpected) }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
        }
        if let problem = SupportedRange.problem(planYear: value) {
            throw ValueError(expected: FieldDecoder.yearExpected, reason: problem)
        }
        return value
    }

    /// An amount in whole VND, any sign (plan lines may cut a plan).
    func amount(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> VND { try amounts.parse(bytes: bytes) }

    /// A ledger amount: positive, since the entry's type gives its direction.
    func positiveAmount(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> VND {
        let value = try amounts.parse(bytes: bytes)
        try FieldDecoder.checkPositive(value, text: bytes)
        return value
    }

    /// Refuses a ledger amount that is not above zero.
    static func checkPositive(_ value: VND, text: UnsafeBufferPointer<UInt8>) throws(ValueError) {
        guard value > 0 else {
            var reason = "a ledger entry's type gives its direction (refund, advance_recovery), so its amount is above zero"
            if Trim.whiteSpace(text).first == UInt8(ascii: "(") {
                reason = "(…) marks a negative amount in the accounting format; " + reason
            }
            throw ValueError(expected: "a positive amount", reason: reason)
        }
    }

    func date(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> CivilDate { try dates.parse(bytes: bytes) }
    func projectClass(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> ProjectClass { try classes.parse(bytes: bytes) }
    func tranche(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> Tranche { try tranches.parse(bytes: bytes) }
    func entryType(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> EntryType { try entryTypes.parse(bytes: bytes) }
    func envelopeLevel(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> EnvelopeLevel { try levels.parse(bytes: bytes) }
    func flag(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> Bool { try flags.parse(bytes: bytes) }

    /// A schedule's period: a month `yyyy-MM`. Weeks (`yyyy-Www`) are refused with their own
    /// message: schedules are monthly (README "Schedules and classification").
    func month(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> ScheduleMonth {
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        let trimmed = String(text)
        if let m = ScheduleMonth(text: trimmed) { return m }
        if trimmed.uppercased().contains("-W") {
            throw ValueError(expected: "a month yyyy-MM such as 2023-09", reason: "weekly periods are not read yet: "
                + "add the weeks of each month into one row for the month")
        }
        throw ValueError(expected: "a month yyyy-MM such as 2023-09")
    }

    static let levels = Vocabulary.envelopeLevels()
    static let flagWords = Vocabulary.flags()
    var levels: WordList<EnvelopeLevel> { FieldDecoder.levels }
    var flags: WordList<Bool> { FieldDecoder.flagWords }

    // MARK: - Checking a text

    /// The problem with `text` as a value of `field` in a file of `kind`, or `nil` when it decodes.
    func check(_ field: Field, text: String, kind: FileKind) -> ValueError? {
        var copy = text
        return copy.withUTF8 { bytes -> ValueError? in
            do throws(ValueError) {
                switch field {
                case .planYear: _ = try year(bytes)
                case .amountVND: _ = kind == .disbursements ? try positiveAmount(bytes) : try amount(bytes)
                case .proceduresCompletedOn, .constructionStartedOn, .effectiveOn, .date, .submittedOn: _ = try date(bytes)
                case .period: _ = try month(bytes)
                case .projectClass: _ = try projectClass(bytes)
                case .tranche: _ = try tranche(bytes)
                case .type: _ = try entryType(bytes)
                case .level: _ = try envelopeLevel(bytes)
                case .keyProject: _ = try flag(bytes)
                case .projectCode, .projectName, .investor, .district, .fundSource, .decisionRef, .txnID, .note, .fromInvestor, .toInvestor, .oldUnit, .newUnit: break
                }
                return nil
            } catch {
                return error
            }
        }
    }
}
