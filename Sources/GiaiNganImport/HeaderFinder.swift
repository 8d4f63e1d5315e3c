import GiaiNganCore

/// Finds the header row of a file: the first row that names every required column, below any
/// title and metadata rows that real exports put above the table ("Mã chương:", "Đơn vị:", a
/// report title), and over two rows when the header's cells are merged vertically or grouped
/// under a merged title. A row of column numbers (`1 2 3 …`, `(1) (2) …`) right under the header,
/// as Vietnamese report forms have, is skipped too.
enum HeaderFinder {
    /// How many non-blank rows are searched for the header.
    static let searchedRows = 50

    /// The header row (its names and first line), and notes on the rows passed over.
    ///
    /// When no row names every required column, the first row that names any column (or else the
    /// first row) is returned, so that ``HeaderMap`` refuses it with the message it has always given.
    static func find<S: RowSource>(in source: S, kind: FileKind, profile: MappingProfile?,
                                   path: String) throws(ImportIssue) -> (row: HeaderRow, notes: [String]) {
        let keys = HeaderMap.fieldsByKey(kind: kind, profile: profile)
        let required = kind.columns.filter { $0.isRequired && profile?.defaults[$0.name] == nil }.map(\.field)
        func fit(_ names: [String]) -> (known: Int, complete: Bool) {
            var fields = Set<Field>()
            for name in names { if let field = HeaderMap.field(HeaderKey.of(name), in: keys) { fields.insert(field) } }
            return (fields.count, required.allSatisfy(fields.contains))
        }
        var first: HeaderRow?
        var firstKnown: HeaderRow?
        var previous: HeaderRow?
        var searched = 0
        // Rows after the first are looked at without throwing: a problem in one is the data's, reported when it is read.
        while let row = first == nil ? try read(source) : peek(source) {
            if first == nil { first = row }
            let rowFit = fit(row.names)
            if let above = previous, above.line == row.line - 1, !row.names.contains(where: HeaderMap.looksLikeData) {
                let combined = combine(above, row, keys: keys)
                let combinedFit = fit(combined.names)
                if combinedFit.complete && combinedFit.known > rowFit.known && combinedFit.known > fit(above.names).known {
                    return (combined, notes(path, combined, first: first, twoRows: true) + (try skipNumbering(source, path)))
                }
            }
            if rowFit.complete {
                // A second header row under this one (sub-headers of a merged group)?
                if let below = peek(source) {
                    let combined = combine(row, below, keys: keys)
                    if below.line == row.line + 1, !below.names.contains(where: HeaderMap.looksLikeData),
                       fit(combined.names).known > rowFit.known {
                        return (combined, notes(path, combined, first: first, twoRows: true) + (try skipNumbering(source, path)))
                    }
                    source.unreadRecord()
                }
                return (row, notes(path, row, first: first, twoRows: false) + (try skipNumbering(source, path)))
            }
            if rowFit.known > 0 && firstKnown == nil { firstKnown = row }
            previous = row
            searched += 1
            if searched >= searchedRows { break }
        }
        guard let fallback = firstKnown ?? first else {
            throw ImportIssue(file: path, expected: "a header row naming the columns of \(kind.noun); the file is empty"
                + ((profile?.skipLines ?? 0) > 0 ? " after the \(profile?.skipLines ?? 0) lines the profile skips" : ""))
        }
        return (fallback, [])
    }

    /// The next non-blank record as names.
    private static func read<S: RowSource>(_ source: S) throws(ImportIssue) -> HeaderRow? {
        while try source.nextRecord() {
            if source.isBlankRecord { continue }
            var names: [String] = []
            names.reserveCapacity(source.fieldCount)
            for index in 0..<source.fieldCount { names.append(try source.string(at: index)) }
            return HeaderRow(line: source.line, names: names)
        }
        return nil
    }

    /// Two header rows as one: under a merged group title the lower row names the columns; a
    /// cell merged over both rows has its name in the upper one.
    private static func combine(_ upper: HeaderRow, _ lower: HeaderRow, keys: [String: Field]) -> HeaderRow {
        let width = max(upper.names.count, lower.names.count)
        var names: [String] = []
        for index in 0..<width {
            let top = index < upper.names.count ? NormalizedText.normalize(upper.names[index]) : ""
            let sub = index < lower.names.count ? NormalizedText.normalize(lower.names[index]) : ""
            if sub.isEmpty { names.append(top) }
            else if top.isEmpty || HeaderMap.field(HeaderKey.of(sub), in: keys) != nil || HeaderMap.field(HeaderKey.of(top), in: keys) == nil { names.append(sub) }
            else { names.append(top) }
        }
        return HeaderRow(line: upper.line, names: names, lastLine: lower.line)
    }

    private static func notes(_ path: String, _ header: HeaderRow, first: HeaderRow?, twoRows: Bool) -> [String] {
        var notes: [String] = []
        if let first, first.line < header.line {
            let title = first.names.first { !NormalizedText.normalize($0).isEmpty }.map { NormalizedText.normalize($0) } ?? ""
            notes.append("\(path):\(header.line): note: the header is on line \(header.line)\(twoRows ? "–\(header.lastLine)" : ""); "
                + "the lines above it (a title or metadata, such as \"\(ImportIssue.escaped(ImportIssue.shortened(title)))\") "
                + "were not read")
        } else if twoRows {
            notes.append("\(path):\(header.line): note: the header takes two lines, \(header.line)–\(header.lastLine) "
                + "(merged cells)")
        }
        return notes
    }

