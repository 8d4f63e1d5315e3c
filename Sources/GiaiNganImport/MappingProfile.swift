import Foundation
import GiaiNganCore

/// A small, human-editable description of how a treasury or office export maps onto the canonical
/// columns and words of FORMATS.md, so that a file whose layout differs is imported as it is,
/// without editing it (in the spirit of hledger's CSV rules files).
///
/// A profile is a text file with one directive per line. Blank lines are ignored, and a line whose
/// first non-blank character is `#` is a comment (a `#` later on a line is part of the value, since
/// headers may contain it). Directive names are lower case; words and headers are compared like
/// headers: NFC, white space collapsed, case-insensitive.
///
/// ```text
/// # KBNN Cà Mau "Bảng kê chứng từ" export
/// # Required: the kind of file, projects, plan or disbursements.
/// kind disbursements
/// # Physical lines before the header row (an export's titles); they are not read as CSV.
/// skip-lines 2
/// # , ; | or tab (default ,).
/// delimiter ,
/// # yyyy-MM-dd, dd/MM/yyyy or d/M/yyyy (default: any of the three).
/// date-format dd/MM/yyyy
/// # vnd or million (default: ReadOptions.unit, the --unit option).
/// unit million
/// # canonical column = the export's own header.
/// column txn_id = Số CT
/// column amount_vnd = Số tiền (triệu đồng)
/// # A value for a column the export lacks, or for its empty cells.
/// default plan_year = 2023
/// # The export's word = advance, payment, advance_recovery or refund.
/// type TU = advance
/// # Plan profiles: the export's word = transitional or new_start.
/// # class CT = transitional
/// # Plan and ledger profiles: the export's word = current or carried_over.
/// tranche KD = carried_over
/// ```
///
/// A `column` or `default` value may be written in double quotes to keep spaces at its ends.
///
/// Rules: `kind` is required; each single-valued directive appears once; a column is mapped once and
/// an export header names one column; a word means one thing. A mapped column is found only under
/// the export's header: its canonical name and alias then count as unknown columns. The built-in
/// words stay accepted beside the profile's. A profile's `unit` takes precedence over
/// ``ReadOptions/unit``. Every mistake is an ``ImportIssue`` naming the profile file and line.
public struct MappingProfile: Sendable, Equatable, CustomStringConvertible {
    /// The kind of file the profile describes.
    public var kind: FileKind
    /// Where the profile came from (its path), for messages; not part of equality.
    public var source: String
    /// Physical lines to skip before the header row.
    public var skipLines = 0
    /// The field separator byte (ASCII).
    public var delimiter = UInt8(ascii: ",")
    /// The only date format accepted, or `nil` for all three.
    public var dateFormat: DateFormat?
    /// The unit of amounts, or `nil` to follow ``ReadOptions/unit``.
    public var unit: AmountUnit?
    /// Canonical column name → the export's header for it.
    public var columns: [String: String] = [:]
    /// Canonical column name → the value used when the column is absent or a cell is empty.
    public var defaults: [String: String] = [:]
    /// The export's words for entry types (normalised, lower case).
    public var entryTypes: [String: EntryType] = [:]
    /// The export's words for project classes (normalised, lower case).
    public var classes: [String: ProjectClass] = [:]
    /// The export's words for tranches (normalised, lower case).
    public var tranches: [String: Tranche] = [:]

    /// The largest profile file read (profiles are a few dozen lines).
    public static let maximumBytes = 1 << 20

    /// Creates an empty profile for `kind`.
    public init(kind: FileKind, source: String = "profile") {
        self.kind = kind
        self.source = source
    }

    // MARK: - Reading

