import GiaiNganCore

/// Sentences for warnings and risk flags, with the figures that justify them.
public enum Messages {
    /// The one-line reason a person can act on: "needs 1,20 tỷ in 23 days; has paid 0,10 tỷ in the last 28".
    public static func reason(_ r: RiskAssessment, _ lang: Language) -> String {
        let need = Format.billions(r.shortfallVND, lang)
        let recent = Format.billions(r.recent28VND, lang)
        let best = Format.billions(r.best28VND, lang)
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
            return lang.t("cần thêm \(need) trong \(r.daysLeft) ngày tới \(cp); 28 ngày qua chỉ giải ngân \(recent), dự báo đến hạn đạt \(Format.billions(r.projectedVND, lang))/\(Format.billions(r.requiredVND, lang))",
                          "needs \(need) in \(r.daysLeft) days to \(cp); has paid \(recent) in the last 28, projected \(Format.billions(r.projectedVND, lang)) of \(Format.billions(r.requiredVND, lang)) by then")
        case .nothingDisbursed:
            return lang.t("chưa giải ngân đồng nào; cần \(need) trong \(r.daysLeft) ngày tới \(cp)",
                          "has disbursed nothing; needs \(need) in \(r.daysLeft) days to \(cp)")
        case .beyondBestPace:
            return lang.t("cần \(need) trong \(r.daysLeft) ngày tới \(cp) (\(Format.billions(r.requiredDailyVND, lang))/ngày); 28 ngày tốt nhất từ đầu năm chỉ giải ngân \(best), 28 ngày qua \(recent)",
                          "needs \(need) in \(r.daysLeft) days to \(cp) (\(Format.billions(r.requiredDailyVND, lang))/day); its best 28 days so far paid \(best), the last 28 paid \(recent)")
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
        let who = Words.subject(w.subject, lang, names: names)
        let p = w.position
        let figures = lang.t(
            "kế hoạch \(Format.vnd(p.planVND, lang)), đã giải ngân \(Format.vnd(p.disbursedVND, lang)) (\(Format.percent(p.rate, lang)))",
            "plan \(Format.vnd(p.planVND, lang)), disbursed \(Format.vnd(p.disbursedVND, lang)) (\(Format.percent(p.rate, lang)))")
        let cp = w.checkpointName ?? ""
        switch w.code {
        case .checkpointMissed:
            let t = w.threshold.map { Format.threshold($0, lang) } ?? ""
            return lang.t("\(who): không đạt mốc \(cp) (ngưỡng \(t)): \(figures); còn thiếu \(Format.vnd(w.shortfallVND, lang)) đồng",
                          "\(who): missed \(cp) (threshold \(t)): \(figures); short by \(Format.vnd(w.shortfallVND, lang)) VND")
        case .offTrack, .atRisk, .annualGoalAtRisk:
            let word = w.code == .offTrack ? lang.t("chệch hướng", "off track") : lang.t("có nguy cơ không đạt", "at risk of missing")
            let target = w.code == .annualGoalAtRisk ? lang.t("mục tiêu cả năm", "the annual goal") : cp
            let t = w.threshold.map { Format.threshold($0, lang) } ?? ""
            let because = w.risk.map { Messages.reason($0, lang) } ?? ""
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
            return lang.t("\(who): chưa giải ngân (0%) trên kế hoạch \(Format.vnd(p.planVND, lang)) đồng",
                          "\(who): has disbursed nothing (0%) of a \(Format.vnd(p.planVND, lang)) VND plan")
        case .disbursedWithoutPlan:
            return lang.t("\(who): đã giải ngân \(Format.vnd(p.disbursedVND, lang)) đồng nhưng chưa có kế hoạch vốn năm này",
                          "\(who): \(Format.vnd(p.disbursedVND, lang)) VND disbursed against a plan year with no plan")
        case .overPlan:
            return lang.t("\(who): giải ngân vượt kế hoạch: \(figures)", "\(who): disbursed more than the plan: \(figures)")
        case .annualGoalMissed:
            let t = w.threshold.map { Format.threshold($0, lang) } ?? ""
            return lang.t("\(who): không đạt mục tiêu cả năm \(t): \(figures); còn thiếu \(Format.vnd(w.shortfallVND, lang)) đồng",
                          "\(who): missed the annual goal of \(t): \(figures); short by \(Format.vnd(w.shortfallVND, lang)) VND")
        }
    }
}
