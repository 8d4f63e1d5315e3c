import GiaiNganCore

/// The header row of a file: its line and its names as written.
struct HeaderRow {
    /// The 1-based line of the header (its first line when it takes two).
    let line: Int
    /// The names as the file writes them.
    let names: [String]
    /// The last line of the header: the line after it is the first that may hold data.
    var lastLine: Int

    init(line: Int, names: [String], lastLine: Int? = nil) {
        self.line = line
        self.names = names
        self.lastLine = lastLine ?? line
    }
}

/// Which column of a file holds which field, decided from its header, the kind's canonical names
/// and aliases, and an optional mapping profile.
struct HeaderMap {
    /// `Field.rawValue` → 0-based column, or -1 when the file does not have the field.
    let columnOf: [Int]
    /// Each column's header, normalised, for messages.
    let headers: [String]
    /// The line of the header row.
    let line: Int
    /// Remarks for the user, such as ignored columns (each reported once).
    let notes: [String]
    /// The unit the amount column's header names ("Số tiền (triệu đồng)"), with that header.
    let declaredUnit: (unit: AmountUnit, header: String, column: Int)?

    /// Units a header may name after the column's name, in parentheses, as Vietnamese reports
    /// head their money columns. Thousands and billions of đồng are units GiaiNgan does not read.
    static let headerUnits: [(words: [String], unit: AmountUnit?)] = [
        (["triệu đồng", "triệu", "tr.đ", "trđ", "tr đồng", "tr. đồng", "million vnd", "vnd million", "million"], .million),
        (["đồng", "vnđ", "vnd", "đ"], .vnd),
        (["nghìn đồng", "ngàn đồng", "tỷ đồng", "tỉ đồng", "thousand vnd", "billion vnd"], nil),
    ]

    /// The field a header key names: by its name or alias, or an amount column's name followed by
    /// the unit in parentheses ("số tiền (triệu đồng)").
    static func field(_ key: String, in keys: [String: Field]) -> Field? {
        if let field = keys[key] { return field }
        guard let split = splitUnit(key), keys[split.name] == .amountVND,
              headerUnits.contains(where: { $0.words.contains(split.unit) }) else { return nil }
        return .amountVND
    }

    /// `key` without a trailing unit in parentheses, and the unit's words: `số tiền (triệu đồng)`
    /// → (`số tiền`, `triệu đồng`).
    static func splitUnit(_ key: String) -> (name: String, unit: String)? {
        guard key.hasSuffix(")"), let open = key.lastIndex(of: "(") else { return nil }
        let name = key[..<open].trimmingCharacters(in: .whitespaces)
        let unit = key[key.index(after: open)..<key.index(before: key.endIndex)].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !unit.isEmpty else { return nil }
        return (name, unit)
    }

    /// The number of columns every data row must have.
    var width: Int { headers.count }

    /// Maps `header` for a file of `kind`.
    ///
    /// - throws: ``ImportIssue`` when the header is missing, is really data, names a column twice,
    ///   or lacks a required column (and the profile gives it no default).
    /// Header keys (NFC, lower case) → the field they name, for `kind` as `profile` maps it.
    static func fieldsByKey(kind: FileKind, profile: MappingProfile?) -> [String: Field] {
        var fieldOfKey: [String: Field] = [:]
        for spec in kind.columns where profile?.columns[spec.name] == nil {
            fieldOfKey[spec.name] = spec.field
            fieldOfKey[spec.aliasKey] = spec.field
        }
        for spec in kind.columns {
            if let mapped = profile?.columns[spec.name] { fieldOfKey[HeaderKey.of(mapped)] = spec.field }
        }
        return fieldOfKey
    }

