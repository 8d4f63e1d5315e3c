import GiaiNganCore

/// The kinds of file GiaiNgan reads: the three of FORMATS.md and the capital envelope (README
/// "The capital envelope").
public enum FileKind: String, Sendable, CaseIterable {
    /// projects.csv: the project registry.
    case projects
    /// plan.csv: capital plan allocations and adjustments.
    case plan
    /// disbursements.csv: the treasury ledger.
    case disbursements
    /// envelope.csv: the capital the Prime Minister and the province assigned, per plan year and
    /// fund source, with dated changes.
    case envelope
    /// schedules.csv: investors' monthly disbursement schedules, per project, with the date each
    /// was submitted (README "Schedules and classification").
    case schedules
    /// successions.csv: projects that pass from one investor to another on a date (README
    /// "Reorganisation").
    case successions
    /// districts.csv: old districts and communes and the units that replaced them.
    case districts

    // MARK: - Columns

    /// The columns of this kind of file, in the order FORMATS.md lists them.
    public var columns: [ColumnSpec] {
        switch self {
        case .projects:
            return [
                ColumnSpec(.projectCode, alias: "mã dự án", isRequired: true),
                ColumnSpec(.projectName, alias: "tên dự án", isRequired: true),
                ColumnSpec(.investor, alias: "chủ đầu tư", isRequired: true),
                ColumnSpec(.district, alias: "địa bàn", isRequired: false),
                ColumnSpec(.proceduresCompletedOn, alias: "ngày hoàn thành thủ tục", isRequired: false),
                ColumnSpec(.constructionStartedOn, alias: "ngày khởi công", isRequired: false),
                ColumnSpec(.keyProject, alias: "dự án trọng điểm", isRequired: false),
            ]
        case .plan:
            return [
                ColumnSpec(.projectCode, alias: "mã dự án", isRequired: true),
                ColumnSpec(.planYear, alias: "năm kế hoạch", isRequired: true),
                ColumnSpec(.projectClass, alias: "loại dự án", isRequired: true),
                ColumnSpec(.tranche, alias: "loại vốn", isRequired: false),
                ColumnSpec(.fundSource, alias: "nguồn vốn", isRequired: false),
                ColumnSpec(.amountVND, alias: "kế hoạch vốn", isRequired: true),
                ColumnSpec(.effectiveOn, alias: "ngày hiệu lực", isRequired: true),
                ColumnSpec(.decisionRef, alias: "số quyết định", isRequired: false),
            ]
        case .disbursements:
            return [
                ColumnSpec(.txnID, alias: "số chứng từ", isRequired: true),
                ColumnSpec(.projectCode, alias: "mã dự án", isRequired: true),
                ColumnSpec(.planYear, alias: "năm kế hoạch", isRequired: true),
                ColumnSpec(.tranche, alias: "loại vốn", isRequired: false),
                ColumnSpec(.fundSource, alias: "nguồn vốn", isRequired: false),
                ColumnSpec(.date, alias: "ngày", isRequired: true),
                ColumnSpec(.type, alias: "loại", isRequired: true),
                ColumnSpec(.amountVND, alias: "số tiền", isRequired: true),
                ColumnSpec(.note, alias: "diễn giải", isRequired: false),
            ]
        case .envelope:
            return [
                ColumnSpec(.planYear, alias: "năm kế hoạch", isRequired: true),
                ColumnSpec(.level, alias: "cấp giao", isRequired: true),
                ColumnSpec(.tranche, alias: "loại vốn", isRequired: false),
                ColumnSpec(.fundSource, alias: "nguồn vốn", isRequired: false),
                ColumnSpec(.amountVND, alias: "số vốn giao", isRequired: true),
                ColumnSpec(.effectiveOn, alias: "ngày hiệu lực", isRequired: true),
                ColumnSpec(.decisionRef, alias: "số quyết định", isRequired: false),
            ]
        case .schedules:
            // The planned amount is read as every amount is (units, separators, the file's
            // decisions), under its own column name.
            return [
                ColumnSpec(.projectCode, alias: "mã dự án", isRequired: true),
                ColumnSpec(.planYear, alias: "năm kế hoạch", isRequired: true),
                ColumnSpec(.period, alias: "kỳ", isRequired: true),
                ColumnSpec(.amountVND, named: "planned_vnd", alias: "kế hoạch giải ngân", isRequired: true),
                ColumnSpec(.submittedOn, alias: "ngày đăng ký", isRequired: true),
            ]
        case .successions:
            return [
                ColumnSpec(.fromInvestor, alias: "chủ đầu tư cũ", isRequired: true),
                ColumnSpec(.toInvestor, alias: "chủ đầu tư mới", isRequired: true),
                ColumnSpec(.effectiveOn, alias: "ngày hiệu lực", isRequired: true),
                ColumnSpec(.decisionRef, alias: "số quyết định", isRequired: true),
                ColumnSpec(.projectCode, alias: "mã dự án", isRequired: false),
            ]
        case .districts:
            return [
                ColumnSpec(.oldUnit, alias: "đơn vị cũ", isRequired: true),
                ColumnSpec(.newUnit, alias: "đơn vị mới", isRequired: true),
                ColumnSpec(.effectiveOn, alias: "ngày hiệu lực", isRequired: true),
            ]
        }
    }

    /// The column spec named `name` (canonical, any case), if this kind has it.
    public func column(named name: String) -> ColumnSpec? {
        let key = HeaderKey.of(name)
        return columns.first { $0.name == key }
    }

