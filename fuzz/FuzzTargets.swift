// libFuzzer targets over the import layer, built by scripts/fuzz into one binary with the sources
// of GiaiNganImport (so that internal parts such as CellText can be reached) on top of a
// GiaiNganCore module. FUZZ_TARGET picks the target: csv, table, amount, date or text.
//
// Every target asserts properties, not just "no crash":
//   csv     CSVReader against an independent reference parser (records, lines, fields, the kind and
//           place of the first error), and the same reader with a tiny chunk size (buffer refills
//           at every byte boundary) against the default one.
//   table   TableReader over a ledger, plan or projects header and any body: every row has a value
//           or issues, messages stay short and name a line after the header.
//   amount  AmountParser: what it accepts equals the digits it was given; plain digits are
//           always accepted; a value written back with dot groups reads back the same.
//   date    DateParser: what it accepts has the day, month and year written; every existing date
//           written in the three forms is accepted.
//   text    CellText's fast path, when it answers, equals NormalizedText.normalize.

import Foundation
import GiaiNganCore

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Entry point

private enum Target: String { case csv, table, amount, date, text }

nonisolated(unsafe) private let target: Target = {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "csv"
    guard let t = Target(rawValue: name) else { fatalError("FUZZ_TARGET=\(name): use csv, table, amount, date or text") }
    return t
}()

nonisolated(unsafe) private let scratchPath: String = {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return folder + "/giaingan-fuzz-\(getpid()).csv"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case .csv: fuzzCSV(bytes)
    case .table: fuzzTable(bytes)
    case .amount: fuzzAmount(bytes)
    case .date: fuzzDate(bytes)
    case .text: fuzzText(bytes)
    }
    return 0
}

private func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        FileHandle.standardError.write(Data(("property failed: " + message() + "\n").utf8))
        abort()
    }
}

private func writeScratch(_ bytes: [UInt8]) {
    FileManager.default.createFile(atPath: scratchPath, contents: Data(bytes))
}

// MARK: - csv

private struct Parsed: Equatable {
    var records: [(line: Int, fields: [[UInt8]])] = []
    /// The first error: its kind (a fragment of the message), line and character.
    var error: (kind: String, line: Int, character: Int)?

    static func == (a: Parsed, b: Parsed) -> Bool {
        a.records.count == b.records.count
            && zip(a.records, b.records).allSatisfy { $0.line == $1.line && $0.fields == $1.fields }
            && a.error?.kind == b.error?.kind && a.error?.line == b.error?.line && a.error?.character == b.error?.character
    }
}

private let errorKinds = ["a closing quote for the field", "no quote inside an unquoted field", "after the closing quote",
                          "found a NUL byte", "fields in a record", "a field of at most"]

private func kind(of issue: ImportIssue) -> String {
    errorKinds.first { issue.expected.contains($0) } ?? "other: " + issue.expected
}

/// Everything `reader` reads, and its first error.
private func readAll(_ reader: CSVReader) -> Parsed {
    var out = Parsed()
    do {
        while try reader.nextRecord() {
            var fields: [[UInt8]] = []
            for i in 0..<reader.fieldCount { fields.append(reader.withFieldBytes(i) { Array($0) }) }
            out.records.append((reader.line, fields))
            // Strings and the UTF-8 check agree with Swift's own validation.
            for i in 0..<reader.fieldCount {
                let valid = String(validating: fields[i], as: UTF8.self) != nil
                let text = try? reader.string(at: i)
                require((text != nil) == valid, "string(at:) and UTF-8 validity disagree on \(fields[i])")
                if let text { require(Array(text.utf8) == fields[i], "string(at:) changed the bytes") }
                require(((try? reader.checkUTF8(at: i)) != nil) == valid, "checkUTF8 disagrees")
            }
            _ = reader.isBlankRecord
        }
    } catch {
        out.error = (kind(of: error), error.line ?? 0, error.character ?? 0)
    }
    return out
}

