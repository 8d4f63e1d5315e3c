import GiaiNganCore

/// One cumulative-disbursement chart to draw: whose line, and how large.
struct ChartSpec {
    /// Plain text; escaped when drawn.
    var title: String
    var result: SubjectResult
    /// Small multiples (one per investor) get fewer labels.
    var compact: Bool
}

/// Draws cumulative disbursement as a percentage of the plan over the plan year as inline SVG.
///
/// The x axis runs from 1 January of the plan year to the end of the disbursement window, the y
/// axis from 0 to 100% of the plan as allocated on the as-of date. The required path is a
/// dashed step that rises to each checkpoint's threshold on its date, with a marker per
/// checkpoint; a dotted vertical line marks the as-of date. Colours only repeat what the
/// tables say in words, so the chart reads in black and white. The SVG carries no `xmlns`:
/// inline in HTML5 it needs none, and the page stays free of URLs.
enum SVGChart {
    struct Geometry {
        let width, height, left, right, top, bottom, font: Double

        static let wide = Geometry(width: 640, height: 280, left: 44, right: 18, top: 26, bottom: 32, font: 12)
        static let small = Geometry(width: 320, height: 180, left: 34, right: 12, top: 20, bottom: 24, font: 9)

        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
    }

    static let lineColour = "#1f5fa8"
    static let requiredColour = "#b3261e"