    /// What the file is, for messages: "a disbursements file (the treasury ledger)".
    var noun: String {
        switch self {
        case .projects: return "a projects file (the project registry)"
        case .plan: return "a plan file (capital plan lines)"
        case .disbursements: return "a disbursements file (the treasury ledger)"
        case .envelope: return "an envelope file (the capital assigned to the province)"
        case .schedules: return "a schedules file (investors' monthly disbursement schedules)"
        case .successions: return "a successions file (projects passing to a new investor)"
        case .districts: return "a districts file (old units and the units that replaced them)"
        }
    }

    // MARK: - Detection

    /// Recognises the kind of the file at `path` from its header, for unattended runs that are handed
    /// a folder of exports.
    ///
    /// A kind fits when the header has all its required columns (by name or alias, or as mapped by
    /// `options.profile`, whose `kind` decides outright). When several fit, the one that uses most of
    /// the header wins.
    ///
    /// ```swift
    /// let kind = try FileKind.detect(path: "exports/2023-03.csv")   // .disbursements
    /// ```
    ///
    /// - throws: ``ImportIssue`` when the file cannot be read, or when its header fits no kind (the
    ///   message lists what each kind requires), or fits two equally.
    public static func detect(path: String, options: ReadOptions = .init()) throws(ImportIssue) -> FileKind {
        if let profile = options.profile { return profile.kind }
        // Each kind's reader finds its own header (below a title, over two rows) and separator.
        var fits: [(kind: FileKind, matched: Int, line: Int)] = []
        var failures: [ImportIssue] = []
        for kind in FileKind.allCases {
            do {
                let reader = try TableReader(path: path, kind: kind, options: options)
                fits.append((kind, reader.knownColumns, reader.headerLine))
            } catch {
                failures.append(error)
            }
        }
        fits.sort { $0.matched > $1.matched }
        if fits.count == 1 || (fits.count > 1 && fits[0].matched > fits[1].matched) { return fits[0].kind }
        if fits.count > 1 {
            throw ImportIssue(file: path, line: fits[0].line, expected: "a header that fits one kind of file; it fits "
                + fits.filter { $0.matched == fits[0].matched }.map { $0.kind.rawValue }.joined(separator: " and ")
                + " equally: import it with an explicit kind")
        }
        // The same problem for every kind is the file's own (its encoding, its bytes, its format).
        if let first = failures.first, failures.allSatisfy({ $0.description == first.description }) { throw first }
        let needs = FileKind.allCases.map { kind in
            "\(kind.rawValue): " + kind.columns.filter(\.isRequired).map(\.name).joined(separator: ", ")
        }
        throw ImportIssue(file: path, line: failures.compactMap(\.line).first, expected: "the header of a projects, plan or "
            + "disbursements file; it has none's required columns (" + needs.joined(separator: "; ") + ")")
    }
}

/// One column of a file kind: its canonical name, its Vietnamese alias, and whether it is required.
public struct ColumnSpec: Sendable, Hashable {
    /// The canonical name, as FORMATS.md writes it: `amount_vnd`.
    public let name: String
    /// The Vietnamese header accepted in its place: `số tiền`.
    public let alias: String
    /// Whether a file of this kind must have the column.
    public let isRequired: Bool
    /// The model field the column fills.
    let field: Field
    /// The alias as headers are compared (NFC, lower case).
    let aliasKey: String

    init(_ field: Field, named name: String? = nil, alias: String, isRequired: Bool) {
        self.field = field
        self.name = name ?? field.name
        self.alias = alias
        self.aliasKey = HeaderKey.of(alias)
        self.isRequired = isRequired
    }

    /// `"amount_vnd" (alias "số tiền")`, for messages.
    var quoted: String { "\"\(name)\" (alias \"\(alias)\")" }
}

/// A field of the model that a column can fill; its raw value indexes per-field tables.
enum Field: Int, CaseIterable, Sendable {
    case projectCode, projectName, investor, district, proceduresCompletedOn, constructionStartedOn
    case planYear, projectClass, tranche, fundSource, amountVND, effectiveOn, decisionRef
    case txnID, date, type, note
    case keyProject, level
    case period, submittedOn
    case fromInvestor, toInvestor, oldUnit, newUnit

    /// The canonical column name.
    var name: String {
        switch self {
        case .projectCode: return "project_code"
        case .projectName: return "project_name"
        case .investor: return "investor"
        case .district: return "district"
        case .proceduresCompletedOn: return "procedures_completed_on"
        case .constructionStartedOn: return "construction_started_on"
        case .planYear: return "plan_year"
        case .projectClass: return "class"
        case .tranche: return "tranche"
        case .fundSource: return "fund_source"
        case .amountVND: return "amount_vnd"
        case .effectiveOn: return "effective_on"
        case .decisionRef: return "decision_ref"
        case .txnID: return "txn_id"
        case .date: return "date"
        case .type: return "type"
        case .note: return "note"
        case .keyProject: return "key_project"
        case .level: return "level"
        case .period: return "period"
        case .submittedOn: return "submitted_on"
        case .fromInvestor: return "from_investor"
        case .toInvestor: return "to_investor"
        case .oldUnit: return "old_unit"
        case .newUnit: return "new_unit"
        }
    }
}

/// How header names and words are compared: NFC, white space collapsed, lower case.
enum HeaderKey {
    static func of(_ text: String) -> String { NormalizedText.normalize(text).lowercased() }
}