/// An RFC 4180 reader written for clarity, with CSVReader's rules: CRLF, LF or a lone CR end a
/// record and count a line (inside quotes too); a quoted field ends at a quote not doubled; a
/// quote in an unquoted field, text after a closing quote and a NUL byte are errors; limits on
/// field size and count. Positions count characters as UTF-8 lead bytes.
private func referenceParse(_ input: ArraySlice<UInt8>, delimiter: UInt8, maxField: Int, maxFields: Int) -> Parsed {
    let b = Array(input)
    var out = Parsed()
    var i = 0, line = 1
    let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    func place(_ recordStart: Int, _ recordLine: Int, _ target: Int) -> (Int, Int) {
        var l = recordLine, c = 1, k = recordStart
        while k < target {
            if b[k] == lf { l += 1; c = 1; k += 1 }
            else if b[k] == cr { l += 1; c = 1; k += (k + 1 < target && b[k + 1] == lf) ? 2 : 1 }
            else { if b[k] & 0xC0 != 0x80 { c += 1 }; k += 1 }
        }
        return (l, c)
    }
    while i < b.count {
        let recordStart = i, recordLine = line
        var fields: [[UInt8]] = []
        func fail(_ kind: String, _ at: Int) -> Parsed {
            let (l, c) = place(recordStart, recordLine, at)
            out.error = (kind, l, c)
            return out
        }
        record: while true {
            if fields.count == maxFields { return fail("fields in a record", i) }
            let fieldStart = i
            if i < b.count && b[i] == quote {
                i += 1
                var content: [UInt8] = []
                var raw = 0
                while true {
                    guard i < b.count else {
                        if raw > maxField { return fail("a field of at most", fieldStart) }
                        return fail("a closing quote for the field", fieldStart)
                    }
                    let c = b[i]
                    if c == quote || c == lf || c == cr || c == 0 {
                        if raw > maxField { return fail("a field of at most", fieldStart) }
                    }
                    if c == quote {
                        if i + 1 < b.count && b[i + 1] == quote { content.append(quote); i += 2; raw += 2; continue }
                        i += 1
                        break
                    } else if c == 0 {
                        return fail("found a NUL byte", i)
                    } else if c == lf {
                        line += 1; content.append(c); i += 1; raw += 1
                    } else if c == cr {
                        line += 1
                        if i + 1 < b.count && b[i + 1] == lf { content += [cr, lf]; i += 2; raw += 2 } else { content.append(cr); i += 1; raw += 1 }
                    } else {
                        content.append(c); i += 1; raw += 1
                    }
                }
                fields.append(content)
                if i == b.count { break record }
                if b[i] == delimiter { i += 1; continue record }
                if b[i] == lf { i += 1; line += 1; break record }
                if b[i] == cr { i += (i + 1 < b.count && b[i + 1] == lf) ? 2 : 1; line += 1; break record }
                return fail("after the closing quote", i)
            } else {
                while i < b.count && b[i] != delimiter && b[i] != quote && b[i] != lf && b[i] != cr && b[i] != 0 { i += 1 }
                if i - fieldStart > maxField { return fail("a field of at most", fieldStart) }
                fields.append(Array(b[fieldStart..<i]))
                if i == b.count { break record }
                if b[i] == delimiter { i += 1; continue record }
                if b[i] == lf { i += 1; line += 1; break record }
                if b[i] == cr { i += (i + 1 < b.count && b[i + 1] == lf) ? 2 : 1; line += 1; break record }
                if b[i] == quote { return fail("no quote inside an unquoted field", i) }
                return fail("found a NUL byte", i)
            }
        }
        out.records.append((recordLine, fields))
    }
    return out
}

private func fuzzCSV(_ bytes: [UInt8]) {
    guard bytes.count >= 4 else { return }
    let chunk = 1 + Int(bytes[0] % 64)
    let maxField = 4 + Int(bytes[1])
    let maxFields = 1 + Int(bytes[2] % 32)
    let delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")][Int(bytes[3] % 4)]
    let body = bytes[4...]
    writeScratch(Array(body))
    let big: CSVReader
    do {
        big = try CSVReader(path: scratchPath, delimiter: delimiter, maxFieldBytes: maxField, maxFieldsPerRecord: maxFields)
    } catch {
        require(error.expected.hasPrefix("UTF-8 text"), "opening failed for another reason than the encoding: \(error)")
        return
    }
    let a = readAll(big)
    // A tiny first chunk shows the encoding check less of the file (its UTF-16 guess counts NUL
    // bytes in it), so only a reader that opens is compared.
    guard let small = try? CSVReader(path: scratchPath, delimiter: delimiter, maxFieldBytes: maxField,
                                     maxFieldsPerRecord: maxFields, chunkSize: chunk) else { return }
    let b = readAll(small)
    require(a == b, "chunk size \(chunk) changes what is read: \(a.records.count) vs \(b.records.count) records, \(String(describing: a.error)) vs \(String(describing: b.error))")
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let content = body.starts(with: bom) ? body.dropFirst(3) : body
    let reference = referenceParse(content, delimiter: delimiter, maxField: maxField, maxFields: maxFields)
    require(a == reference, "CSVReader and the reference parser disagree: \(a.records.count) vs \(reference.records.count) records, \(String(describing: a.error)) vs \(String(describing: reference.error))")
}

