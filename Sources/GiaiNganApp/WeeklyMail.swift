import Foundation
import GiaiNganCore
import GiaiNganMail
import GiaiNganReport
import GiaiNganStore

/// What the weekly mail needs to know: how to send, from whom, and the DPI's addresses.
public struct MailSettings: Sendable {
    public var transport: MailTransport
    public var from: MailAddress
    /// Who receives the province summary; empty: nobody (listed as not mailed).
    public var dpi: [MailAddress]

    public init(transport: MailTransport, from: MailAddress, dpi: [MailAddress]) {
        self.transport = transport
        self.from = from
        self.dpi = dpi
    }
}

/// Mails a published weekly folder: each investor its own report, the DPI the province summary.
///
/// - Each investor with a file in `OUT/<as-of>/investors/` gets one message: its `<slug>.html` as
///   the HTML body, a short plain-text version, and its `<slug>.xlsx` attached. Nothing else of
///   the folder goes into it, so an investor only ever receives what the per-investor files hold.
/// - The DPI gets `report.html` as the body, `report.txt` as the text version, `report.xlsx`
///   attached.
/// - A run never mails twice: a recipient that a run of the same plan year and as-of date has
///   already mailed (status `sent`, or `sending` when a process died after handing a message over)
///   is skipped. A failed delivery is stored as `failed` and so is tried again by the next run of
///   that date; a run of a later date mails its own, newer report to everyone.
/// - Every attempt is stored with the run (`run_mail`) before the message is handed over, then
///   updated with the answer.
public struct WeeklyMail {
    public var store: Store
    public var settings: MailSettings
    public var lang: Language
    /// The clock for the `Date` header and the stored times (the App layer may read it).
    public var now: @Sendable () -> Date

    public init(store: Store, settings: MailSettings, lang: Language, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.settings = settings
        self.lang = lang
        self.now = now
    }

    /// One recipient's line in the outcome.
    public struct Line: Sendable {
        /// `dpi` or the investor's name.
        public var who: String
        public var addresses: String
        public var detail: String
    }

    /// What the mail of one run did.
    public struct Outcome: Sendable {
        public var sent: [Line] = []
        public var failed: [Line] = []
        /// Investors without a contact, and the DPI without an address.
        public var notMailed: [Line] = []
        /// Reached by an earlier run of the same date: not mailed again.
        public var alreadySent: [Line] = []
    }

