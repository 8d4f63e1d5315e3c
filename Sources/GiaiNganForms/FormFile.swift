import Foundation
import GiaiNganCore
import TOMLKit

/// Reads report forms from TOML, the file a DPI edits to match the printed form.
///
/// ```toml
/// id = "01a"
/// form_code = "Biểu mẫu số 01a/TTKHN"
/// title = ["TÌNH HÌNH THỰC HIỆN VÀ GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM {plan_year}"]
/// unit = "million"          # dong | million | billion
/// amount_decimals = 0       # decimals shown (the cell holds the exact amount)
/// rate_decimals = 1         # rates are rounded down to them
///
/// [[columns]]
/// measure = "label"
/// header = ["Nội dung"]
///
/// [[columns]]
/// measure = "plan_prime_minister"
/// header = ["Kế hoạch vốn năm {plan_year}", "Thủ tướng Chính phủ giao"]
///
/// [[rows]]
/// kind = "total"
/// label = "TỔNG SỐ"
/// fund_sources = true
/// ```
///
/// Keys: `id` (letters, digits, `-`, `_`), `form_code`, `title` (lines), `subtitle`, `notes`, `unit`,
/// `amount_decimals` (0–3), `rate_decimals` (0–2), `column_numbers` (true: a row 1, 2, 3 … under the
/// headers), `[fund_source_names]` (`CODE = "name"`, `unspecified = "…"`);
/// `[[columns]]`: `measure` (see `Measure`), `header` (1–5 lines, top to bottom; equal texts of
/// adjacent columns merge), `number`, `width`, `decimals`;
/// `[[rows]]`: `kind` (`heading`, `total`, `fund_sources`, `classes`, `investors`, `key_projects`,
/// `projects`), `label` (heading and total), `tranche` (`current`, `carried_over`, `advance_plan`),
/// `numbering` and `child_numbering` (`none`, `roman`, `arabic`, `letter`, `dash`), `fund_sources`
/// (rows per fund source under each row), `projects` (projects under each investor), `bold`,
/// `italic`, `indent` (0–5).
/// Text may hold `{plan_year}`, `{previous_plan_year}`, `{month}`, `{year}`, `{actual_date}`,
/// `{estimate_date}`, `{province}`, `{rules}`, `{unit}`, `{profile}`. Unknown keys, measures and
/// placeholders are errors that name the key.
public enum FormFile {
    /// A form file that cannot be used: the file and, for each problem, the key.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let messages: [String]
        public var description: String {
            "\(file): invalid form file:\n" + messages.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// The largest form file read: a form is a page of TOML.
    public static let maximumFileBytes = 256 * 1024

    public enum Limits {
        public static let columns = 100
        public static let rowGroups = 100
        public static let headerLevels = 5
        public static let textCharacters = 500
        public static let lines = 20
    }

    /// Loads a form: a built-in id (`01a`, `01b`, `phu-luc-cdt`) or the path of a TOML file.
    public static func load(_ nameOrPath: String) throws -> FormSpec {
        if let builtIn = BuiltInForms.text(id: nameOrPath) { return try parse(builtIn, file: "built-in form \(nameOrPath)") }
        guard nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") else {
            throw Problem(file: nameOrPath, messages: ["no built-in form of that name (built in: "
                + BuiltInForms.ids.joined(separator: ", ") + "), and not the path of a .toml file"])
        }
        return try parse(try read(nameOrPath), file: nameOrPath)
    }

