/// A project's class in one plan year. A new start of 2023 is transitional in 2024: the class
/// belongs to the project's plan lines, not to the project.
public enum ProjectClass: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Dự án chuyển tiếp: continues from earlier years.
    case transitional
    /// Dự án khởi công mới: first construction this plan year.
    case newStart = "new_start"

    public static func < (a: ProjectClass, b: ProjectClass) -> Bool { a.rawValue > b.rawValue }
}

/// Which capital a plan line or a ledger entry belongs to.
public enum Tranche: String, Sendable, Hashable, CaseIterable, Codable {
    /// Vốn trong năm: the plan year's own capital.
    case current
    /// Vốn kéo dài: last year's plan whose disbursement window was extended.
    case carriedOver = "carried_over"
    /// Vốn ứng trước: capital advanced ahead of a later year's plan, to be recovered from it;
    /// reported apart by default, like carried-over capital (Circular 37/2025, forms 01c/01d).
    case advancePlan = "advance_plan"
}

/// The kind of a treasury ledger entry.
public enum EntryType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Tạm ứng: counts as disbursed and as an outstanding advance.
    case advance
    /// Thanh toán khối lượng hoàn thành: counts as disbursed.
    case payment
    /// Thu hồi tạm ứng: turns an advance into a payment; disbursed is unchanged.
    case advanceRecovery = "advance_recovery"
    /// Nộp trả, giảm trừ: lowers the disbursed total.
    case refund

    /// The entry's effect on the disbursed total, in units of its amount.
    public var disbursedSign: Int64 {
        switch self {
        case .advance, .payment: return 1
        case .advanceRecovery: return 0
        case .refund: return -1
        }
    }

    /// The entry's effect on outstanding advances, in units of its amount.
    public var advanceSign: Int64 {
        switch self {
        case .advance: return 1
        case .advanceRecovery: return -1
        case .payment, .refund: return 0
        }
    }
}

/// A project in the registry (projects.csv).
public struct Project: Sendable, Hashable, Codable {
    /// Mã dự án, kept as text: "001" and "1" are different projects.
    public var code: String
    public var name: String
    public var investor: InvestorID
    public var district: String?
    /// Ngày hoàn thành thủ tục đầu tư.
    public var proceduresCompletedOn: CivilDate?
    /// Ngày khởi công.
    public var constructionStartedOn: CivilDate?
    /// Dự án trọng điểm: reports list key projects with their share of the plan.
    public var isKeyProject: Bool = false
    /// The investors that held the project before `investor`, up to the as-of date the store
    /// read it for (README "Reorganisation"); empty when it never changed hands.
    public var lineage: [LineageStep] = []
    /// The former province the project came from when `giaingan merge` brought it in; nil for
    /// the database's own projects.
    public var formerProvince: String?
    /// The district or commune the registry names, when a mapping file (README
    /// "Reorganisation") renamed it by the as-of date: `district` is then the new unit.
    public var formerDistrict: String?

    public init(code: String, name: String, investor: InvestorID, district: String? = nil,
                proceduresCompletedOn: CivilDate? = nil, constructionStartedOn: CivilDate? = nil) {
        self.code = code
        self.name = name
        self.investor = investor
        self.district = district
        self.proceduresCompletedOn = proceduresCompletedOn
        self.constructionStartedOn = constructionStartedOn
    }
}

/// One line of a capital-plan decision: an allocation (+) or an adjustment (+/−).
public struct PlanLine: Sendable, Hashable, Codable {
    public var projectCode: String
    public var planYear: Int
    public var projectClass: ProjectClass
    public var tranche: Tranche
    public var fundSource: String?
    /// Signed: adjustments may cut a plan.
    public var amountVND: VND
    public var effectiveOn: CivilDate
    public var decisionRef: String?

    public init(projectCode: String, planYear: Int, projectClass: ProjectClass, tranche: Tranche = .current,
                fundSource: String? = nil, amountVND: VND, effectiveOn: CivilDate, decisionRef: String? = nil) {
        self.projectCode = projectCode
        self.planYear = planYear
        self.projectClass = projectClass
        self.tranche = tranche
        self.fundSource = fundSource
        self.amountVND = amountVND
        self.effectiveOn = effectiveOn
        self.decisionRef = decisionRef
    }
}

/// One treasury ledger entry. Its amount is always positive; its type gives the sign.
public struct LedgerEntry: Sendable, Hashable, Codable {
    /// Số chứng từ: the same id seen again is the same entry.
    public var txnID: String
    public var projectCode: String
    /// The plan year this entry draws on (in January, last year's or this year's).
    public var planYear: Int
    public var tranche: Tranche
    public var fundSource: String?
    public var date: CivilDate
    public var type: EntryType
    public var amountVND: VND
    public var note: String?

    public init(txnID: String, projectCode: String, planYear: Int, tranche: Tranche = .current,
                fundSource: String? = nil, date: CivilDate, type: EntryType, amountVND: VND, note: String? = nil) {
        precondition(amountVND > 0, "a ledger amount is positive; the type gives its sign")
        self.txnID = txnID
        self.projectCode = projectCode
        self.planYear = planYear
        self.tranche = tranche
        self.fundSource = fundSource
        self.date = date
        self.type = type
        self.amountVND = amountVND
        self.note = note
    }

    /// Whether two entries with the same id say the same thing (notes may differ between exports).
    public func sameContent(as other: LedgerEntry) -> Bool {
        txnID == other.txnID && projectCode == other.projectCode && planYear == other.planYear
            && tranche == other.tranche && date == other.date && type == other.type && amountVND == other.amountVND
    }
}