// MARK: - table

private let headers: [(FileKind, String)] = [
    (.disbursements, "txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\n"),
    (.plan, "project_code,plan_year,class,tranche,fund_source,amount_vnd,effective_on,decision_ref\n"),
    (.projects, "project_code,project_name,investor,district,procedures_completed_on,construction_started_on\n"),
    (.envelope, "plan_year,level,tranche,fund_source,amount_vnd,effective_on,decision_ref\n"),
]

private func fuzzTable(_ bytes: [UInt8]) {
    guard bytes.count >= 2 else { return }
    let (kind, header) = headers[Int(bytes[0]) % headers.count]
    let unit: AmountUnit = bytes[1] % 2 == 0 ? .vnd : .million
    writeScratch(Array(header.utf8) + bytes[2...])
    func check(_ line: Int, _ hasValue: Bool, _ issues: [ImportIssue]) {
        require(hasValue == issues.isEmpty, "a row has a value and issues, or neither")
        require(line >= 2, "a data row on line \(line)")
        for issue in issues {
            require(issue.line == line, "an issue of row \(line) names line \(String(describing: issue.line))")
            require(issue.description.utf8.count < 2_000, "a message of \(issue.description.utf8.count) bytes")
        }
    }
    do {
        let reader = try TableReader(path: scratchPath, kind: kind, options: ReadOptions(unit: unit, maxFieldBytes: 4096))
        var rows = 0
        switch kind {
        case .disbursements:
            while let row = try reader.nextLedgerEntry() {
                check(row.line, row.value != nil, row.issues)
                if let e = row.value { require(e.amountVND > 0, "a ledger amount of \(e.amountVND)") }
                rows += 1
            }
        case .plan:
            while let row = try reader.nextPlanLine() { check(row.line, row.value != nil, row.issues); rows += 1 }
        case .projects:
            while let row = try reader.nextProject() {
                check(row.line, row.value != nil, row.issues)
                if let p = row.value {
                    for text in [p.code, p.name, p.investor.name] {
                        require(text == NormalizedText.normalize(text) && !text.isEmpty, "a stored text that is not normalised: \(text)")
                    }
                }
                rows += 1
            }
        case .envelope:
            while let row = try reader.nextEnvelopeLine() { check(row.line, row.value != nil, row.issues); rows += 1 }
        case .schedules:
            while let row = try reader.nextScheduleLine() { check(row.line, row.value != nil, row.issues); rows += 1 }
        case .successions:
            while let row = try reader.nextSuccession() { check(row.line, row.value != nil, row.issues); rows += 1 }
        case .districts:
            while let row = try reader.nextDistrictChange() { check(row.line, row.value != nil, row.issues); rows += 1 }
        }
        _ = rows
    } catch {
        require(error.description.utf8.count < 2_000, "a message of \(error.description.utf8.count) bytes")
    }
}

// MARK: - amount

private func trimmed(_ text: String) -> String {
    var scalars = Substring(text).unicodeScalars[...]
    func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || (s.value >= 0x09 && s.value <= 0x0D) || s.value == 0xA0 || s.value == 0x202F }
    while let f = scalars.first, isSpace(f) { scalars = scalars.dropFirst() }
    while let l = scalars.last, isSpace(l) { scalars = scalars.dropLast() }
    return String(scalars)
}

private func dotGrouped(_ value: Int64) -> String {
    let digits = String(value.magnitude)
    var groups: [String] = []
    var rest = Substring(digits)
    while rest.count > 3 { groups.insert(String(rest.suffix(3)), at: 0); rest = rest.dropLast(3) }
    groups.insert(String(rest), at: 0)
    return (value < 0 ? "-" : "") + groups.joined(separator: ".")
}

/// `t` without the decorations the parser documents (a currency word before or after, accounting
/// parentheses): the number inside, whether it is negative, whether it named a currency.
private func undecorated(_ text: String) -> (number: String, negative: Bool, currency: Bool) {
    var t = text, negative = false, currency = false
    func drop() {
        for word in ["đồng", "vnđ", "vnd", "đ", "₫"] {
            if t.lowercased().hasSuffix(word), t.count > word.count { t = trimmed(String(t.dropLast(word.count))); currency = true; return }
            if t.lowercased().hasPrefix(word), t.count > word.count { t = trimmed(String(t.dropFirst(word.count))); currency = true; return }
        }
    }
    drop()
    if t.count > 2, t.hasPrefix("("), t.hasSuffix(")") {
        t = trimmed(String(t.dropFirst().dropLast()))
        negative = true
        if !currency { drop() }
    }
    return (t, negative, currency)
}

