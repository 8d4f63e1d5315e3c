import GiaiNganCore

/// How reports name an investor's former investors (README "Reorganisation"):
/// "gồm Ban QLDA huyện X đến 30/06/2025 (1234/QĐ-UBND)".
enum LineageText {
    /// The phrase for one investor's lineage.
    static func phrase(_ steps: [LineageStep], _ L: Language) -> String {
        let parts = steps.map { s in
            L.t("\(s.investor.name) đến \(Format.date(s.until, L))", "\(s.investor.name) until \(Format.date(s.until, L))")
                + (s.decisionRef.isEmpty ? "" : " (\(s.decisionRef))")
        }
        return L.t("gồm ", "including ") + parts.joined(separator: "; ")
    }

    /// The section's title.
    static func title(_ L: Language) -> String {
        L.t("Chủ đầu tư tiếp nhận dự án", "Investors that took projects over")
    }

    /// One line per investor with a lineage: "Ban QLDA tỉnh: gồm …".
    static func lines(_ e: Evaluation, _ L: Language) -> [String] {
        e.lineages.map { "\($0.investor.name): " + phrase($0.steps, L) }
    }

    /// The cell of a project's CSV row: `investor until yyyy-MM-dd (ref)`, joined by `; `.
    static func csvCell(_ steps: [LineageStep]) -> String {
        steps.map { "\($0.investor.name) until \($0.until)" + ($0.decisionRef.isEmpty ? "" : " (\($0.decisionRef))") }
            .joined(separator: "; ")
    }
}
