import GiaiNganCore

/// Sentences for warnings and risk flags, with the figures that justify them.
public enum Messages {
    /// The one-line reason a person can act on: "needs 1,20 tỷ in 23 days; has paid 0,10 tỷ in the last 28".
    public static func reason(_ r: RiskAssessment, _ lang: Language) -> String {
        reason(r, Display(lang: lang))
    }

    /// The reason with amounts shown by a report's display conventions (`1,20 tỷ` by default).
    public static func reason(_ r: RiskAssessment, _ display: Display) -> String {
        let lang = display.lang
        let need = display.brief(r.shortfallVND)
        let recent = display.brief(r.recent28VND)
        let best = display.brief(r.best28VND)
        let cp = "\(checkpointLabel(r.checkpointName, lang)) (\(Format.date(r.checkpointDate, lang)))"
        switch r.reason {
        case .noPlan:
            return lang.t("chưa có kế hoạch vốn: \(cp) không đòi hỏi giải ngân", "has no plan: \(cp) requires nothing")
        case .thresholdReached:
            return lang.t("đã đạt ngưỡng \(Format.threshold(r.threshold, lang)) của \(cp)",
                          "has reached \(cp)'s \(Format.threshold(r.threshold, lang))")
        case .projectedToMeet:
            return lang.t("cần thêm \(need) trong \(r.daysLeft) ngày tới \(cp); dự báo đạt (28 ngày qua đã giải ngân \(recent))",
                          "needs \(need) in \(r.daysLeft) days to \(cp); projected to meet it (paid \(recent) in the last 28)")
        case .projectedShort:
            return lang.t("cần thêm \(need) trong \(r.daysLeft) ngày tới \(cp); 28 ngày qua chỉ giải ngân \(recent), dự báo đến hạn đạt \(display.brief(r.projectedVND))/\(display.brief(r.requiredVND))",
                          "needs \(need) in \(r.daysLeft) days to \(cp); has paid \(recent) in the last 28, projected \(display.brief(r.projectedVND)) of \(display.brief(r.requiredVND)) by then")
        case .nothingDisbursed:
            return lang.t("chưa giải ngân đồng nào; cần \(need) trong \(r.daysLeft) ngày tới \(cp)",
                          "has disbursed nothing; needs \(need) in \(r.daysLeft) days to \(cp)")
        case .beyondBestPace:
            return lang.t("cần \(need) trong \(r.daysLeft) ngày tới \(cp) (\(display.brief(r.requiredDailyVND))/ngày); 28 ngày tốt nhất từ đầu năm chỉ giải ngân \(best), 28 ngày qua \(recent)",
                          "needs \(need) in \(r.daysLeft) days to \(cp) (\(display.brief(r.requiredDailyVND))/day); its best 28 days so far paid \(best), the last 28 paid \(recent)")
        case .beyondRemainingPlan:
            return lang.t("số còn thiếu \(need) vượt phần kế hoạch còn lại",
                          "the \(need) still needed exceeds the plan left to disburse")
        }
    }

    /// A checkpoint's name in a sentence. The evaluation assesses the annual goal as a
    /// checkpoint named `annual` (also its name in warnings and JSON); people read "the annual goal".
    public static func checkpointLabel(_ name: String, _ lang: Language) -> String {
        name == "annual" ? lang.t("mục tiêu cả năm", "the annual goal") : name
    }

    /// The sentence of a warning, figures included.
    public static func warning(_ w: Warning, _ lang: Language, names: [String: String] = [:]) -> String {
        warning(w, Display(lang: lang), names: names)
    }

    /// The sentence of a warning with rates and amounts shown by a report's display conventions.
    public static func warning(_ w: Warning, _ display: Display, names: [String: String] = [:]) -> String {
        let lang = display.lang
        let who = Words.subject(w.subject, lang, names: names)
        let p = w.position
        let figures = lang.t(
            "kế hoạch \(display.plain(p.planVND)), đã giải ngân \(display.plain(p.disbursedVND)) (\(display.percent(p.rate)))",
            "plan \(display.plain(p.planVND)), disbursed \(display.plain(p.disbursedVND)) (\(display.percent(p.rate)))")
        let cp = w.checkpointName ?? ""
        switch w.code {
        case .checkpointMissed:
            let t = w.threshold.map { Format.threshold($0, lang) } ?? ""
            return lang.t("\(who): không đạt mốc \(cp) (ngưỡng \(t)): \(figures); còn thiếu \(display.amountWithUnit(w.shortfallVND))",
                          "\(who): missed \(cp) (threshold \(t)): \(figures); short by \(display.amountWithUnit(w.shortfallVND))")
        case .offTrack, .atRisk, .annualGoalAtRisk:
            let word = w.code == .offTrack ? lang.t("chệch hướng", "off track") : lang.t("có nguy cơ không đạt", "at risk of missing")
            let target = w.code == .annualGoalAtRisk ? lang.t("mục tiêu cả năm", "the annual goal") : cp
            let t = w.threshold.map { Format.threshold($0, lang) } ?? ""
            let because = w.risk.map { Messages.reason($0, display) } ?? ""
            return lang.t("\(who): \(word) \(target) (ngưỡng \(t)): \(figures); \(because)",
                          "\(who): \(word) \(target) (threshold \(t)): \(figures); \(because)")
        case .milestoneMissed, .milestoneDue:
            guard let m = w.milestone else { return who }
            let what = Words.milestone(m.milestone, lang)
            let reached = m.reachedOn.map { lang.t("đạt ngày \(Format.date($0, lang))", "reached on \(Format.date($0, lang))") }
                ?? lang.t("chưa có", "not yet")
            if w.code == .milestoneMissed {
                return lang.t("\(who): dự án khởi công mới chưa \(what) đúng hạn \(cp) (\(Format.date(m.dueOn, lang))); \(reached)",
                              "\(who): new start did not reach \"\(what)\" by \(cp) (\(Format.date(m.dueOn, lang))); \(reached)")
            }
            return lang.t("\(who): dự án khởi công mới phải \(what) trước \(cp) (\(Format.date(m.dueOn, lang))); \(reached)",
                          "\(who): new start must reach \"\(what)\" by \(cp) (\(Format.date(m.dueOn, lang))); \(reached)")
        case .zeroDisbursement:
            return lang.t("\(who): chưa giải ngân (0%) trên kế hoạch \(display.amountWithUnit(p.planVND))",
                          "\(who): has disbursed nothing (0%) of a \(display.amountWithUnit(p.planVND)) plan")
        case .disbursedWithoutPlan:
            return lang.t("\(who): đã giải ngân \(display.amountWithUnit(p.disbursedVND)) nhưng chưa có kế hoạch vốn năm này",
                          "\(who): \(display.amountWithUnit(p.disbursedVND)) disbursed against a plan year with no plan")
        case .overPlan:
            return lang.t("\(who): giải ngân vượt kế hoạch: \(figures)", "\(who): disbursed more than the plan: \(figures)")
        case .annualGoalMissed:
            let t = w.threshold.map { Format.threshold($0, lang) } ?? ""
            return lang.t("\(who): không đạt mục tiêu cả năm \(t): \(figures); còn thiếu \(display.amountWithUnit(w.shortfallVND))",
                          "\(who): missed the annual goal of \(t): \(figures); short by \(display.amountWithUnit(w.shortfallVND))")
        }
    }
}
