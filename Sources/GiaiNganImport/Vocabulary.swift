import GiaiNganCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The words a file may write for one kind of coded value (a class, a tranche, an entry type),
/// compared after NFC normalisation, white-space collapsing and lower-casing.
struct WordList<Value: Sendable & Hashable>: Sendable {
    /// Normalised word → value.
    private(set) var values: [String: Value]
    /// What the words name, for messages: "an entry type".
    let what: String
    /// The canonical words, in order, then the Vietnamese ones, for messages.
    private let canonicalWords: [String]
    private let vietnameseWords: [String]
    /// Words a mapping profile added, for messages.
    private(set) var profileWords: [String] = []
    /// Every key's UTF-8 bytes with its value: a cell written exactly as a key (the usual case)
    /// is found by comparing bytes, without making a `String` and hashing it.
    private var exactKeys: [(bytes: [UInt8], value: Value)] = []

    init(what: String, canonical: [(String, Value)], vietnamese: [(String, Value)], extra: [(String, Value)] = []) {
        self.what = what
        var values: [String: Value] = [:]
        for (word, value) in canonical + vietnamese + extra { values[HeaderKey.of(word)] = value }
        self.values = values
        self.canonicalWords = canonical.map(\.0)
        self.vietnameseWords = vietnamese.map(\.0)
        exactKeys = values.map { (Array($0.key.utf8), $0.value) }
    }

    /// Adds a word from a mapping profile (it may override a built-in one).
    mutating func add(_ word: String, _ value: Value) {
        let key = HeaderKey.of(word)
        values[key] = value
        profileWords.append(key)
        exactKeys = values.map { (Array($0.key.utf8), $0.value) }
    }

    /// The value `text` names, or `nil`.
    func value(for text: String) -> Value? {
        if let v = values[text] { return v }
        return values[HeaderKey.of(text)]
    }

    /// The value of a cell written exactly as one of the words (after trimming), or `nil`: what
    /// `parse` returns for it, found by comparing bytes.
    func exactValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        let trimmed = Trim.whiteSpace(bytes)
        guard let base = trimmed.baseAddress, trimmed.count > 0 else { return nil }
        for key in exactKeys where key.bytes.count == trimmed.count {
            if key.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base, trimmed.count) == 0 }) {
                return key.value
            }
        }
        return nil
    }

    /// Parses UTF-8 bytes.
    func parse(bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> Value {
        if let value = exactValue(bytes) { return value }
        let trimmed = Trim.whiteSpace(bytes)
        // Exact and lower-cased spellings first: normalising is the slow path.
        if let text = UTF8Check.isASCII(trimmed) ? String(decoding: trimmed, as: UTF8.self)
                                                 : String(validating: trimmed, as: UTF8.self) {
            if let v = values[text] ?? values[text.lowercased()] ?? values[HeaderKey.of(text)] { return v }
        }
        throw ValueError(expected: expected)
    }

    /// "an entry type: advance, payment, … (or tạm ứng, …)".
    var expected: String {
        var text = "\(what): " + Self.list(canonicalWords) + " (or " + vietnameseWords.joined(separator: ", ")
        if !profileWords.isEmpty { text += ", or as the profile maps: " + profileWords.sorted().joined(separator: ", ") }
        return text + ")"
    }

    private static func list(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}

/// The built-in words of FORMATS.md, with the Vietnamese aliases it lists and a few spellings from
/// the glossary in DOMAIN.md.
enum Vocabulary {
    /// Project classes: `transitional` / `new_start`, `chuyển tiếp` / `khởi công mới`.
    static func projectClasses() -> WordList<ProjectClass> {
        WordList(what: "a project class",
                 canonical: [("transitional", .transitional), ("new_start", .newStart)],
                 vietnamese: [("chuyển tiếp", .transitional), ("khởi công mới", .newStart)],
                 extra: [("dự án chuyển tiếp", .transitional), ("dự án khởi công mới", .newStart)])
    }

    /// Envelope levels: `prime_minister` / `province`, `thủ tướng` / `tỉnh`.
    static func envelopeLevels() -> WordList<EnvelopeLevel> {
        WordList(what: "an envelope level",
                 canonical: [("prime_minister", .primeMinister), ("province", .province)],
                 vietnamese: [("thủ tướng", .primeMinister), ("tỉnh", .province)],
                 extra: [("ttg", .primeMinister), ("thủ tướng chính phủ", .primeMinister), ("trung ương", .primeMinister),
                         ("hđnd tỉnh", .province), ("ubnd tỉnh", .province), ("địa phương", .province)])
    }

    /// Yes/no cells (`key_project`): `yes`/`no`, `x`, `có`/`không`, `1`/`0`, `true`/`false`; empty is no.
    static func flags() -> WordList<Bool> {
        WordList(what: "yes or no",
                 canonical: [("yes", true), ("no", false)],
                 vietnamese: [("có", true), ("không", false)],
                 extra: [("x", true), ("1", true), ("0", false), ("true", true), ("false", false), ("trọng điểm", true)])
    }

    /// Tranches: `current` / `carried_over` / `advance_plan`, `trong năm` / `kéo dài` / `ứng trước`.
    static func tranches() -> WordList<Tranche> {
        WordList(what: "a tranche",
                 canonical: [("current", .current), ("carried_over", .carriedOver), ("advance_plan", .advancePlan)],
                 vietnamese: [("trong năm", .current), ("kéo dài", .carriedOver), ("ứng trước", .advancePlan)],
                 extra: [("vốn trong năm", .current), ("vốn kéo dài", .carriedOver), ("vốn ứng trước", .advancePlan),
                         ("kế hoạch ứng trước", .advancePlan)])
    }

    /// Ledger entry types: `advance`, `payment`, `advance_recovery`, `refund` and their Vietnamese names.
    static func entryTypes() -> WordList<EntryType> {
        WordList(what: "an entry type",
                 canonical: [("advance", .advance), ("payment", .payment),
                             ("advance_recovery", .advanceRecovery), ("refund", .refund)],
                 vietnamese: [("tạm ứng", .advance), ("thanh toán", .payment),
                              ("thu hồi tạm ứng", .advanceRecovery), ("nộp trả", .refund)],
                 extra: [("thanh toán khối lượng hoàn thành", .payment), ("giảm trừ", .refund)])
    }
}
