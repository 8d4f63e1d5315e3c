import GiaiNganCore

/// The language of a report: Vietnamese by default, English on request.
public enum Language: String, Sendable, CaseIterable {
    case vi, en

    /// Picks the Vietnamese or the English text; only the one picked is built.
    @inlinable public func t(_ vi: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String {
        self == .vi ? vi() : en()
    }
}

/// Number, money and date formatting for reports: exact, and never contradicting a status.
public enum Format {
    /// Text for a terminal: control characters (C0 but line feed and tab, DEL, C1) and the
    /// bidirectional overrides shown as `\u{1B}`, so that a name holding `ESC[2J` or
    /// `ESC]0;…BEL` cannot clear the screen, retitle the window or reorder what is shown.
    public static func terminalSafe(_ text: String) -> String {
        func unsafe(_ u: Unicode.Scalar) -> Bool {
            let v = u.value
            return (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v)
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
        }
        // Fast path: one pass over the bytes finds nothing in almost every report.
        var suspicious = false
        var previous: UInt8 = 0
        for b in text.utf8 {
            if (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F || (previous == 0xC2 && b < 0xA0 && b >= 0x80)
                || (previous == 0x80 && b >= 0xAA && b <= 0xAE) || (previous == 0x81 && b >= 0xA6 && b <= 0xA9) {
                suspicious = true
                break
            }
            previous = b
        }
        guard suspicious else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if unsafe(u) {
                out.append(contentsOf: "\\u{\(String(u.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// Whole VND with thousands grouped: `1.234.567.890` (vi) or `1,234,567,890` (en).
    public static func vnd(_ amount: VND, _ lang: Language) -> String {
        grouped(amount, separator: lang == .vi ? "." : ",")
    }

    /// Groups thousands of an integer with `separator`.
    public static func grouped(_ amount: Int64, separator: String) -> String {
        // Written right to left into a buffer on the stack: reports format tens of thousands of
        // amounts, and a result of up to 15 bytes is a String without an allocation.
        var separator = separator
        return separator.withUTF8 { sep in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20 + 6 * sep.count + 1) { buffer in
                var i = buffer.count
                var magnitude = amount.magnitude
                var digits = 0
                repeat {
                    if digits > 0 && digits % 3 == 0 {
                        for b in sep.reversed() { i -= 1; buffer[i] = b }
                    }
                    i -= 1
                    buffer[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                    digits += 1
                } while magnitude > 0
                if amount < 0 { i -= 1; buffer[i] = UInt8(ascii: "-") }
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[i...]), as: UTF8.self)
            }
        }
    }

    /// Billions of VND with two decimals, rounded half away from zero: `1,23 tỷ` / `1.23 bn`.
    /// For reading; every table also carries the exact VND figure where it is the point.
    public static func billions(_ amount: VND, _ lang: Language, unit: Bool = true) -> String {
        let scaled = (Int128(amount) * 100 + (amount >= 0 ? 500_000_000 : -500_000_000)) / 1_000_000_000
        let negative = scaled < 0
        let m = negative ? -scaled : scaled
        let whole = Int64(m / 100), frac = Int(m % 100)
        let text = grouped(whole, separator: lang == .vi ? "." : ",") + (lang == .vi ? "," : ".")
            + (frac < 10 ? "0\(frac)" : "\(frac)")
        return (negative ? "-" : "") + text + (unit ? lang.t(" tỷ", " bn") : "")
    }

    /// A rate as a percentage with two decimals, rounded down: `34,99%`; `—` without a plan.
    public static func percent(_ rate: Rate?, _ lang: Language) -> String {
        guard let rate else { return "—" }
        return rate.percentText(digits: 2, separator: lang == .vi ? "," : ".") + "%"
    }

    public static func threshold(_ t: Threshold, _ lang: Language) -> String {
        t.percentText(separator: lang == .vi ? "," : ".") + "%"
    }

    public static func date(_ d: CivilDate, _ lang: Language) -> String {
        lang == .vi ? d.vietnamese : d.description
    }

    /// The display width of a string in a terminal (one column per character).
    public static func width(_ s: String) -> Int {
        // Counting characters walks the grapheme-breaking rules, which cost more than anything
        // else in a 20,000-project table. The text of a report is nearly always made of scalars
        // those rules never join to a neighbour (printable ASCII, Latin-1 to the spacing modifier
        // letters, precomposed Vietnamese, general punctuation, currency signs: no combining
        // mark, joiner, Hangul jamo or regional indicator among them); for such text the
        // number of characters is the number of scalars. Anything else is counted the exact way.
        var scalars = 0
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0x2FF, 0x1E00...0x1EFF, 0x2010...0x2027, 0x202A...0x205F, 0x20A0...0x20CF:
                scalars += 1
            default:
                return s.count
            }
        }
        return scalars
    }

    public static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let w = Format.width(s)
        guard w < width else { return s }
        let fill = String(repeating: " ", count: width - w)
        return right ? fill + s : s + fill
    }
}

/// Words for statuses, classes and codes.
public enum Words {
    public static func status(_ s: CheckpointStatus, _ lang: Language) -> String {
        switch s {
        case .met: return lang.t("đạt", "met")
        case .missed: return lang.t("không đạt", "missed")
        case .onTrack: return lang.t("đúng tiến độ", "on track")
        case .atRisk: return lang.t("có nguy cơ", "at risk")
        case .offTrack: return lang.t("chệch hướng", "off track")
        case .pending: return lang.t("chưa đến hạn", "pending")
        case .noPlan: return lang.t("chưa có kế hoạch", "no plan")
        }
    }