    /// The `<svg>` element for `spec`; `id` must be unique in the page (it names the title).
    static func render(_ spec: ChartSpec, evaluation e: Evaluation, lang: Language, id: String) -> String {
        let g = spec.compact ? Geometry.small : Geometry.wide
        let start = CivilDate.startOfYear(e.planYear)
        let end = max(e.rules.windowEnd, start.adding(days: 1))
        let spanDays = Double(start.days(until: end))
        func x(_ date: CivilDate) -> Double {
            let offset = Double(min(max(start.days(until: date), 0), start.days(until: end)))
            return g.left + offset / spanDays * g.plotWidth
        }
        func y(_ percent: Double) -> Double { g.top + (1 - min(max(percent, 0), 100) / 100) * g.plotHeight }
        let r = spec.result
        let plan = r.position.planVND

        var svg = "<svg viewBox=\"0 0 \(n(g.width)) \(n(g.height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\""
            + " class=\"chart\" font-family=\"sans-serif\" font-size=\"\(n(g.font))\">"
        svg += "<title id=\"\(id)-title\">\(HTMLReport.escape(spec.title))</title>"
        svg += "<desc id=\"\(id)-desc\">\(HTMLReport.escape(description(r, evaluation: e, lang: lang)))</desc>"

        // Grid and y labels.
        for level in stride(from: 0, through: 100, by: 25) {
            let yy = y(Double(level))
            svg += "<line x1=\"\(n(g.left))\" y1=\"\(n(yy))\" x2=\"\(n(g.width - g.right))\" y2=\"\(n(yy))\""
                + " stroke=\"\(level == 0 ? "#777" : "#d0d0d0")\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(n(g.left - 4))\" y=\"\(n(yy + g.font / 3))\" text-anchor=\"end\" fill=\"#333\">\(level)%</text>"
        }
        // Month ticks on the x axis.
        var month = start
        while month <= end {
            let first = month.month == 1 || !spec.compact || (month.month - 1) % 3 == 0
            if first {
                let xx = x(month)
                svg += "<line x1=\"\(n(xx))\" y1=\"\(n(g.top + g.plotHeight))\" x2=\"\(n(xx))\" y2=\"\(n(g.top + g.plotHeight + 4))\" stroke=\"#777\"/>"
                svg += "<text x=\"\(n(xx))\" y=\"\(n(g.height - g.bottom + 6 + g.font))\" text-anchor=\"middle\" fill=\"#333\">"
                    + HTMLReport.escape(monthLabel(month, planYear: e.planYear, lang: lang)) + "</text>"
            }
            month = month.endOfMonth.adding(days: 1)
        }

        // The required path: zero until the first checkpoint, then each threshold from its date on.
        var path = "M\(n(x(start))) \(n(y(0)))"
        var level = 0.0
        for cp in r.checkpoints {
            let t = Double(cp.threshold.basisPoints) / 100
            path += " L\(n(x(cp.checkpoint.date))) \(n(y(level))) L\(n(x(cp.checkpoint.date))) \(n(y(t)))"
            level = t
        }
        path += " L\(n(x(end))) \(n(y(level)))"
        svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(requiredColour)\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>"

        // Labels are placed before anything is drawn, so that each can avoid the ones before it:
        // checkpoint labels first (fixed, above-left of their marker), then the as-of date, then
        // the rate at the end of the line.
        var taken: [Box] = []
        let markerRadius = spec.compact ? 3.0 : 4.5
        let markers = r.checkpoints.map { cp -> (cp: CheckpointResult, cx: Double, cy: Double, label: Label) in
            let cx = x(cp.checkpoint.date), cy = y(Double(cp.threshold.basisPoints) / 100)
            let label = Label(x: cx - 5, y: cy - 6, anchorEnd: true,
                              text: "\(cp.checkpoint.name) \(Format.threshold(cp.threshold, lang))")
            taken.append(label.box(font: g.font))
            taken.append(Box(x0: cx - markerRadius, y0: cy - markerRadius, x1: cx + markerRadius, y1: cy + markerRadius))
            return (cp, cx, cy, label)
        }
        let asOfX = x(e.asOf)
        let asOfText = spec.compact ? Format.date(e.asOf, lang) : lang.t("Đến ", "As of ") + Format.date(e.asOf, lang)
        let bottomY = g.top + g.plotHeight - 4
        let asOfLabel = place([Label(x: asOfX + 4, y: g.top - 8, anchorEnd: false, text: asOfText),
                               Label(x: asOfX - 4, y: g.top - 8, anchorEnd: true, text: asOfText),
                               Label(x: asOfX + 4, y: bottomY, anchorEnd: false, text: asOfText),
                               Label(x: asOfX - 4, y: bottomY, anchorEnd: true, text: asOfText)],
                              avoiding: &taken, geometry: g)

        // As-of line.
        svg += "<line x1=\"\(n(asOfX))\" y1=\"\(n(g.top - 4))\" x2=\"\(n(asOfX))\" y2=\"\(n(g.top + g.plotHeight))\""
            + " stroke=\"#444\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/>"
        svg += asOfLabel.svg(fill: "#222")

        // The cumulative line.
        if plan > 0 {
            let points = r.cumulativeSeries(asOf: e.asOf, planYear: e.planYear).map { point in
                "\(n(x(point.date))),\(n(y(Double(point.disbursedVND) / Double(plan) * 100)))"
            }
            svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(lineColour)\""
                + " stroke-width=\"\(spec.compact ? "2" : "2.5")\" stroke-linejoin=\"round\"/>"
            let lastY = y(Double(r.position.disbursedVND) / Double(plan) * 100)
            svg += "<circle cx=\"\(n(asOfX))\" cy=\"\(n(lastY))\" r=\"\(spec.compact ? "3" : "4")\" fill=\"\(lineColour)\"/>"
            let rate = Display(rules: e.rules, lang: lang).percent(r.rate)
            let below = lastY + g.font + 4
            svg += place([Label(x: asOfX + 6, y: lastY - 6, anchorEnd: false, text: rate),
                          Label(x: asOfX + 6, y: below, anchorEnd: false, text: rate),
                          Label(x: asOfX - 6, y: lastY - 6, anchorEnd: true, text: rate),
                          Label(x: asOfX - 6, y: below, anchorEnd: true, text: rate)],
                         avoiding: &taken, geometry: g).svg(fill: lineColour, bold: true)
        } else {
            svg += "<text x=\"\(n(g.left + g.plotWidth / 2))\" y=\"\(n(g.top + g.plotHeight / 2))\" text-anchor=\"middle\""
                + " fill=\"#555\">\(HTMLReport.escape(lang.t("Chưa có kế hoạch vốn", "No plan")))</text>"
        }

        // Checkpoint markers, drawn last so that they sit on top.
        for (cp, cx, cy, label) in markers {
            let hollow = cp.status == .pending || cp.status == .onTrack || cp.status == .atRisk
            let colour = markerColour(cp.status)
            let tip = "\(cp.checkpoint.name) \(Format.date(cp.checkpoint.date, lang)) ≥ \(Format.threshold(cp.threshold, lang)): "
                + Words.status(cp.status, lang)
            svg += "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(markerRadius))\" fill=\"\(hollow ? "#fff" : colour)\""
                + " stroke=\"\(colour)\" stroke-width=\"1.5\"><title>\(HTMLReport.escape(tip))</title></circle>"
            svg += label.svg(fill: "#222")
        }
        svg += "</svg>"
        return svg
    }

