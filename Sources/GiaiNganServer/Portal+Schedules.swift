import Foundation
import GiaiNganCore
import GiaiNganImport
import GiaiNganReport
import GiaiNganStore
import HTTPTypes
import Hummingbird

// Investors submit their monthly disbursement schedules here (README "Schedules and
// classification"): a form holding the CSV text, with the session's CSRF token; the rows go
// through the schedules import with every rule of `giaingan import schedules`, in one transaction,
// and only for the investor's own projects. DPI sees every submission, who made it and when.

extension Portal {
    /// The largest schedule a form may carry: some 20,000 rows, far beyond any investor's projects × 13 months.
    static let maxScheduleBytes = 1 << 20

    func schedulesPage(_ request: Request, _ context: PortalContext) async throws -> Response {
        let user = try requireUser(context)
        let q = try query(request)
        return html(try schedulesHTML(user: user, q: q, message: nil, errors: [], text: ""), status: .ok)
    }

    func submitSchedule(_ request: Request, _ context: PortalContext) async throws -> Response {
        let user = try requireUser(context)
        let q = try query(request)
        let L = q.lang
        var request = request
        let body = try await request.collectBody(upTo: Portal.maxScheduleBytes)
        let form = Pages.parseForm(String(buffer: body))
        guard let sent = form["csrf"], !user.csrfToken.isEmpty, Portal.constantTimeEqual(sent, user.csrfToken) else {
            logger.notice("schedule upload without a valid CSRF token", metadata: ["user": .string(Web.logField(user.login))])
            return html(Pages.error(status: 403, message: L.t("Phiên làm việc không khớp: hãy tải lại trang và gửi lại.",
                                                           "The form does not belong to this session: reload the page and send it again."),
                                    lang: L), status: .forbidden)
        }
        guard let investor = user.investor, !user.isDPI else {
            return html(Pages.error(status: 403, message: L.t("Chỉ tài khoản chủ đầu tư gửi kế hoạch giải ngân.",
                                                           "Only an investor's account submits a schedule."), lang: L), status: .forbidden)
        }
        guard let writer = configuration.scheduleStore else {
            return html(Pages.error(status: 503, message: L.t("Cổng thông tin chưa được bật nhận kế hoạch giải ngân (serve --accept-schedules).",
                                                           "This portal does not accept schedules (serve --accept-schedules)."), lang: L),
                        status: .serviceUnavailable)
        }
        let text = form["csv"] ?? ""
        // The rows are read from a file, as every import is; the name says who sent it.
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let name = "portal-\(user.login)-\(stamp).csv"
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("giaingan-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            let summaries = try writer.importFiles(kind: .schedules, paths: [path], today: configuration.today(),
                                                   submitter: ScheduleSubmitter(user: user.login, investor: investor))
            let line = summaries.first.map { $0.line.replacingOccurrences(of: path, with: name) } ?? ""
            logger.info("schedule submitted", metadata: ["user": .string(Web.logField(user.login)), "result": .string(Web.logField(line))])
            return html(try schedulesHTML(user: user, q: q, message: L.t("Đã nhận: ", "Received: ") + line, errors: [], text: ""),
                        status: .ok)
        } catch let refused as ImportRefused {
            let errors = refused.description.split(separator: "\n").map { $0.replacingOccurrences(of: path, with: name) }
            return html(try schedulesHTML(user: user, q: q, message: nil, errors: errors, text: text), status: .unprocessableContent)
        }
    }

    func schedulesHTML(user: SessionUser, q: Query, message: String?, errors: [String], text: String) throws -> String {
        let L = q.lang
        let e = Pages.escape
        var body = "<div class=\"gn-box gn-wide\"><h1>\(L.t("Kế hoạch giải ngân", "Disbursement schedules"))</h1>"
        if let message { body += "<p class=\"gn-ok\" role=\"status\">\(e(message))</p>" }
        if !errors.isEmpty {
            body += "<div class=\"gn-error\" role=\"alert\"><p>\(L.t("Không nhận: không ghi dòng nào.", "Refused: nothing was written."))</p><ul>"
                + errors.map { "<li>\(e($0))</li>" }.joined() + "</ul></div>"
        }
        if let investor = user.investor, !user.isDPI {
            let token = user.csrfToken
            body += """
            <p>\(L.t("Dán hoặc sửa kế hoạch của các dự án của \(e(investor.name)) (CSV, cột project_code, plan_year, period yyyy-MM, planned_vnd, submitted_on):",
                     "Paste or edit the schedule of \(e(investor.name))'s projects (CSV, columns project_code, plan_year, period yyyy-MM, planned_vnd, submitted_on):"))</p>
            <form method="post" action="/schedules?\(e(Pages.queryString(q)))">
            <input type="hidden" name="csrf" value="\(e(token))">
            <label for="csv">CSV</label><textarea id="csv" name="csv" rows="14" cols="90" required>\(e(text.isEmpty ? "project_code,plan_year,period,planned_vnd,submitted_on\n" : text))</textarea>
            <button type="submit">\(L.t("Gửi kế hoạch", "Submit the schedule"))</button></form>
            """
        }
        let submissions = try store.scheduleSubmissions(investor: user.isDPI ? nil : user.investor)
        body += "<h2>\(L.t("Các lần gửi", "Submissions"))</h2>"
        if submissions.isEmpty {
            body += "<p>\(L.t("Chưa có.", "None yet."))</p>"
        } else {
            body += "<table><thead><tr><th>\(L.t("Lúc", "When"))</th><th>\(L.t("Người gửi", "By"))</th><th>\(L.t("Chủ đầu tư", "Investor"))</th>"
                + "<th>\(L.t("Năm KH", "Plan year"))</th><th>\(L.t("Tệp", "File"))</th><th>\(L.t("Số dòng", "Rows"))</th><th>\(L.t("Tổng kế hoạch (đồng)", "Total planned (VND)"))</th></tr></thead><tbody>"
            for s in submissions {
                body += "<tr><td>\(e(s.importedAt))</td><td>\(e(s.submittedBy.isEmpty ? L.t("(nhập từ tệp)", "(file import)") : s.submittedBy))</td>"
                    + "<td>\(e(s.investors.joined(separator: "; ")))</td><td>\(e(s.planYears))</td><td>\(e(s.fileName))</td><td>\(s.rows)</td>"
                    + "<td>\(e(GiaiNganReport.Format.vnd(s.plannedVND, L)))</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "</div>"
        let page = Pages.document(title: L.t("Kế hoạch giải ngân — GiaiNgan", "Schedules — GiaiNgan"), lang: L, body: body)
        return Pages.withNavigation(page, user: user, query: q, downloads: [], links: [])
    }

    /// Compares two texts in time that depends on their length only.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