    /// The rule set's name as a report shows it: the built-in rules in the report's language.
    public static func rules(_ r: RuleSet, _ lang: Language) -> String {
        guard r.isBuiltIn else { return r.name }
        if r.planYear == 2023 { return lang.t("Cà Mau 2023 (01/CTr-UBND, chú thích 4)", "Cà Mau 2023 (01/CTr-UBND, footnote 4)") }
        return lang.t("ngưỡng của Cà Mau 2023 (01/CTr-UBND, chú thích 4) áp dụng cho năm \(r.planYear), không có tệp quy tắc",
                      "Cà Mau 2023 thresholds (01/CTr-UBND, footnote 4) applied to \(r.planYear), no rules file given")
    }

    /// What a report of a plan year without any plan or entry says first, or nil.
    public static func emptyYear(_ e: Evaluation, _ lang: Language) -> String? {
        guard e.isEmptyYear else { return nil }
        let others = e.planYearsInDatabase.filter { $0 != e.planYear }.map(String.init).joined(separator: ", ")
        if others.isEmpty {
            return lang.t("Chưa có kế hoạch vốn hay giải ngân nào của năm \(e.planYear): hãy nhập các tệp trước.",
                          "There is no plan and no disbursement for plan year \(e.planYear): import the files first.")
        }
        return lang.t("Chưa có kế hoạch vốn hay giải ngân nào của năm \(e.planYear). Các năm có số liệu: \(others).",
                      "There is no plan and no disbursement for plan year \(e.planYear). Plan years with data: \(others).")
    }

    /// The province a report names: the one of a rules file, none with the built-in rules.
    public static func province(_ r: RuleSet) -> String? {
        r.isBuiltIn || r.province.isEmpty ? nil : r.province
    }

    public static func projectClass(_ c: ProjectClass?, _ lang: Language) -> String {
        switch c {
        case .transitional: return lang.t("chuyển tiếp", "transitional")
        case .newStart: return lang.t("khởi công mới", "new start")
        case nil: return lang.t("chưa có kế hoạch", "no plan")
        }
    }

    public static func severity(_ s: Severity, _ lang: Language) -> String {
        switch s {
        case .critical: return lang.t("NGHIÊM TRỌNG", "CRITICAL")
        case .warning: return lang.t("CẢNH BÁO", "WARNING")
        case .info: return lang.t("THÔNG TIN", "INFO")
        }
    }

    /// Where the seasonal profile came from, in words.
    public static func profile(_ p: SeasonalProfile, _ lang: Language) -> String {
        if p.learnedFrom.isEmpty {
            return lang.t("đường giải ngân bình quân cả nước (13% đến 31/3, 32% đến 30/6, 54% đến 30/9)",
                          "the national shape (13% by 31/03, 32% by 30/06, 54% by 30/09)")
        }
        let years = p.learnedFrom.map(String.init).joined(separator: ", ")
        return lang.t("học từ số liệu các năm \(years)", "learned from plan years \(years)")
    }

    public static func milestone(_ m: Milestone, _ lang: Language) -> String {
        switch m {
        case .proceduresCompleted: return lang.t("hoàn thành thủ tục đầu tư", "investment procedures completed")
        case .constructionStarted: return lang.t("khởi công", "construction started")
        }
    }

    /// A fund source code as reports show it: the code itself, or "chưa xác định nguồn vốn" /
    /// "fund source not given" for the lines that named none.
    public static func fundSource(_ code: String, _ lang: Language) -> String {
        code == FundSource.unspecified ? lang.t("chưa xác định nguồn vốn", "fund source not given") : code
    }

    public static func tranche(_ t: Tranche, _ lang: Language) -> String {
        switch t {
        case .current: return lang.t("vốn trong năm", "current-year capital")
        case .carriedOver: return lang.t("vốn kéo dài", "carried-over capital")
        case .advancePlan: return lang.t("vốn ứng trước", "advance-plan capital")
        }
    }

    /// How investors are ranked, as a ranking's heading says it.
    public static func rankOrder(_ order: RankOrder, _ lang: Language) -> String {
        switch order {
        case .rate: return lang.t("xếp theo tỷ lệ giải ngân, cao nhất trước", "ranked by rate, highest first")
        case .shortfall: return lang.t("xếp theo số còn thiếu tới mốc kế tiếp", "ranked by shortfall to the next checkpoint")
        }
    }

    /// A standing against the provincial average in a table cell: "trên" / "above".
    public static func standing(_ s: AverageStanding?, _ lang: Language) -> String {
        switch s {
        case .above: return lang.t("trên", "above")
        case .equal: return lang.t("bằng", "equal")
        case .below: return lang.t("dưới", "below")
        case nil: return "—"
        }
    }

    /// What a comparison is with, for a heading or a sentence: "cùng kỳ năm trước (15/05/2022)",
    /// "kỳ báo cáo trước (08/05/2023)", "ngày 01/05/2023".
    public static func comparison(_ c: Comparison, _ lang: Language) -> String {
        let date = Format.date(c.asOf, lang)
        switch c.kind {
        case .sameDayLastYear: return lang.t("cùng kỳ năm trước (\(date))", "same day last year (\(date))")
        case .previousReport: return lang.t("kỳ báo cáo trước (\(date))", "the last report (\(date))")
        case .since: return lang.t("ngày \(date)", "\(date)")
        }
    }

    public static func subject(_ s: Subject, _ lang: Language, names: [String: String] = [:]) -> String {
        switch s {
        case .province: return lang.t("Toàn tỉnh", "Province")
        case .group(let c): return lang.t("Nhóm ", "Class: ") + projectClass(c, lang)
        case .investor(let i): return i.name
        case .project(let code):
            if let n = names[code], !n.isEmpty { return "\(code) \(n)" }
            return code
        }
    }
}