    static func read(_ path: String) throws -> String {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            let data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
            guard data.count <= maximumFileBytes else {
                throw Problem(file: path, messages: ["the file is larger than \(maximumFileBytes / 1024) KiB; a form file is a page of TOML"])
            }
            guard let s = String(data: data, encoding: .utf8) else { throw Problem(file: path, messages: ["the file is not UTF-8 text"]) }
            return s
        } catch let p as Problem {
            throw p
        } catch {
            throw Problem(file: path, messages: ["cannot read the file: \(error.localizedDescription)"])
        }
    }

    /// Parses and checks a form; `file` names the source in messages.
    public static func parse(_ text: String, file: String = "form") throws -> FormSpec {
        let raw: Raw
        do {
            var decoder = TOMLDecoder()
            decoder.strictDecoding = true
            raw = try decoder.decode(Raw.self, from: text)
        } catch let e as TOMLParseError {
            throw Problem(file: file, messages: ["line \(e.source.begin.line), column \(e.source.begin.column): \(e.description)"])
        } catch let e as UnexpectedKeysError {
            let keys = e.keys.map { name, codingPath in
                let path = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                return (path.last == name ? path : path + [name]).joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            }.sorted()
            throw Problem(file: file, messages: keys.map { "\($0): unknown key" })
        } catch let e as DecodingError {
            throw Problem(file: file, messages: [describe(e)])
        }
        var messages: [String] = []
        func word<T: RawRepresentable>(_ text: String?, _ key: String, default value: T) -> T where T.RawValue == String, T: CaseIterable {
            guard let text else { return value }
            guard let v = T(rawValue: text) else {
                messages.append("\(key): \"\(text)\" is not one of " + T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
                return value
            }
            return v
        }
        func checkText(_ s: String, _ key: String) {
            if s.count > Limits.textCharacters { messages.append("\(key): \(s.count) characters; at most \(Limits.textCharacters)") }
            var rest = Substring(s)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else {
                    messages.append("\(key): \"{\" without \"}\"")
                    break
                }
                let name = String(rest[rest.index(after: open)..<close])
                if !FormText.placeholders.contains(name) {
                    messages.append("\(key): unknown placeholder {\(name)}; known: " + FormText.placeholders.map { "{\($0)}" }.joined(separator: ", "))
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        func checkLines(_ lines: [String], _ key: String) {
            if lines.count > Limits.lines { messages.append("\(key): \(lines.count) lines; at most \(Limits.lines)") }
            for (i, l) in lines.enumerated() { checkText(l, "\(key)[\(i)]") }
        }

        let id = raw.id
        if id.isEmpty || id.count > 40 || !id.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" }) {
            messages.append("id: \"\(id)\" must be 1–40 ASCII letters, digits, - or _")
        }
        if raw.title.isEmpty { messages.append("title: at least one line is needed") }
        checkLines(raw.title, "title")
        checkLines(raw.subtitle ?? [], "subtitle")
        checkLines(raw.notes ?? [], "notes")
        if let code = raw.form_code { checkText(code, "form_code") }
        let unit = word(raw.unit, "unit", default: DisplayConventions.AmountUnit.million)
        let amountDecimals = raw.amount_decimals ?? 0
        if !(0...6).contains(amountDecimals) { messages.append("amount_decimals: \(amountDecimals) must be 0 to 6") }
        if unit == .dong && amountDecimals != 0 { messages.append("amount_decimals: đồng have no decimals") }
        let rateDecimals = raw.rate_decimals ?? 1
        if !(0...2).contains(rateDecimals) { messages.append("rate_decimals: \(rateDecimals) must be 0, 1 or 2") }

        if raw.columns.isEmpty { messages.append("columns: at least one column is needed") }
        if raw.columns.count > Limits.columns { messages.append("columns: \(raw.columns.count) columns; at most \(Limits.columns)") }
        var columns: [FormColumn] = []
        for (i, c) in raw.columns.prefix(Limits.columns).enumerated() {
            let key = "columns[\(i)]"
            guard let measure = Measure(rawValue: c.measure) else {
                messages.append("\(key).measure: \"\(c.measure)\" is not a measure; known: " + Measure.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            if c.header.isEmpty || c.header.count > Limits.headerLevels {
                messages.append("\(key).header: \(c.header.count) lines; 1 to \(Limits.headerLevels)")
            }
            for (k, h) in c.header.enumerated() where h.trimmingCharacters(in: .whitespaces).isEmpty {
                messages.append("\(key).header[\(k)]: must not be empty")
            }
            checkLines(c.header, "\(key).header")
            if let w = c.width?.value, !(1...255).contains(w) { messages.append("\(key).width: \(w) must be 1 to 255 characters") }
            if let d = c.decimals {
                switch measure.kind {
                case .amount where !(0...6).contains(d), .rate where !(0...2).contains(d):
                    messages.append("\(key).decimals: \(d) is out of range (amounts 0–6, rates 0–2)")
                case .text, .count, .points:
                    messages.append("\(key).decimals: only amount and rate columns have decimals")
                default: break
                }
            }
            if let n = c.number { checkText(n, "\(key).number") }
            columns.append(FormColumn(measure: measure, header: c.header, number: c.number, width: c.width?.value, decimals: c.decimals))
        }

        if raw.rows.isEmpty { messages.append("rows: at least one row group is needed") }
        if raw.rows.count > Limits.rowGroups { messages.append("rows: \(raw.rows.count) groups; at most \(Limits.rowGroups)") }
        var rows: [FormRowGroup] = []
        for (i, r) in raw.rows.prefix(Limits.rowGroups).enumerated() {
            let key = "rows[\(i)]"
            let kind = word(r.kind, "\(key).kind", default: FormRowGroup.Kind.heading)
            if let label = r.label {
                checkText(label, "\(key).label")
                if kind != .heading && kind != .total { messages.append("\(key).label: only heading and total rows have a label") }
            } else if kind == .heading {
                messages.append("\(key).label: a heading needs its text")
            }
            var tranche: Tranche?
            if let t = r.tranche {
                tranche = Tranche(rawValue: t)
                if tranche == nil {
                    messages.append("\(key).tranche: \"\(t)\" is not one of " + Tranche.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
                }
                if kind == .heading { messages.append("\(key).tranche: a heading has no figures") }
            }
            if r.fund_sources == true && ![.total, .classes, .investors].contains(kind) {
                messages.append("\(key).fund_sources: only total, classes and investors rows have fund sources under them")
            }
            if r.projects == true && kind != .investors { messages.append("\(key).projects: only investors rows have projects under them") }
            let indent = r.indent ?? 0
            if !(0...5).contains(indent) { messages.append("\(key).indent: \(indent) must be 0 to 5") }
            rows.append(FormRowGroup(kind: kind, label: r.label, tranche: tranche,
                                     numbering: word(r.numbering, "\(key).numbering", default: FormRowGroup.Numbering.none),
                                     childNumbering: word(r.child_numbering, "\(key).child_numbering", default: FormRowGroup.Numbering.dash),
                                     withFundSources: r.fund_sources ?? false, withProjects: r.projects ?? false,
                                     bold: r.bold ?? false, italic: r.italic ?? false, indent: max(0, min(5, indent))))
        }
        for (code, name) in raw.fund_source_names ?? [:] { checkText(name, "fund_source_names.\(code)") }
        guard messages.isEmpty else { throw Problem(file: file, messages: messages) }
        var names: [String: String] = [:]
        for (code, name) in raw.fund_source_names ?? [:] { names[code == "unspecified" ? code : FundSource.key(code)] = name }
        return FormSpec(id: id, formCode: raw.form_code, title: raw.title, subtitle: raw.subtitle ?? [], notes: raw.notes ?? [],
                        unit: unit, amountDecimals: amountDecimals, rateDecimals: rateDecimals,
                        columnNumbers: raw.column_numbers ?? true, columns: columns, rows: rows, fundSourceNames: names)
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            var s = ""
            for k in c {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s.isEmpty ? "(top level)" : s
        }
        switch e {
        case .keyNotFound(let key, let ctx):
            let keys = ctx.codingPath.last?.stringValue == key.stringValue ? ctx.codingPath : ctx.codingPath + [key]
            return "\(path(keys)): required key is missing"
        case .typeMismatch(let type, let ctx):
            let name: String
            switch type {
            case is String.Type: name = "text in quotes"
            case is Int.Type: name = "a whole number"
            case is Double.Type: name = "a number"
            case is Bool.Type: name = "true or false"
            case is [Any].Type: name = "a list"
            default: name = "a value of type \(type)"
            }
            return "\(path(ctx.codingPath)): expected \(name)"
        case .valueNotFound(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(type), found nothing"
        case .dataCorrupted(let ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return "\(e)"
        }
    }

    // MARK: - Raw TOML shape

    struct Raw: Decodable {
        var id: String
        var form_code: String?
        var title: [String]
        var subtitle: [String]?
        var notes: [String]?
        var unit: String?
        var amount_decimals: Int?
        var rate_decimals: Int?
        var column_numbers: Bool?
        var fund_source_names: [String: String]?
        var columns: [RawColumn]
        var rows: [RawRow]
    }

    struct RawColumn: Decodable {
        var measure: String
        var header: [String]
        var number: String?
        var width: Number?
        var decimals: Int?
    }

    /// A number written as a whole number (`12`) or a decimal (`12.5`).
    struct Number: Decodable {
        var value: Double
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { value = Double(i) }
            else if let d = try? c.decode(Double.self) { value = d }
            else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected a number such as 12 or 12.5"))
            }
        }
    }

    struct RawRow: Decodable {
        var kind: String
        var label: String?
        var tranche: String?
        var numbering: String?
        var child_numbering: String?
        var fund_sources: Bool?
        var projects: Bool?
        var bold: Bool?
        var italic: Bool?
        var indent: Int?
    }
}

/// The forms shipped with GiaiNgan (`forms/*.toml`, built into the binary).
public enum BuiltInForms {
    /// Ids in the order `giaingan form list` shows them.
    public static let ids = ["01a", "01b", "phu-luc-cdt"]

    /// The TOML text of a built-in form.
    public static func text(id: String) -> String? {
        let bytes: [UInt8]
        switch id {
        case "01a": bytes = PackageResources.form_01a_toml
        case "01b": bytes = PackageResources.form_01b_toml
        case "phu-luc-cdt": bytes = PackageResources.form_phu_luc_cdt_toml
        default: return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