    /// Mails the folder of run `runID`.
    public func send(runID: Int64, planYear: Int, asOf: CivilDate, folder: String) throws -> Outcome {
        var outcome = Outcome()
        let handedOver = try store.mailAlreadyHandedOver(planYear: planYear, asOf: asOf)
        let contacts = Dictionary(try store.contacts().map { ($0.investor, $0) }, uniquingKeysWith: { a, _ in a })
        let investorsFolder = (folder as NSString).appendingPathComponent("investors")
        let fm = FileManager.default

        func earlier(_ d: MailDelivery) -> String {
            "mailed by run #\(d.runID) (\(d.status == .sent ? "sent" : "handed over, no answer recorded")), message \(d.messageID)"
        }

        // The province summary.
        if let d = handedOver["dpi"] {
            outcome.alreadySent.append(Line(who: "dpi", addresses: d.addresses, detail: earlier(d)))
        } else if settings.dpi.isEmpty {
            outcome.notMailed.append(Line(who: "dpi", addresses: "", detail: "no DPI address (--mail-dpi or GIAINGAN_MAIL_DPI)"))
            try record(runID: runID, key: "dpi", investor: nil, addresses: "", messageID: "", status: .noContact,
                       detail: "no DPI address")
        } else {
            let html = try String(contentsOfFile: (folder as NSString).appendingPathComponent("report.html"), encoding: .utf8)
            let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent("report.txt"), encoding: .utf8)
            let xlsx = try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("report.xlsx")))
            let subject = lang.t("Báo cáo giải ngân vốn đầu tư công toàn tỉnh đến ngày \(Format.date(asOf, lang))",
                                 "Province public investment disbursement report as of \(Format.date(asOf, lang))")
            let message = compose(runID: runID, to: settings.dpi, cc: [], subject: subject, text: text, html: html,
                                  attachment: MailAttachment(fileName: "bao-cao-\(asOf).xlsx", contentType: MailWeekly.xlsxType, data: xlsx))
            try deliver(message, runID: runID, key: "dpi", investor: nil, who: "dpi", into: &outcome)
        }

        // Each investor's own report.
        for key in try store.investorKeys() {
            let htmlPath = (investorsFolder as NSString).appendingPathComponent("\(key.slug).html")
            guard fm.fileExists(atPath: htmlPath) else { continue }
            let recipient = "investor:\(key.slug)"
            if let d = handedOver[recipient] {
                outcome.alreadySent.append(Line(who: key.investor.name, addresses: d.addresses, detail: earlier(d)))
                continue
            }
            guard let contact = contacts[key.investor], let to = MailAddress.parse(contact.email) else {
                outcome.notMailed.append(Line(who: key.investor.name, addresses: "",
                                              detail: "no contact: add it to the contacts file and run giaingan contacts import"))
                try record(runID: runID, key: recipient, investor: key.investor.name, addresses: "", messageID: "",
                           status: .noContact, detail: "no contact")
                continue
            }
            var named = to
            if named.name == nil { named.name = key.investor.name }
            let cc = contact.cc.compactMap(MailAddress.parse)
            let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
            let xlsx = try Data(contentsOf: URL(fileURLWithPath: (investorsFolder as NSString).appendingPathComponent("\(key.slug).xlsx")))
            let subject = lang.t("Báo cáo giải ngân đến ngày \(Format.date(asOf, lang)) — \(key.investor.name)",
                                 "Disbursement report as of \(Format.date(asOf, lang)) — \(key.investor.name)")
            let headline = WeeklyMail.headline(of: key.investor, inReportOf: folder, lang: lang).map { "\n" + $0 + "\n" } ?? ""
            let text = lang.t("""
                Kính gửi \(key.investor.name),
                \(headline)
                Báo cáo giải ngân vốn đầu tư công của đơn vị đến ngày \(Format.date(asOf, lang)) nằm trong phần HTML \
                của thư này và trong tệp đính kèm \(key.slug).xlsx (chỉ gồm các dự án của đơn vị).

                Thư gửi tự động từ GiaiNgan, lần chạy #\(runID).
                """, """
                To \(key.investor.name),
                \(headline)
                Your public investment disbursement report as of \(Format.date(asOf, lang)) is the HTML part of this \
                message and the attached \(key.slug).xlsx (your projects only).

                Sent automatically by GiaiNgan, run #\(runID).
                """) + "\n"
            let message = compose(runID: runID, to: [named], cc: cc, subject: subject, text: text, html: html,
                                  attachment: MailAttachment(fileName: "\(key.slug).xlsx", contentType: MailWeekly.xlsxType, data: xlsx))
            try deliver(message, runID: runID, key: recipient, investor: key.investor.name, who: key.investor.name, into: &outcome)
        }
        return outcome
    }

    /// The investor's own totals for the plain-text part, read from the run's `report.json`
    /// (its entry of `investors` only): "Kế hoạch vốn: … đồng; đã giải ngân: … đồng (…%)". Nil when
    /// the entry or a figure is missing, and the text part then goes without it.
    static func headline(of investor: InvestorID, inReportOf folder: String, lang: Language) -> String? {
        guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent("report.json")),
              let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let investors = json["investors"] as? [[String: Any]],
              let own = investors.first(where: { ($0["investor"] as? String).map(InvestorID.init) == investor }),
              let plan = (own["plan_vnd"] as? NSNumber)?.int64Value, let disbursed = (own["disbursed_vnd"] as? NSNumber)?.int64Value
        else { return nil }
        let rate = Rate(disbursedVND: disbursed, planVND: plan)
        return lang.t("Kế hoạch vốn: \(Format.vnd(plan, lang)) đồng; đã giải ngân: \(Format.vnd(disbursed, lang)) đồng (\(Format.percent(rate, lang))).",
                      "Capital plan: \(Format.vnd(plan, lang)) VND; disbursed: \(Format.vnd(disbursed, lang)) VND (\(Format.percent(rate, lang))).")
    }

    func compose(runID: Int64, to: [MailAddress], cc: [MailAddress], subject: String, text: String, html: String,
                 attachment: MailAttachment) -> MailMessage {
        // Short (no slug: an investor's name can make a long one) and unique: the run and 64 random bits.
        let id = "giaingan.run\(runID).\(String(UInt64.random(in: 0...UInt64.max), radix: 36))@\(MailHost.name)"
        return MailMessage(from: settings.from, to: to, cc: cc, subject: subject, text: text, html: html,
                           attachments: [attachment], date: now(), messageID: id)
    }

    /// Stores the attempt, hands the message over, stores the answer.
    func deliver(_ message: MailMessage, runID: Int64, key: String, investor: String?, who: String, into outcome: inout Outcome) throws {
        let addresses = message.recipients.joined(separator: ", ")
        try record(runID: runID, key: key, investor: investor, addresses: addresses, messageID: message.messageID,
                   status: .sending, detail: "")
        do {
            try settings.transport.send(message, envelopeFrom: settings.from.address)
            try record(runID: runID, key: key, investor: investor, addresses: addresses, messageID: message.messageID,
                       status: .sent, detail: "")
            outcome.sent.append(Line(who: who, addresses: addresses, detail: "message <\(message.messageID)>"))
        } catch let failure as MailFailure {
            try record(runID: runID, key: key, investor: investor, addresses: addresses, messageID: message.messageID,
                       status: .failed, detail: failure.description)
            outcome.failed.append(Line(who: who, addresses: addresses, detail: failure.description))
        }
    }

    func record(runID: Int64, key: String, investor: String?, addresses: String, messageID: String, status: MailDelivery.Status,
                detail: String) throws {
        try store.recordMail(MailDelivery(runID: runID, recipient: key, investor: investor, addresses: addresses,
                                          messageID: messageID, status: status, detail: detail,
                                          attemptedAt: ISO8601DateFormatter().string(from: now())))
    }
}

/// Constants of the weekly mail.
public enum MailWeekly {
    /// The media type of `.xlsx` workbooks.
    public static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}