    /// Reads and checks the profile at `path`.
    ///
    /// - throws: ``ImportIssue`` naming the profile and the line at fault.
    public static func load(path: String) throws(ImportIssue) -> MappingProfile {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportIssue(file: path, expected: "a readable mapping profile; the file cannot be opened")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maximumBytes + 1) ?? Data() } catch {
            throw ImportIssue(file: path, expected: "a readable mapping profile; reading failed: \(error.localizedDescription)")
        }
        guard data.count <= maximumBytes else {
            throw ImportIssue(file: path, expected: "a mapping profile of at most 1 MiB; this file is larger")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ImportIssue(file: path, expected: "a mapping profile in UTF-8 text")
        }
        return try MappingProfile(text: text, source: path)
    }

    /// Parses profile text; `source` names it in messages.
    ///
    /// - throws: ``ImportIssue`` with `file` = `source` and the line at fault.
    public init(text: String, source: String) throws(ImportIssue) {
        var parser = ProfileParser(source: source)
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        var number = 0
        // `isNewline` splits on LF, CR and CRLF alike: a profile saved by Notepad ends lines with CRLF.
        for rawLine in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            try parser.read(line: String(rawLine), number: number)
        }
        self = try parser.finish()
    }

    // MARK: - Writing

    /// The profile as text that ``init(text:source:)`` reads back into an equal profile.
    public var text: String {
        var lines = ["# GiaiNgan mapping profile", "kind \(kind.rawValue)"]
        if skipLines > 0 { lines.append("skip-lines \(skipLines)") }
        if delimiter != UInt8(ascii: ",") {
            lines.append("delimiter " + (delimiter == UInt8(ascii: "\t") ? "tab" : String(UnicodeScalar(delimiter))))
        }
        if let dateFormat { lines.append("date-format \(dateFormat.rawValue)") }
        if let unit { lines.append("unit \(unit.rawValue)") }
        for spec in kind.columns {
            if let header = columns[spec.name] { lines.append("column \(spec.name) = \(MappingProfile.quotedIfNeeded(header))") }
        }
        for spec in kind.columns {
            if let value = defaults[spec.name] { lines.append("default \(spec.name) = \(MappingProfile.quotedIfNeeded(value))") }
        }
        for (word, value) in entryTypes.sorted(by: { $0.key < $1.key }) { lines.append("type \(word) = \(value.rawValue)") }
        for (word, value) in classes.sorted(by: { $0.key < $1.key }) { lines.append("class \(word) = \(value.rawValue)") }
        for (word, value) in tranches.sorted(by: { $0.key < $1.key }) { lines.append("tranche \(word) = \(value.rawValue)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The profile's text.
    public var description: String { text }

    /// Whether two profiles say the same thing (wherever they came from).
    public static func == (a: MappingProfile, b: MappingProfile) -> Bool {
        a.kind == b.kind && a.skipLines == b.skipLines && a.delimiter == b.delimiter && a.dateFormat == b.dateFormat
            && a.unit == b.unit && a.columns == b.columns && a.defaults == b.defaults && a.entryTypes == b.entryTypes
            && a.classes == b.classes && a.tranches == b.tranches
    }

    private static func quotedIfNeeded(_ value: String) -> String {
        value.first?.isWhitespace == true || value.last?.isWhitespace == true || value.hasPrefix("\"") ? "\"\(value)\"" : value
    }
}

/// The line-by-line reader behind ``MappingProfile/init(text:source:)``.
private struct ProfileParser {
    let source: String
    var kind: FileKind?
    var profile = MappingProfile(kind: .projects)
    /// Where each single-valued directive, column, header and word was set, to name both lines of a clash.
    var seen: [String: Int] = [:]
    /// Lines of `column`, `default`, `type`, `class` and `tranche`, checked once `kind` is known.
    var pending: [(number: Int, directive: String, key: String, value: String)] = []

    init(source: String) { self.source = source }

    func issue(_ number: Int, _ expected: String, value: String? = nil) -> ImportIssue {
        ImportIssue(file: source, line: number, value: value, expected: expected)
    }

    mutating func read(line raw: String, number: Int) throws(ImportIssue) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty || line.hasPrefix("#") { return }
        let directive = String(line.prefix { !$0.isWhitespace })
        let argument = line.dropFirst(directive.count).trimmingCharacters(in: .whitespaces)
        switch directive {
        case "kind":
            try once(directive, number)
            guard let k = FileKind(rawValue: argument) else {
                throw issue(number, "a kind: projects, plan or disbursements", value: argument)
            }
            kind = k
        case "skip-lines":
            try once(directive, number)
            guard let n = Int(argument), (0...1000).contains(n) else {
                throw issue(number, "a number of lines to skip, 0–1000", value: argument)
            }
            profile.skipLines = n
        case "delimiter":
            try once(directive, number)
            switch argument {
            case ",", ";", "|": profile.delimiter = argument.utf8.first!
            case "tab", "\\t": profile.delimiter = UInt8(ascii: "\t")
            default: throw issue(number, "a delimiter: , ; | or tab", value: argument)
            }
        case "date-format":
            try once(directive, number)
            guard let f = DateFormat(rawValue: argument) else {
                throw issue(number, "a date format: " + DateFormat.allCases.map(\.rawValue).joined(separator: ", "), value: argument)
            }
            profile.dateFormat = f
        case "unit":
            try once(directive, number)
            guard let u = AmountUnit(rawValue: argument.lowercased()) else {
                throw issue(number, "a unit: vnd or million", value: argument)
            }
            profile.unit = u
        case "column", "default", "type", "class", "tranche":
            guard let equals = argument.firstIndex(of: "=") else {
                throw issue(number, "\(directive) NAME = VALUE, with an \"=\"", value: line)
            }
            let key = argument[..<equals].trimmingCharacters(in: .whitespaces)
            var value = argument[argument.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard !key.isEmpty else { throw issue(number, "a name before \"=\"", value: line) }
            guard !value.isEmpty else { throw issue(number, "a value after \"=\"", value: line) }
            pending.append((number, directive, key, value))
        default:
            throw issue(number, "a directive: kind, skip-lines, delimiter, date-format, unit, column, default, type, "
                + "class or tranche (a comment line starts with #)", value: directive)
        }
    }

    /// Records a single-valued directive, refusing it a second time.
    mutating func once(_ name: String, _ number: Int) throws(ImportIssue) {
        if let first = seen["directive " + name] {
            throw issue(number, "\"\(name)\" once; it is already set on line \(first)")
        }
        seen["directive " + name] = number
    }

    mutating func finish() throws(ImportIssue) -> MappingProfile {
        guard let kind else {
            throw ImportIssue(file: source, expected: "a line \"kind projects\", \"kind plan\" or \"kind disbursements\"; "
                + "a profile says which kind of file it maps")
        }
        profile.kind = kind
        profile.source = source
        for entry in pending { try apply(entry, kind: kind) }
        try checkDefaults(kind: kind)
        return profile
    }

    private mutating func apply(_ entry: (number: Int, directive: String, key: String, value: String),
                                kind: FileKind) throws(ImportIssue) {
        let (number, directive, key, value) = entry
        switch directive {
        case "column", "default":
            guard let spec = kind.column(named: key) else {
                throw issue(number, "a column of \(kind.noun): " + kind.columns.map(\.name).joined(separator: ", "), value: key)
            }
            if let first = seen["\(directive) \(spec.name)"] {
                throw issue(number, "each column \(directive == "column" ? "mapped" : "given a default") once; "
                    + "\(spec.name) already is on line \(first)", value: key)
            }
            seen["\(directive) \(spec.name)"] = number
            if directive == "column" {
                let headerKey = HeaderKey.of(value)
                if let first = seen["header " + headerKey] {
                    throw issue(number, "each export header to name one column; \"\(value)\" is already mapped on line \(first)", value: value)
                }
                seen["header " + headerKey] = number
                profile.columns[spec.name] = NormalizedText.normalize(value)
            } else {
                profile.defaults[spec.name] = NormalizedText.normalize(value)
            }
        case "type":
            guard kind == .disbursements else { throw issue(number, "type words only in a disbursements profile", value: key) }
            guard let v = EntryType(rawValue: value) else {
                throw issue(number, "an entry type: " + EntryType.allCases.map(\.rawValue).joined(separator: ", "), value: value)
            }
            try word(key, number)
            profile.entryTypes[HeaderKey.of(key)] = v
        case "class":
            guard kind == .plan else { throw issue(number, "class words only in a plan profile", value: key) }
            guard let v = ProjectClass(rawValue: value) else {
                throw issue(number, "a project class: transitional or new_start", value: value)
            }
            try word(key, number)
            profile.classes[HeaderKey.of(key)] = v
        default:
            guard kind != .projects else { throw issue(number, "tranche words only in a plan or disbursements profile", value: key) }
            guard let v = Tranche(rawValue: value) else {
                throw issue(number, "a tranche: current or carried_over", value: value)
            }
            try word(key, number)
            profile.tranches[HeaderKey.of(key)] = v
        }
    }

    private mutating func word(_ word: String, _ number: Int) throws(ImportIssue) {
        let key = HeaderKey.of(word)
        if let first = seen["word " + key] {
            throw issue(number, "each word mapped once; \"\(word)\" is already mapped on line \(first)", value: word)
        }
        seen["word " + key] = number
    }

    /// Decodes each default as a cell would be, so that a bad default fails here, once, rather than on every row.
    private func checkDefaults(kind: FileKind) throws(ImportIssue) {
        let decoder = FieldDecoder(profile: profile, unit: profile.unit ?? .vnd)
        for spec in kind.columns {
            guard let value = profile.defaults[spec.name] else { continue }
            if let problem = decoder.check(spec.field, text: value, kind: kind) {
                throw issue(seen["default \(spec.name)"] ?? 0, "a default that \(spec.name) accepts: " + problem.expectation, value: value)
            }
        }
    }
}