    init(header: HeaderRow, kind: FileKind, profile: MappingProfile?, file: String) throws(ImportIssue) {
        let specs = kind.columns
        let fieldOfKey = HeaderMap.fieldsByKey(kind: kind, profile: profile)

        var columnOf = [Int](repeating: -1, count: Field.allCases.count)
        let headers = header.names.map(NormalizedText.normalize)
        var unknown: [String] = [], unnamed: [Int] = []
        var declaredUnit: (unit: AmountUnit, header: String, column: Int)? = nil
        for (index, name) in headers.enumerated() {
            var key = name.lowercased()
            guard !key.isEmpty else { unnamed.append(index + 1); continue }
            if fieldOfKey[key] == nil, let split = HeaderMap.splitUnit(key), fieldOfKey[split.name] == .amountVND,
               let known = HeaderMap.headerUnits.first(where: { $0.words.contains(split.unit) }) {
                guard let unit = known.unit else {
                    throw ImportIssue(file: file, line: header.line, column: name, columnNumber: index + 1,
                                      expected: "amounts in đồng or in triệu đồng (million VND); this column is headed in "
                                        + "\(split.unit), which GiaiNgan does not read: convert the column to đồng or triệu "
                                        + "đồng and name the unit in its header")
                }
                declaredUnit = (unit, name, index + 1)
                key = split.name
            }
            guard let field = fieldOfKey[key] else {
                unknown.append("\"\(ImportIssue.escaped(ImportIssue.shortened(name)))\" (\(index + 1))")
                continue
            }
            let earlier = columnOf[field.rawValue]
            if earlier >= 0 {
                throw ImportIssue(file: file, line: header.line, column: name, columnNumber: index + 1,
                                  expected: "each column once; \"\(headers[earlier])\" (\(earlier + 1)) and \"\(name)\" "
                                    + "(\(index + 1)) both name \(field.name)")
            }
            columnOf[field.rawValue] = index
        }

        if !specs.contains(where: { columnOf[$0.field.rawValue] >= 0 }) {
            try HeaderMap.refuseUnknownHeader(header, kind: kind, file: file)
        }
        let missing = specs.filter { $0.isRequired && columnOf[$0.field.rawValue] < 0 && profile?.defaults[$0.name] == nil }
        if !missing.isEmpty {
            let names = missing.map { spec in
                profile?.columns[spec.name].map { "\"\(spec.name)\" (mapped by the profile to \"\($0)\")" } ?? spec.quoted
            }
            var expected = "the required column\(missing.count == 1 ? "" : "s") " + names.joined(separator: ", ")
                + " in the header of \(kind.noun); \(missing.count == 1 ? "it is" : "they are") missing"
            if let other = HeaderMap.otherKindThatFits(header, than: kind) { expected += " (the header looks like \(other.noun))" }
            throw ImportIssue(file: file, line: header.line, expected: expected)
        }

        var notes: [String] = []
        if !unknown.isEmpty {
            notes.append("\(file):\(header.line): note: ignored \(unknown.count) column\(unknown.count == 1 ? "" : "s") that "
                + "\(kind.noun) does not use: " + unknown.joined(separator: ", "))
        }
        if !unnamed.isEmpty {
            notes.append("\(file):\(header.line): note: ignored column\(unnamed.count == 1 ? "" : "s") "
                + unnamed.map(String.init).joined(separator: ", ") + ", which \(unnamed.count == 1 ? "has" : "have") no name")
        }
        self.columnOf = columnOf
        self.headers = headers
        self.line = header.line
        self.notes = notes
        self.declaredUnit = declaredUnit
    }

    // MARK: - Headers that are not headers

    /// Refuses a header in which no column is known: either it is data, or it belongs to another layout.
    private static func refuseUnknownHeader(_ header: HeaderRow, kind: FileKind, file: String) throws(ImportIssue) {
        let example = kind.columns.map(\.name).joined(separator: ",")
        let dataLike = header.names.filter(looksLikeData)
        if !dataLike.isEmpty {
            let shown = dataLike.prefix(3).map { "\"\(ImportIssue.escaped(ImportIssue.shortened($0)))\"" }.joined(separator: ", ")
            throw ImportIssue(file: file, line: header.line, expected: "a header row naming the columns, such as \(example); "
                + "line \(header.line) looks like data (\(shown)): add the header row, or a mapping profile with skip-lines")
        }
        var expected = "the header of \(kind.noun), such as \(example); none of its \(header.names.count) columns is known"
        if let other = otherKindThatFits(header, than: kind) {
            expected += " (it looks like \(other.noun))"
        } else {
            expected += ": for an export with its own headers, use a mapping profile"
        }
        throw ImportIssue(file: file, line: header.line, expected: expected)
    }

    /// A value made of digits and number or date punctuation: a header name is never like that.
    static func looksLikeData(_ name: String) -> Bool {
        let trimmed = NormalizedText.normalize(name)
        return trimmed.contains(where: \.isNumber)
            && trimmed.unicodeScalars.allSatisfy { "0123456789.,/-+ ".unicodeScalars.contains($0) }
    }

    /// Another kind whose required columns the header has.
    static func otherKindThatFits(_ header: HeaderRow, than kind: FileKind) -> FileKind? {
        let keys = Set(header.names.map(HeaderKey.of))
        return FileKind.allCases.first { other in
            other != kind && other.columns.filter(\.isRequired).allSatisfy { keys.contains($0.name) || keys.contains($0.aliasKey) }
        }
    }
}
