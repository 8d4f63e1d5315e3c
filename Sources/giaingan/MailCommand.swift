import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganMail
import GiaiNganReport
import GiaiNganStore

/// The weekly run's mail options (README "Mail"); each also read from the environment, for cron.
struct MailOptions: ParsableArguments {
    @Flag(help: "After the run, mail each investor its own report and the DPI the province summary (README \"Mail\").")
    var mail = false

    @Option(name: .customLong("mail-from"), help: ArgumentHelp("The sender, a@b.vn or \"Name <a@b.vn>\".",
        discussion: "Default: $GIAINGAN_MAIL_FROM, else GiaiNgan <giaingan@HOSTNAME>.", valueName: "ADDRESS"))
    var from: String?

    @Option(name: .customLong("mail-dpi"), help: ArgumentHelp("Who receives the province summary; repeat for several.",
        discussion: "Default: $GIAINGAN_MAIL_DPI (addresses separated by commas). Without any, the summary is not mailed.",
        valueName: "ADDRESS"))
    var dpi: [String] = []

    @Option(help: ArgumentHelp("Send by SMTP to this relay instead of sendmail (plain SMTP, no TLS or AUTH).",
        discussion: "Default: $GIAINGAN_SMTP. Port 25 unless given.", valueName: "HOST[:PORT]"))
    var smtp: String?

    @Option(help: ArgumentHelp("The sendmail program, run as PATH -t -oi.",
        discussion: "Default: $GIAINGAN_SENDMAIL, else /usr/sbin/sendmail.", valueName: "PATH"))
    var sendmail: String?

    private static func env(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func validate() throws { if mail { _ = try settings() } }

    /// The settings these options give; a bad address or relay is refused before the run starts.
    func settings() throws -> MailSettings {
        let smtpText = smtp ?? MailOptions.env("GIAINGAN_SMTP")
        if smtp != nil && sendmail != nil { throw ValidationError("--smtp and --sendmail: give one way of sending, not both") }
        let transport: MailTransport
        if let smtpText {
            guard let relay = SMTPRelay.parse(smtpText) else {
                throw ValidationError("--smtp \"\(smtpText)\": expected HOST or HOST:PORT (port 1–65535), e.g. 127.0.0.1:25")
            }
            transport = .smtp(relay)
        } else {
            transport = .sendmail(path: sendmail ?? MailOptions.env("GIAINGAN_SENDMAIL") ?? "/usr/sbin/sendmail")
        }
        let fromText = from ?? MailOptions.env("GIAINGAN_MAIL_FROM") ?? "GiaiNgan <giaingan@\(MailHost.name)>"
        guard let sender = MailAddress.parse(fromText) else {
            throw ValidationError("--mail-from \"\(fromText)\": expected one address, a@b.vn or \"Name <a@b.vn>\"")
        }
        let dpiTexts = dpi.isEmpty ? (MailOptions.env("GIAINGAN_MAIL_DPI")?.split(separator: ",").map(String.init) ?? []) : dpi
        var dpiAddresses: [MailAddress] = []
        for text in dpiTexts {
            guard let address = MailAddress.parse(text) else {
                throw ValidationError("--mail-dpi \"\(text)\": expected one address, a@b.vn or \"Name <a@b.vn>\"")
            }
            dpiAddresses.append(address)
        }
        return MailSettings(transport: transport, from: sender, dpi: dpiAddresses)
    }

    /// Mails the run's folder and prints what happened; returns whether every delivery succeeded.
    func send(store: Store, outcome o: WeeklyRun.Outcome, planYear: Int, asOf: CivilDate, lang: Language) throws -> Bool {
        guard o.dataComplete else {
            print("mail: nothing mailed: this week's data is incomplete; the next run of \(asOf) mails once the files are fixed")
            return true
        }
        let m = try WeeklyMail(store: store, settings: try settings(), lang: lang)
            .send(runID: o.runID, planYear: planYear, asOf: asOf, folder: o.folder)
        for l in m.sent { print("mail: sent to \(l.who) (\(l.addresses)), \(l.detail)") }
        for l in m.alreadySent { print("mail: not again to \(l.who): \(l.detail)") }
        for l in m.notMailed { print("mail: not mailed: \(l.who): \(l.detail)") }
        for l in m.failed {
            print("mail: FAILED to \(l.who) (\(l.addresses)): \(l.detail)")
            printErr("giaingan: mail to \(l.who) failed (the next run of \(asOf) tries again): \(l.detail)")
        }
        print("mail: \(m.sent.count) sent, \(m.failed.count) failed, \(m.notMailed.count) not mailed, \(m.alreadySent.count) sent before")
        return m.failed.isEmpty
    }
}

struct Contacts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Where each investor's weekly mail goes: import the contacts file, list it.",
        discussion: """
        The contacts file is CSV (UTF-8, comma or semicolon), header investor,email[,cc] \
        (or chủ đầu tư,email,cc): one line per investor of the registry, email one address \
        (a@b.vn or Name <a@b.vn>), cc bare addresses separated by spaces. Importing replaces every \
        stored contact; any bad line refuses the whole file. README "Mail".
        """,
        subcommands: [ImportContacts.self, ListContacts.self])

    struct ImportContacts: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Replace the stored contacts with FILE.")
        @Argument(help: ArgumentHelp("The contacts file (CSV).", valueName: "FILE")) var file: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let s = try ContactsImport.run(path: file, store: try database.open())
            print("contacts: \(s.contacts) stored from \(file)")
            for name in s.withoutContact { print("no contact (not mailed): \(name)") }
        }
    }

    struct ListContacts: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Print the stored contacts as CSV.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            func field(_ s: String) -> String {
                s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            }
            print("investor,email,cc")
            for c in try database.openForReading().contacts() {
                print([c.investor.name, c.email, c.cc.joined(separator: " ")].map(field).joined(separator: ","))
            }
        }
    }
}
