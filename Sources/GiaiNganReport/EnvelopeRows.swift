import GiaiNganCore

/// The rows and columns of the denominators table, shared by the text and document reports.
enum EnvelopeRows {
    /// One denominator of the total: its label, amount, and the rate of disbursement on it
    /// (nil for the parts that are not denominators: locally added, unallocated, disbursed).
    struct Denominator {
        var label: String
        var amountVND: VND
        var rate: Rate?
    }

    /// The total's rows: assigned by the Prime Minister, by the province, of which locally
    /// added, allocated to projects, unallocated, the adjusted denominator when the rules name
    /// one, and the disbursed amount.
    /// A level no envelope line was imported for is left out, and so are the parts it would make.
    static func denominators(_ r: EnvelopeRow, _ rules: RuleSet, _ L: Language) -> [Denominator] {
        var rows: [Denominator] = []
        if r.primeMinisterLines > 0 {
            rows.append(Denominator(label: L.t("Kế hoạch Thủ tướng Chính phủ giao", "Plan assigned by the Prime Minister"),
                                    amountVND: r.primeMinisterVND, rate: r.rateOnPrimeMinister))
        }
        if r.provinceLines > 0 {
            rows.append(Denominator(label: L.t("Kế hoạch tỉnh giao", "Plan assigned by the province"),
                                    amountVND: r.provinceVND, rate: r.rateOnProvince))
        }
        if let added = r.locallyAddedVND {
            rows.append(Denominator(label: L.t("  trong đó địa phương giao tăng thêm", "  of which added locally"),
                                    amountVND: added, rate: nil))
        }
        rows.append(Denominator(label: L.t("Kế hoạch đã phân bổ cho dự án", "Plan allocated to projects"),
                                amountVND: r.allocatedVND, rate: r.rateOnAllocated))
        if let unallocated = r.unallocatedVND {
            rows.append(Denominator(label: L.t("Chưa phân bổ", "Not yet allocated"), amountVND: unallocated, rate: nil))
        }
        if let adjusted = rules.adjustedDenominator, let amount = r.adjustedVND {
            rows.append(Denominator(label: adjustedLabel(adjusted, L), amountVND: amount, rate: r.rateOnAdjusted))
        }
        rows.append(Denominator(label: L.t("Đã giải ngân", "Disbursed"), amountVND: r.disbursedVND, rate: nil))
        return rows
    }

    /// "Mẫu số điều chỉnh: <the rules' label>".
    static func adjustedLabel(_ a: AdjustedDenominator, _ L: Language) -> String {
        L.t("Mẫu số điều chỉnh: ", "Adjusted: ") + a.label
    }

    /// The per-fund-source table's headings, the fund source first; `amount` adds the unit.
    static func headings(_ rules: RuleSet, _ L: Language, amount: (String) -> String) -> [String] {
        var out = [L.t("Nguồn vốn", "Fund source"),
                   amount(L.t("TTg giao", "Prime Minister")), L.t("Tỷ lệ", "Rate"),
                   amount(L.t("Tỉnh giao", "Province")), L.t("Tỷ lệ", "Rate"),
                   amount(L.t("ĐP tăng thêm", "Added locally")),
                   amount(L.t("Phân bổ cho DA", "Allocated")), L.t("Tỷ lệ", "Rate"),
                   amount(L.t("Chưa phân bổ", "Unallocated"))]
        if rules.adjustedDenominator != nil {
            // The rules' label can be long: the total's table above spells it out.
            out += [amount(L.t("Mẫu số điều chỉnh", "Adjusted")), L.t("Tỷ lệ", "Rate")]
        }
        out.append(amount(L.t("Đã giải ngân", "Disbursed")))
        return out
    }

    /// One row's cells after the fund source, in `headings`' order.
    static func cells(_ r: EnvelopeRow, _ rules: RuleSet, _ display: Display, amount: (VND) -> String) -> [String] {
        var out = [amount(r.primeMinisterVND), display.percent(r.rateOnPrimeMinister),
                   amount(r.provinceVND), display.percent(r.rateOnProvince),
                   r.locallyAddedVND.map(amount) ?? "—",
                   amount(r.allocatedVND), display.percent(r.rateOnAllocated),
                   r.unallocatedVND.map(amount) ?? "—"]
        if rules.adjustedDenominator != nil {
            out += [amount(r.adjustedVND ?? 0), display.percent(r.rateOnAdjusted)]
        }
        out.append(amount(r.disbursedVND))
        return out
    }
}
