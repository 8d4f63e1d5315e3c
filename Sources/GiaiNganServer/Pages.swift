import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganReport
import GiaiNganStore

/// Server-rendered pages. No script, no external resource; every text and attribute value from
/// data is escaped, and every code in a URL is percent-encoded (`Web.pathSegment`).
enum Pages {
    static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;margin:0;color:#1b1b1b}
    .gn-bar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.5rem 1rem;background:#12355b;color:#fff}
    .gn-bar a{color:#fff}.gn-bar form{display:inline;margin:0}.gn-bar input,.gn-bar button{font:inherit}
    .gn-links{padding:.5rem 1rem;border-bottom:1px solid #ccc;font-size:.95rem}.gn-links a{margin-right:1rem;display:inline-block}
    .gn-box{max-width:28rem;margin:3rem auto;padding:1.5rem;border:1px solid #ccc;border-radius:6px}.gn-box.gn-wide{max-width:64rem}.gn-wide textarea{width:100%;font-family:monospace}
    .gn-box label{display:block;margin:.75rem 0 .25rem}.gn-box input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
    .gn-box button{margin-top:1rem;padding:.5rem 1rem;font:inherit}.gn-error{color:#a40000}
    .gn-notice{margin:.75rem 1rem;padding:.5rem .75rem;border-left:4px solid #b36b00;background:#fff6e5}
    main.gn{padding:1rem;max-width:70rem}table.gn{border-collapse:collapse;width:100%}
    table.gn th,table.gn td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}table.gn td.n{text-align:right;white-space:nowrap}
    @media print{.gn-bar form,.gn-links{display:none}.gn-bar{background:none;color:#000}}
    """

    static func escape(_ s: String) -> String { HTMLReport.escape(s) }

    static func document(title: String, lang: Language, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(lang.rawValue)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title><style>\(style)</style></head>
        <body>\(body)</body></html>
        """
    }

    static func login(lang: Language, message: String?) -> String {
        let error = message.map { "<p class=\"gn-error\" role=\"alert\">\(escape($0))</p>" } ?? ""
        return document(title: lang.t("Đăng nhập — GiaiNgan", "Sign in — GiaiNgan"), lang: lang, body: """
            <div class="gn-box"><h1>GiaiNgan</h1>
            <p>\(lang.t("Giám sát giải ngân vốn đầu tư công", "Public-investment disbursement monitoring"))</p>\(error)
            <form method="post" action="/login">
            <label for="login">\(lang.t("Tên đăng nhập", "Login"))</label><input id="login" name="login" type="text" autocomplete="username" required autofocus>
            <label for="password">\(lang.t("Mật khẩu", "Password"))</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">\(lang.t("Đăng nhập", "Sign in"))</button></form>
            <p><a href="/login?lang=\(lang == .vi ? "en" : "vi")">\(lang == .vi ? "English" : "Tiếng Việt")</a></p></div>
            """)
    }

    static func error(status: Int, message: String, lang: Language) -> String {
        document(title: "\(status)", lang: lang, body: "<div class=\"gn-box\"><h1>\(status)</h1><p>\(escape(message))</p><p><a href=\"/\">\(lang.t("Về trang chính", "Home"))</a></p></div>")
    }

    /// The query string that keeps a page's date, language and (when one was asked for) plan year.
    static func queryString(_ q: Portal.Query) -> String {
        "as_of=\(q.asOf)&lang=\(q.lang.rawValue)" + (q.year.map { "&year=\($0)" } ?? "")
    }

    /// The address of an investor's page: the slug as one percent-encoded path segment.
    static func investorPath(_ slug: String) -> String { "/investors/" + Web.pathSegment(slug) }

    /// The address of a project's page: its code as one percent-encoded path segment, so a code
    /// holding `/`, `%`, `"`, `<`, spaces or Vietnamese letters stays one segment and reaches it.
    static func projectPath(_ code: String) -> String { "/projects/" + Web.pathSegment(code) }

    /// Adds the portal's bar (user, as-of date, language, downloads, sign out), a list of links
    /// and an optional notice to a report page. Every attribute value is escaped.
    static func withNavigation(_ page: String, user: SessionUser, query q: Portal.Query,
                               downloads: [(String, String)], links: [(String, String)], notice: String? = nil) -> String {
        let qs = queryString(q)
        var other = q
        other.lang = q.lang == .vi ? .en : .vi
        let L = q.lang
        let home = user.isDPI ? "<a href=\"\(escape("/?" + qs))\">\(L.t("Toàn tỉnh", "Province"))</a>" : ""
        let year = q.year.map { "<input type=\"hidden\" name=\"year\" value=\"\($0)\">" } ?? ""
        let bar = """
        <nav class="gn-bar" aria-label="GiaiNgan"><strong>GiaiNgan</strong>\(home)
        <a href="\(escape("/schedules?" + qs))">\(L.t("Kế hoạch giải ngân", "Schedules"))</a>
        <form method="get"><label>\(L.t("Số liệu đến ngày", "As of")) <input type="date" name="as_of" value="\(escape(q.asOf.description))"></label>
        <input type="hidden" name="lang" value="\(escape(L.rawValue))">\(year)<button type="submit">\(L.t("Xem", "Show"))</button></form>
        <a href="\(escape("?" + queryString(other)))">\(other.lang == .en ? "English" : "Tiếng Việt")</a>
        \(downloads.map { "<a href=\"\(escape($0.1 + "?" + qs))\" download>\(L.t("Tải", "Download")) \(escape($0.0))</a>" }.joined(separator: " "))
        <span>\(escape(user.login))</span>
        <form method="post" action="/logout"><button type="submit">\(L.t("Đăng xuất", "Sign out"))</button></form></nav>
        \(notice ?? "")<div class="gn-links">\(links.map { "<a href=\"\(escape($0.1 + "?" + qs))\">\(escape($0.0))</a>" }.joined())</div>
        <style>\(style)</style>
        """
        guard let bodyStart = page.range(of: "<body"), let close = page[bodyStart.upperBound...].firstIndex(of: ">") else {
            return bar + page
        }
        var out = page
        out.insert(contentsOf: bar, at: out.index(after: close))
        return out
    }

    /// The dashboard lists at most this many projects, warnings per severity and investor charts.
    static let dashboardLimit = 50

    static func province(_ e: Evaluation, lang: Language) -> String {
        HTMLReport.render(e, lang: lang, scope: .province, limit: dashboardLimit)
    }

    static func project(_ d: ProjectDetail, result: ProjectResult?, evaluation e: Evaluation, lang L: Language) -> String {
        var body = "<main class=\"gn\"><h1>\(escape(d.project.code)) — \(escape(d.project.name))</h1>"
        body += "<p>\(L.t("Chủ đầu tư", "Investor")): \(escape(d.project.investor.name))"
        if let district = d.project.district { body += " · \(L.t("Địa bàn", "District")): \(escape(district))" }
        body += " · \(L.t("Kế hoạch năm", "Plan year")) \(e.planYear) · \(L.t("số liệu đến", "as of")) \(Format.date(e.asOf, L))</p>"
        if let r = result?.result {
            body += "<p>\(L.t("Kế hoạch", "Plan")) \(Format.vnd(r.position.planVND, L)) · \(L.t("Đã giải ngân", "Disbursed")) \(Format.vnd(r.position.disbursedVND, L)) · \(L.t("Tỷ lệ", "Rate")) \(Format.percent(r.rate, L))</p>"
            body += "<table class=\"gn\"><thead><tr><th>\(L.t("Mốc", "Checkpoint"))</th><th>\(L.t("Ngày", "Date"))</th><th>\(L.t("Ngưỡng", "Threshold"))</th><th>\(L.t("Tình trạng", "Status"))</th><th>\(L.t("Ghi chú", "Note"))</th></tr></thead><tbody>"
            for c in r.checkpoints {
                var note = c.atCheckpoint.map { Format.percent($0.rate, L) } ?? ""
                if let risk = c.risk { note = Messages.reason(risk, L) }
                body += "<tr><td>\(escape(c.checkpoint.name))</td><td>\(Format.date(c.checkpoint.date, L))</td><td class=\"n\">\(Format.threshold(c.threshold, L))</td><td>\(escape(Words.status(c.status, L)))</td><td>\(escape(note))</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "<h2>\(L.t("Kế hoạch vốn", "Plan lines"))</h2><table class=\"gn\"><thead><tr><th>\(L.t("Ngày hiệu lực", "Effective"))</th><th>\(L.t("Nhóm", "Class"))</th><th>\(L.t("Loại vốn", "Tranche"))</th><th>\(L.t("Số tiền", "Amount"))</th><th>\(L.t("Quyết định", "Decision"))</th></tr></thead><tbody>"
        for l in d.planLines {
            body += "<tr><td>\(Format.date(l.effectiveOn, L))</td><td>\(escape(Words.projectClass(l.projectClass, L)))</td><td>\(l.tranche == .current ? L.t("trong năm", "current") : L.t("kéo dài", "carried over"))</td><td class=\"n\">\(Format.vnd(l.amountVND, L))</td><td>\(escape(l.decisionRef ?? ""))</td></tr>"
        }
        body += "</tbody></table><h2>\(L.t("Chứng từ giải ngân", "Ledger entries")) (\(d.entries.count + d.moreEntries))</h2>"
        body += "<table class=\"gn\"><thead><tr><th>\(L.t("Ngày", "Date"))</th><th>\(L.t("Số chứng từ", "Txn"))</th><th>\(L.t("Loại", "Type"))</th><th>\(L.t("Số tiền", "Amount"))</th><th>\(L.t("Diễn giải", "Note"))</th></tr></thead><tbody>"
        for x in d.entries {
            body += "<tr><td>\(Format.date(x.date, L))</td><td>\(escape(x.txnID))</td><td>\(escape(typeWord(x.type, L)))\(x.tranche == .carriedOver ? L.t(" (kéo dài)", " (carried over)") : "")</td><td class=\"n\">\(Format.vnd(x.amountVND, L))</td><td>\(escape(x.note ?? ""))</td></tr>"
        }
        body += "</tbody></table>"
        if d.moreEntries > 0 { body += "<p>\(L.t("và \(d.moreEntries) chứng từ cũ hơn (xem tệp CSV)", "and \(d.moreEntries) older entries (see the CSV)"))</p>" }
        body += "</main>"
        return document(title: "\(d.project.code) — GiaiNgan", lang: L, body: body)
    }

    static func typeWord(_ t: EntryType, _ L: Language) -> String {
        switch t {
        case .advance: L.t("tạm ứng", "advance")
        case .payment: L.t("thanh toán", "payment")
        case .advanceRecovery: L.t("thu hồi tạm ứng", "advance recovery")
        case .refund: L.t("nộp trả", "refund")
        }
    }

    /// The project's ledger entries as canonical disbursements.csv (importable again), BOM first.
    static func entriesCSV(_ d: ProjectDetail) -> String {
        var out = "\u{FEFF}txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\r\n"
        for e in d.entries.reversed() {
            let cells = [e.txnID, e.projectCode, String(e.planYear), e.tranche.rawValue, e.fundSource ?? "", e.date.description,
                         e.type.rawValue, String(e.amountVND), e.note ?? ""]
            out += cells.map { csvCell(CSVReport.neutralize($0)) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func csvCell(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Parses an application/x-www-form-urlencoded body.
    static func parseForm(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            guard let key = parts.first else { continue }
            out[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }
}