private func fuzzAmount(_ bytes: [UInt8]) {
    guard let text = String(validating: bytes, as: UTF8.self) else { return }
    let decorated = trimmed(text)
    let inner = undecorated(decorated)
    let written = inner.negative || inner.currency ? inner.number : decorated
    var t = written
    // A zero fraction of one or two digits after a last separator that occurs only there
    // (`14,567.00`, `1.000,0`) is the whole amount in the VND unit (README "Importing files").
    if let last = t.lastIndex(where: { $0 == "." || $0 == "," }) {
        let fraction = t[t.index(after: last)...], head = t[..<last]
        if (1...2).contains(fraction.count), fraction.allSatisfy({ $0 == "0" }), !head.contains(t[last]),
           let lastHead = head.last, lastHead.isASCII, lastHead.isNumber {
            t = String(head)
        }
    }
    // A minus inside accounting parentheses is refused (two signs), so such digits are not plain.
    let isPlain = !(inner.negative && t.hasPrefix("-")) && !t.isEmpty && t.allSatisfy { $0.isASCII && $0.isNumber || $0 == "-" } && !t.dropFirst().contains("-") && t != "-"
    do {
        let value = try AmountParser(unit: .vnd).parse(text)
        let digits = t.filter { $0 != "." && $0 != "," }
        require(Int64(digits).map { inner.negative ? -$0 : $0 } == value, "\(text) read as \(value)")
        require((try? AmountParser(unit: .vnd).parse(dotGrouped(value))) == value, "\(value) written back does not read back")
    } catch {
        require(!(isPlain && Int64(t) != nil), "plain digits \(t) refused: \(error)")
    }
    if let value = try? AmountParser(unit: .million).parse(text) {
        let parts = written.split(separator: ",", omittingEmptySubsequences: false)
        let whole = parts[0].filter { $0 != "." }
        let negative = whole.hasPrefix("-") || inner.negative
        // Only a minus sign is dropped: a negative in accounting parentheses has none.
        let wholeDigits = whole.hasPrefix("-") ? String(whole.dropFirst()) : String(whole)
        let decimals = parts.count > 1 ? String(parts[1]) : ""
        guard let w = Int128(wholeDigits), let f = Int128(decimals.isEmpty ? "0" : decimals) else {
            require(false, "\(text) read as \(value) in millions but is not a number")
            return
        }
        var scale: Int128 = 1
        for _ in decimals.count..<6 { scale *= 10 }
        let magnitude = w * 1_000_000 + f * scale
        require(Int128(value) == (negative ? -magnitude : magnitude), "\(text) read as \(value) VND in millions")
    }
}

// MARK: - date

private func fuzzDate(_ bytes: [UInt8]) {
    guard let text = String(validating: bytes, as: UTF8.self) else { return }
    let t = trimmed(text)
    let separator: Character? = t.contains("-") ? "-" : t.contains("/") ? "/" : nil
    let parts = separator.map { s in t.split(separator: s, omittingEmptySubsequences: false).map(String.init) } ?? []
    let numeric = parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    let widths = parts.map(\.count)
    let yearFirst = numeric && separator == "/" && widths[0] == 4 && (1...2).contains(widths[1]) && (1...2).contains(widths[2])
    let wellFormed = numeric && (separator == "-" ? widths == [4, 2, 2]
        : yearFirst || ((1...2).contains(widths[0]) && (1...2).contains(widths[1]) && widths[2] == 4))
    // Only well-formed parts are numbers small enough to read (a fuzzed run of digits overflows Int).
    let (y, m, d): (Int, Int, Int) = !wellFormed ? (0, 0, 0)
        : separator == "-" || yearFirst ? (Int(parts[0])!, Int(parts[1])!, Int(parts[2])!) : (Int(parts[2])!, Int(parts[1])!, Int(parts[0])!)
    do {
        let date = try DateParser().parse(text)
        require(wellFormed, "\(text) accepted but not in one of the three forms")
        require(date.year == y && date.month == m && date.day == d, "\(text) read as \(date)")
    } catch {
        let exists = wellFormed && (1900...9999).contains(y) && (1...12).contains(m) && d >= 1
            && d <= [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        require(!exists, "\(text) is a date that exists and was refused: \(error)")
    }
}

// MARK: - text

private func fuzzText(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
        if let fast = CellText.alreadyNormal(buffer) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                require(false, "the fast path accepted bytes that are not UTF-8: \(bytes)")
                return
            }
            require(fast == text, "the fast path changed the text")
            require(NormalizedText.normalize(text) == fast, "the fast path kept \(bytes) but normalising changes it")
        }
    }
}
