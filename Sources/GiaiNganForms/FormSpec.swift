import GiaiNganCore

/// A report form as data: what a form file (`forms/*.toml`) says, checked.
///
/// The file says which rows and which measures a form shows, in what order, under which
/// headers and in which unit; what each measure means is `Measure` (one place in code).
public struct FormSpec: Sendable, Hashable {
    /// Short name used on the command line: `01a`, `01b`, `phu-luc-cdt`.
    public var id: String
    /// The form's code as printed at the top right ("Biểu mẫu số 01a/TTKHN").
    public var formCode: String?
    /// Title lines, centred over the table; `{…}` placeholders are filled (see `FormText`).
    public var title: [String]
    /// Lines under the title (the reporting period, the basis), same placeholders.
    public var subtitle: [String]
    /// Notes printed under the table (what the estimate is, where a figure comes from).
    public var notes: [String]
    /// The unit of amounts.
    public var unit: DisplayConventions.AmountUnit
    /// Decimals shown for amounts in `unit` (the cell holds the exact amount).
    public var amountDecimals: Int
    /// Decimals shown for rates, as a percentage; rates are rounded down to them.
    public var rateDecimals: Int
    /// Whether a row of column numbers (A, B, 1, 2, 3 = 1 + 2 …) follows the headers.
    public var columnNumbers: Bool
    /// The columns, left to right.
    public var columns: [FormColumn]
    /// The row groups, top to bottom.
    public var rows: [FormRowGroup]
    /// How a fund source code is named in a row ("NSTW" → "Vốn ngân sách trung ương").
    public var fundSourceNames: [String: String]

    /// A form; `FormFile.parse` makes one from TOML and checks it.
    public init(id: String, formCode: String? = nil, title: [String], subtitle: [String] = [], notes: [String] = [],
                unit: DisplayConventions.AmountUnit = .million, amountDecimals: Int = 0, rateDecimals: Int = 1,
                columnNumbers: Bool = true, columns: [FormColumn], rows: [FormRowGroup],
                fundSourceNames: [String: String] = [:]) {
        self.id = id
        self.formCode = formCode
        self.title = title
        self.subtitle = subtitle
        self.notes = notes
        self.unit = unit
        self.amountDecimals = amountDecimals
        self.rateDecimals = rateDecimals
        self.columnNumbers = columnNumbers
        self.columns = columns
        self.rows = rows
        self.fundSourceNames = fundSourceNames
    }

    /// Header rows: the longest column header.
    public var headerDepth: Int { columns.map(\.header.count).max() ?? 1 }

    /// Whether any row needs a tranche other than the rules' counted ones evaluated on its own.
    public var tranchesNeeded: Set<Tranche> { Set(rows.compactMap(\.tranche)) }
}

/// One column: a measure under a header path (top to bottom).
///
/// Adjacent columns whose headers agree at a level (and at every level above it) share one
/// merged cell there; a header shorter than the form's header depth is merged down to the
/// last header row. So `["Kế hoạch năm 2025", "Thủ tướng giao"]` and `["Kế hoạch năm 2025",
/// "Tỉnh giao"]` print one cell "Kế hoạch năm 2025" over two.
public struct FormColumn: Sendable, Hashable {
    /// What the column shows.
    public var measure: Measure
    /// The header's lines, top to bottom.
    public var header: [String]
    /// The column's number in the numbers row; default `A`, `B`… for text columns and 1, 2…
    /// for figures.
    public var number: String?
    /// Width in characters; default fitted to the content.
    public var width: Double?
    /// Decimals for this column only (amounts or rates).
    public var decimals: Int?

    /// A column showing `measure` under `header`.
    public init(measure: Measure, header: [String], number: String? = nil, width: Double? = nil, decimals: Int? = nil) {
        self.measure = measure
        self.header = header
        self.number = number
        self.width = width
        self.decimals = decimals
    }
}

/// A group of rows: one subject (the total, a tranche) or one row per subject of a kind.
public struct FormRowGroup: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A line of text only (a section heading such as "I. Vốn kế hoạch năm 2025").
        case heading
        /// The province's total (counted tranches, or `tranche`'s figures when it is set).
        case total
        /// One row per fund source of the province (counted tranches, or `tranche`'s).
        case fundSources = "fund_sources"
        /// One row per class (transitional, new start).
        case classes
        /// One row per investor, in the ranking order (by rate unless `--rank shortfall`).
        case investors
        /// One row per key project (dự án trọng điểm), largest plan first.
        case keyProjects = "key_projects"
        /// One row per project, ordered by investor then code.
        case projects
    }

    /// How rows of a group are numbered in the ordinal column.
    public enum Numbering: String, Sendable, Hashable, CaseIterable {
        case none, roman, arabic, letter
        /// `-` before each row, as forms mark the lines under a numbered one.
        case dash
    }

    /// Which rows the group makes.
    public var kind: Kind
    /// The row's text for `heading` and `total`; placeholders filled.
    public var label: String?
    /// For `total` and `fund_sources`: the tranche whose figures the rows show (`current`,
    /// `carried_over`, `advance_plan`); nil: the tranches the rules count.
    public var tranche: Tranche?
    /// How the group's rows are numbered.
    public var numbering: Numbering
    /// How the rows under each row (fund sources, projects) are numbered.
    public var childNumbering: Numbering
    /// Under each row of the group, one row per fund source of that subject.
    public var withFundSources: Bool
    /// Under each investor, its projects.
    public var withProjects: Bool
    /// The group's rows in bold (children are not).
    public var bold: Bool
    /// The group's rows in italics.
    public var italic: Bool
    /// Left indent of the label, in levels.
    public var indent: Int

    /// A row group of `kind`.
    public init(kind: Kind, label: String? = nil, tranche: Tranche? = nil, numbering: Numbering = .none,
                childNumbering: Numbering = .dash, withFundSources: Bool = false, withProjects: Bool = false, bold: Bool = false, italic: Bool = false,
                indent: Int = 0) {
        self.kind = kind
        self.label = label
        self.tranche = tranche
        self.numbering = numbering
        self.childNumbering = childNumbering
        self.withFundSources = withFundSources
        self.withProjects = withProjects
        self.bold = bold
        self.italic = italic
        self.indent = indent
    }
}