    // MARK: - Labels

    /// A rectangle in chart coordinates.
    struct Box {
        var x0, y0, x1, y1: Double
        func overlaps(_ o: Box) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
    }

    /// A text label at a baseline point, anchored at its start or its end.
    struct Label {
        var x, y: Double
        var anchorEnd: Bool
        var text: String

        /// The label's approximate extent: glyphs average about 0.6 em in a sans-serif face.
        func box(font: Double) -> Box {
            let width = Double(text.count) * font * 0.6
            return Box(x0: anchorEnd ? x - width : x, y0: y - font * 0.85, x1: anchorEnd ? x : x + width, y1: y + font * 0.25)
        }

        func svg(fill: String, bold: Bool = false) -> String {
            "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchorEnd ? "end" : "start")\" fill=\"\(fill)\""
                + (bold ? " font-weight=\"bold\"" : "") + ">\(HTMLReport.escape(text))</text>"
        }
    }

    /// The first candidate that stays inside the chart and overlaps nothing taken (else the
    /// first that stays inside, else the first); it is then taken too.
    static func place(_ candidates: [Label], avoiding taken: inout [Box], geometry g: Geometry) -> Label {
        let inside = candidates.filter { let b = $0.box(font: g.font); return b.x0 >= 0 && b.x1 <= g.width && b.y0 >= 0 && b.y1 <= g.height }
        let free = inside.first { c in !taken.contains { $0.overlaps(c.box(font: g.font)) } }
        let chosen = free ?? inside.first ?? candidates[0]
        taken.append(chosen.box(font: g.font))
        return chosen
    }

    /// The chart's text alternative: where the line stands and how each checkpoint went.
    static func description(_ r: SubjectResult, evaluation e: Evaluation, lang: Language) -> String {
        let marks = r.checkpoints.map {
            "\($0.checkpoint.name) \(Format.threshold($0.threshold, lang)) \(Words.status($0.status, lang))"
        }.joined(separator: ", ")
        let rate = Display(rules: e.rules, lang: lang).percent(r.rate)
        return lang.t("Lũy kế giải ngân đến \(Format.date(e.asOf, lang)): \(rate) kế hoạch. Các mốc: \(marks).",
                      "Cumulative disbursement to \(Format.date(e.asOf, lang)): \(rate) of plan. Checkpoints: \(marks).")
    }

    static func markerColour(_ s: CheckpointStatus) -> String {
        switch s {
        case .met, .onTrack: return "#1b7f3b"
        case .atRisk: return "#b26a00"
        case .missed, .offTrack: return requiredColour
        case .pending, .noPlan: return "#777"
        }
    }

    static func monthLabel(_ date: CivilDate, planYear: Int, lang: Language) -> String {
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let base = lang == .vi ? "T\(date.month)" : names[date.month - 1]
        return date.year == planYear ? base : "\(base)/\(date.year % 100)"
    }

    /// A coordinate with at most one decimal, locale-free: `12.5`, `40`.
    static func n(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