    /// The next non-blank record as names, or `nil` at the end or when it cannot be read: then it
    /// is left for the data rows, whose reading reports the problem where it belongs.
    private static func peek<S: RowSource>(_ source: S) -> HeaderRow? {
        do {
            while try source.nextRecord() {
                if source.isBlankRecord { continue }
                var names: [String] = []
                for index in 0..<source.fieldCount {
                    guard let name = try? source.string(at: index) else {
                        source.unreadRecord()
                        return nil
                    }
                    names.append(name)
                }
                return HeaderRow(line: source.line, names: names)
            }
        } catch {
            // A record that does not parse stays where it is: the next read meets it again.
        }
        return nil
    }

    /// Skips a row of column numbers right under the header.
    private static func skipNumbering<S: RowSource>(_ source: S, _ path: String) throws(ImportIssue) -> [String] {
        guard let row = peek(source) else { return [] }
        let cells = row.names.map { NormalizedText.normalize($0) }.filter { !$0.isEmpty }
        var numbers: [Int] = []
        for cell in cells {
            var text = Substring(cell)
            if text.hasPrefix("(") && text.hasSuffix(")") { text = text.dropFirst().dropLast() }
            if let n = Int(text) { numbers.append(n) } else if text.count == 1, text.first?.isLetter == true { continue } else {
                source.unreadRecord()
                return []
            }
        }
        let consecutive = numbers.count >= 3 && zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }
        guard consecutive else {
            source.unreadRecord()
            return []
        }
        return ["\(path):\(row.line): note: skipped line \(row.line), which numbers the columns (\(numbers.first ?? 0) … \(numbers.last ?? 0))"]
    }
}

/// The label of a total row: "Tổng cộng", "Cộng", "Tổng số", "Total".
enum TotalRow {
    static let labels = ["tổng cộng", "cộng", "tổng", "tổng số", "total", "grand total", "sum", "subtotal", "cộng phát sinh"]

    /// The text of the first cell (other than `skipping`) that is a total label, or `nil`.
    static func label<S: RowSource>(in source: S, skipping column: Int) -> String? {
        for index in 0..<source.fieldCount where index != column && !source.isNumeric(index) {
            guard source.fieldByteCount(index) > 0 && source.fieldByteCount(index) < 64,
                  let text = try? source.string(at: index) else { continue }
            var key = HeaderKey.of(text)
            while key.hasSuffix(":") || key.hasSuffix(".") { key.removeLast() }
            key = key.trimmingCharacters(in: .whitespaces)
            if labels.contains(key) || key.hasPrefix("tổng cộng") || key.hasPrefix("cộng ") { return NormalizedText.normalize(text) }
        }
        return nil
    }
}

/// Finds a CSV file's separator from its header line, whose column names are known, and tells a
/// row that uses another one.
enum DelimiterSniffer {
    static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]

    /// The separator that splits a line of `sample` into the most known column names (at least
    /// two), with that line; `nil` when no line has two.
    static func find(in sample: [UInt8], kind: FileKind, profile: MappingProfile?) -> (delimiter: UInt8, line: Int)? {
        let keys = HeaderMap.fieldsByKey(kind: kind, profile: profile)
        var bytes = sample[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var best: (count: Int, delimiter: UInt8, line: Int)?
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).prefix(60) {
            lineNumber += 1
            var line = Array(rawLine)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard let text = String(validating: line, as: UTF8.self) else { continue }
            for delimiter in candidates {
                let names = split(Array(text.utf8), by: delimiter).map { String(decoding: $0, as: UTF8.self) }
                let known = Set(names.compactMap { HeaderMap.field(HeaderKey.of(unquoted($0)), in: keys) }).count
                if known >= 2 && known > (best?.count ?? 0) { best = (known, delimiter, lineNumber) }
            }
            if best != nil && lineNumber > 1 && (best?.line ?? 0) < lineNumber { break }
        }
        return best.map { ($0.delimiter, $0.line) }
    }

    /// A separator other than the reader's that splits the current record into `fields` fields.
    static func otherSeparator(of csv: CSVReader, fields: Int) -> UInt8? {
        csv.withRecordBytes { bytes in
            let record = Array(bytes)
            return candidates.first { $0 != csv.delimiter && split(record, by: $0).count == fields }
        }
    }

    /// Fields of a line split at `delimiter` outside quotes.
    private static func split(_ line: [UInt8], by delimiter: UInt8) -> [[UInt8]] {
        var fields: [[UInt8]] = [[]]
        var quoted = false
        for b in line {
            if b == UInt8(ascii: "\"") { quoted.toggle(); fields[fields.count - 1].append(b) }
            else if b == delimiter && !quoted { fields.append([]) }
            else { fields[fields.count - 1].append(b) }
        }
        return fields
    }

    private static func unquoted(_ text: String) -> String {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.count >= 2 && t.hasPrefix("\"") && t.hasSuffix("\"") { t = String(t.dropFirst().dropLast()) }
        return t.replacingOccurrences(of: "\"\"", with: "\"")
    }
}
