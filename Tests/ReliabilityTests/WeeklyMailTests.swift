import Foundation
import GRDB
import XCTest

/// `giaingan weekly --mail` against a real SMTP server on loopback (`scripts/smtp-sink.py`,
/// aiosmtpd from PyPI) and through a sendmail program, every received message parsed by
/// Python's email package (`scripts/read-mail.py`) and every attachment read back by openpyxl.
final class WeeklyMailTests: XCTestCase {
    static let asOf = "2023-09-15"
    static let provinceFiles = ["projects.csv", "plan.csv", "disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"]

    // MARK: - The sink

    /// aiosmtpd on 127.0.0.1, on a free port, writing what it receives into a folder.
    final class Sink {
        let process = Process()
        let folder: String
        let port: Int

        init(in scratch: Scratch, name: String, refuse: [String] = []) throws {
            folder = scratch.path + "/\(name)-received"
            let portFile = scratch.path + "/\(name).port"
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Repository.root + "/scripts/smtp-sink.py", "--dir", folder, "--port-file", portFile]
                + refuse.flatMap { ["--refuse", $0] }
            let err = scratch.path + "/\(name).err"
            _ = FileManager.default.createFile(atPath: err, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            var port: Int?
            for _ in 0..<200 {
                if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let p = Int(text) { port = p; break }
                if !process.isRunning { break }
                usleep(50_000)
            }
            guard let port else {
                process.terminate()
                let why = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
                if process.terminationStatus == 3 { try WeeklyMailTests.unavailable(why) }
                throw NSError(domain: "sink", code: 1, userInfo: [NSLocalizedDescriptionKey: "the SMTP sink did not start: \(why)"])
            }
            self.port = port
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        deinit { stop() }

        /// The received messages, in the order they arrived.
        var messages: [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return names.filter { $0.hasSuffix(".eml") }.sorted { Int($0.dropLast(4)) ?? 0 < Int($1.dropLast(4)) ?? 0 }
                .map { folder + "/" + $0 }
        }

        /// The envelope recipients of a message.
        func recipients(_ eml: String) throws -> [String] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: String(eml.dropLast(4)) + ".json")))
            return (json as? [String: Any])?["rcpt_tos"] as? [String] ?? []
        }
    }

    static func unavailable(_ why: String) throws -> Never {
        let message = "the mail tests need python3 with aiosmtpd (pip install aiosmtpd): \(why)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw NSError(domain: "aiosmtpd", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
        }
        throw XCTSkip(message)
    }

    // MARK: - Reading messages

    struct Message {
        var path: String
        var subject: String
        var to: [[String]]
        var cc: [[String]]
        var from: [[String]]
        var messageID: String
        var dateParsed: String?
        var structure: [String]
        var text: String
        var html: String
        var attachments: [(filename: String, contentType: String, path: String)]
        var crlf: Bool
        var maxLine: Int
        var asciiHeaders: Bool
        var rawHeaders: String
        var defects: [String]
    }

    /// Every message parsed by Python's email package.
    static func parse(_ paths: [String], attachments: String) throws -> [Message] {
        guard !paths.isEmpty else { return [] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Repository.root + "/scripts/read-mail.py", "--attachments", attachments] + paths
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString).json")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        let err = Pipe()
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "read-mail", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
        }
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: [String: Any]])
        return try paths.map { path in
            let m = try XCTUnwrap(json[path])
            return Message(path: path, subject: m["subject"] as? String ?? "", to: m["to"] as? [[String]] ?? [],
                           cc: m["cc"] as? [[String]] ?? [], from: m["from"] as? [[String]] ?? [],
                           messageID: m["message_id"] as? String ?? "", dateParsed: m["date_parsed"] as? String,
                           structure: m["structure"] as? [String] ?? [], text: m["text"] as? String ?? "",
                           html: m["html"] as? String ?? "",
                           attachments: (m["attachments"] as? [[String: String]] ?? []).map {
                               ($0["filename"] ?? "", $0["content_type"] ?? "", $0["path"] ?? "")
                           },
                           crlf: m["crlf"] as? Bool ?? false, maxLine: m["max_line"] as? Int ?? .max,
                           asciiHeaders: m["ascii_headers"] as? Bool ?? false, rawHeaders: m["raw_headers"] as? String ?? "",
                           defects: m["defects"] as? [String] ?? [])
        }
    }

    // MARK: - The province

    struct InvestorFacts {
        var name: String
        var planVND: Int64
        var disbursedVND: Int64
        var projectCodes: [String]
        var projectNames: [String]
        /// The plans and disbursements of its own projects (another investor's total may equal one).
        var projectFigures: Set<Int64>
        var email: String
    }

    /// A database with the bundled province's registry imported, a contacts file for every
    /// investor but `withoutContact`, and an inbox holding the province's files.
    struct Setup {
        var scratch = Scratch()
        var db: String { scratch.path + "/db.sqlite" }
        var inbox: String { scratch.path + "/inbox" }
        var out: String { scratch.path + "/out" }
        var investors: [InvestorFacts] = []

        init(withoutContact: Set<Int> = []) throws {
            _ = scratch.folder("inbox")
            for f in WeeklyMailTests.provinceFiles {
                try FileManager.default.copyItem(atPath: Repository.province + "/" + f, toPath: inbox + "/" + f)
            }
            let r = try CLI.run(["import", "projects", Repository.province + "/projects.csv", "--db", db])
            precondition(r.status == 0, r.stderr)
            investors = try WeeklyMailTests.facts()
            var csv = "investor,email,cc\n"
            for (i, investor) in investors.enumerated() where !withoutContact.contains(i) {
                csv += "\"\(investor.name.replacingOccurrences(of: "\"", with: "\"\""))\",\(investor.email),\n"
            }
            let c = try CLI.run(["contacts", "import", scratch.file("contacts.csv", csv), "--db", db])
            precondition(c.status == 0, c.stderr + c.stdout)
        }

        func weekly(_ extra: [String], environment: [String: String] = [:]) throws -> CLI.Result {
            try CLI.run(["weekly", "--db", db, "--inbox", inbox, "--out", out, "--as-of", WeeklyMailTests.asOf,
                         "--mail-from", "Sở Kế hoạch và Đầu tư <giaingan@sokhdt.test>"] + extra, environment: environment)
        }

        func mailRows() throws -> [(run: Int64, recipient: String, status: String, messageID: String)] {
            try DatabaseQueue(path: db).read { db in
                try Row.fetchAll(db, sql: "SELECT run_id, recipient, status, message_id FROM run_mail ORDER BY run_id, recipient")
                    .map { ($0[0], $0[1], $0[2], $0[3]) }
            }
        }
    }

    /// Every investor of the bundled province with its figures as of the test date, from a
    /// database of its own (the whole province imported), and a made-up address.
    static let provinceFacts: [InvestorFacts] = {
        let scratch = Scratch()
        let db = scratch.path + "/facts.sqlite"
        for (kind, files) in [("projects", ["projects.csv"]), ("plan", ["plan.csv"]),
                              ("disbursements", ["disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"])] {
            let r = try! CLI.run(["import", kind] + files.map { Repository.province + "/" + $0 } + ["--db", db])
            precondition(r.status == 0, r.stderr)
        }
        let r = try! CLI.run(["check", "--db", db, "--as-of", asOf, "--format", "json", "--fail-on", "never"])
        let json = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
        let projects = json["projects"] as? [[String: Any]] ?? []
        let investors = (json["investors"] as? [[String: Any]] ?? []).sorted { ($0["investor"] as? String ?? "") < ($1["investor"] as? String ?? "") }
        return investors.enumerated().map { i, inv in
            let name = inv["investor"] as? String ?? ""
            let own = projects.filter { $0["investor"] as? String == name }
            return InvestorFacts(name: name, planVND: (inv["plan_vnd"] as? NSNumber)?.int64Value ?? -1,
                                 disbursedVND: (inv["disbursed_vnd"] as? NSNumber)?.int64Value ?? -1,
                                 projectCodes: own.compactMap { $0["project_code"] as? String },
                                 projectNames: own.compactMap { $0["project_name"] as? String },
                                 projectFigures: Set(own.flatMap { p in ["plan_vnd", "disbursed_vnd"].compactMap { (p[$0] as? NSNumber)?.int64Value } }),
                                 email: "cdt\(i + 1)@chudautu.test")
        }
    }()

    static func facts() throws -> [InvestorFacts] {
        XCTAssertEqual(provinceFacts.count, 12, "the bundled province has 12 investors")
        return provinceFacts
    }

    /// 1.234.567 (Vietnamese grouping), as the reports print amounts.
    static func grouped(_ v: Int64) -> String {
        var digits = Array(String(v))
        var out: [Character] = []
        while digits.count > 3 {
            out.insert(contentsOf: digits.suffix(3), at: 0)
            out.insert(".", at: 0)
            digits.removeLast(3)
        }
        return String(digits) + String(out)
    }

    // MARK: - Checks of one message

    /// The form every message must have, whoever it is for.
    func assertWellFormed(_ m: Message, crlf: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(m.defects, [], "\(m.path): the email package found defects", file: file, line: line)
        XCTAssertEqual(m.structure, ["multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"], m.path, file: file, line: line)
        if crlf { XCTAssertTrue(m.crlf, "\(m.path): every line ends in CRLF", file: file, line: line) }
        XCTAssertLessThanOrEqual(m.maxLine, 998, "\(m.path): no line longer than RFC 5322's 998 characters", file: file, line: line)
        XCTAssertTrue(m.asciiHeaders, "\(m.path): headers are ASCII (RFC 2047 for the rest)", file: file, line: line)
        XCTAssertTrue(m.rawHeaders.contains("=?UTF-8?B?"), "\(m.path): the Vietnamese subject is RFC 2047 encoded", file: file, line: line)
        XCTAssertNotNil(m.dateParsed, "\(m.path): a Date header", file: file, line: line)
        XCTAssertTrue(m.messageID.hasPrefix("<giaingan.run") && m.messageID.hasSuffix(">"), m.messageID, file: file, line: line)
        XCTAssertEqual(m.from.first?[0], "Sở Kế hoạch và Đầu tư", file: file, line: line)
        XCTAssertEqual(m.attachments.count, 1, file: file, line: line)
    }

    /// An investor's message holds its own name and figures and nobody else's: in the subject,
    /// both bodies and the attached workbook (read by openpyxl).
    func assertOnlyItsOwn(_ m: Message, _ own: InvestorFacts, all: [InvestorFacts], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(m.to.map { $0[1] }, [own.email], file: file, line: line)
        XCTAssertEqual(m.to.first?[0], own.name, "the To name is the investor's, decoded", file: file, line: line)
        XCTAssertTrue(m.subject.hasSuffix(own.name), m.subject, file: file, line: line)
        XCTAssertTrue(m.html.contains(own.name) || m.html.contains(own.name.replacingOccurrences(of: "&", with: "&amp;")),
                      "the HTML names its investor", file: file, line: line)
        XCTAssertTrue(m.html.contains(Self.grouped(own.planVND)), "the HTML holds its plan \(Self.grouped(own.planVND))", file: file, line: line)
        XCTAssertTrue(m.text.contains("Kế hoạch vốn: \(Self.grouped(own.planVND)) đồng; đã giải ngân: \(Self.grouped(own.disbursedVND)) đồng"),
                      "the text part holds its own totals: \(m.text)", file: file, line: line)
        let sheets = try OpenPyXL.read(try XCTUnwrap(m.attachments.first).path)
        XCTAssertFalse(sheets.isEmpty, "the attachment is a workbook openpyxl reads", file: file, line: line)
        let book = sheets.map { $0.name + "\n" + $0.allText }.joined(separator: "\n")
        let numbers = Set(sheets.flatMap { $0.cells.compactMap { $0.number.map { Int64($0) } } })
        XCTAssertTrue(book.contains(own.name), "the workbook names its investor", file: file, line: line)
        for code in own.projectCodes { XCTAssertTrue(book.contains(code), "the workbook lists its project \(code)", file: file, line: line) }
        let everything = [m.subject, m.text, m.html, book].joined(separator: "\n")
        for other in all where other.name != own.name {
            if !own.name.contains(other.name) {
                XCTAssertFalse(everything.contains(other.name), "\(own.name)'s mail names \(other.name)", file: file, line: line)
            }
            XCTAssertFalse(m.to.contains { $0[1] == other.email } || m.cc.contains { $0[1] == other.email }, file: file, line: line)
            for code in other.projectCodes {
                XCTAssertFalse(everything.contains(code), "\(own.name)'s mail holds \(other.name)'s project \(code)", file: file, line: line)
            }
            for name in other.projectNames where !own.projectNames.contains(where: { $0.contains(name) }) {
                XCTAssertFalse(everything.contains(name), "\(own.name)'s mail holds project \(name)", file: file, line: line)
            }
            // Its figures: the plan and disbursement totals, as printed and as workbook numbers.
            for v in [other.planVND, other.disbursedVND] where v > 0 && v != own.planVND && v != own.disbursedVND
                && !own.projectFigures.contains(v) {
                XCTAssertFalse(everything.contains(Self.grouped(v)), "\(own.name)'s mail holds \(other.name)'s figure \(v)", file: file, line: line)
                XCTAssertFalse(numbers.contains(v), "\(own.name)'s workbook holds \(other.name)'s figure \(v)", file: file, line: line)
            }
        }
    }

    // MARK: - Tests

    func test_eachInvestorReceivesOnlyItsOwnReport_theDPITheSummary_andASecondRunSendsNothing() throws {
        let setup = try Setup(withoutContact: [11])
        let sink = try Sink(in: setup.scratch, name: "sink")
        defer { sink.stop() }
        let smtp = ["--mail", "--smtp", "127.0.0.1:\(sink.port)", "--mail-dpi", "phong-th@sokhdt.test"]
        let first = try setup.weekly(smtp)
        XCTAssertTrue([0, 1].contains(first.status), first.stdout + first.stderr)
        XCTAssertTrue(first.stdout.contains("mail: 12 sent, 0 failed, 1 not mailed, 0 sent before"), first.stdout)
        let missing = setup.investors[11]
        XCTAssertTrue(first.stdout.contains("mail: not mailed: \(missing.name): no contact"), first.stdout)

        let received = sink.messages
        XCTAssertEqual(received.count, 12)
        let messages = try Self.parse(received, attachments: setup.scratch.folder("attachments"))
        XCTAssertEqual(Set(messages.map(\.messageID)).count, 12, "every message has its own Message-ID")
        var mailed = Set<String>()
        for m in messages {
            assertWellFormed(m)
            let rcpt = try sink.recipients(m.path)
            if rcpt == ["phong-th@sokhdt.test"] {
                XCTAssertTrue(m.subject.contains("toàn tỉnh"), m.subject)
                let report = try String(contentsOfFile: setup.out + "/\(Self.asOf)/report.html", encoding: .utf8)
                XCTAssertEqual(m.html, report, "the DPI's body is the province report as published")
                XCTAssertEqual(m.text, try String(contentsOfFile: setup.out + "/\(Self.asOf)/report.txt", encoding: .utf8))
                let book = try OpenPyXL.read(try XCTUnwrap(m.attachments.first).path).map(\.allText).joined()
                for investor in setup.investors { XCTAssertTrue(book.contains(investor.name), "the summary workbook names \(investor.name)") }
                mailed.insert("dpi")
                continue
            }
            let own = try XCTUnwrap(setup.investors.first { [$0.email] == rcpt }, "a message to \(rcpt)")
            XCTAssertNotEqual(own.name, missing.name)
            try assertOnlyItsOwn(m, own, all: setup.investors)
            mailed.insert(own.name)
        }
        XCTAssertEqual(mailed, Set(["dpi"] + setup.investors.dropLast().map(\.name)))

        // What was sent is stored with the run, each with its Message-ID.
        let rows = try setup.mailRows()
        XCTAssertEqual(rows.filter { $0.status == "sent" }.count, 12)
        XCTAssertEqual(rows.filter { $0.status == "no_contact" }.count, 1)
        XCTAssertEqual(Set(rows.filter { $0.status == "sent" }.map { "<\($0.messageID)>" }), Set(messages.map(\.messageID)))

        // A second run of the same week sends nothing, and says so.
        let second = try setup.weekly(smtp)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertEqual(sink.messages.count, 12, "nobody is mailed twice")
        XCTAssertTrue(second.stdout.contains("mail: 0 sent, 0 failed, 1 not mailed, 12 sent before"), second.stdout)
    }

    func test_aRefusedRecipientIsReportedWithExitStatus4_andTheNextRunRetriesOnlyIt() throws {
        let setup = try Setup()
        let refused = setup.investors[3]
        // The week is run once without mail, so the mailing runs have no new warning (exit 0, not 1).
        let plain = try setup.weekly([])
        XCTAssertTrue([0, 1].contains(plain.status), plain.stderr)
        let refusing = try Sink(in: setup.scratch, name: "refusing", refuse: [refused.email])
        let first = try setup.weekly(["--mail", "--smtp", "127.0.0.1:\(refusing.port)", "--mail-dpi", "phong-th@sokhdt.test"])
        refusing.stop()
        XCTAssertEqual(first.status, 4, first.stdout + first.stderr)
        XCTAssertTrue(first.stdout.contains("mail: 12 sent, 1 failed, 0 not mailed, 0 sent before"), first.stdout)
        XCTAssertTrue(first.stderr.contains("mail to \(refused.name) failed"), first.stderr)
        XCTAssertTrue(first.stderr.contains("550"), first.stderr)
        XCTAssertEqual(refusing.messages.count, 12)
        XCTAssertFalse(try refusing.messages.contains { try refusing.recipients($0).contains(refused.email) })
        XCTAssertEqual(try setup.mailRows().filter { $0.status == "failed" }.map(\.recipient).count, 1)

        let accepting = try Sink(in: setup.scratch, name: "accepting")
        defer { accepting.stop() }
        let retry = try setup.weekly(["--mail", "--smtp", "127.0.0.1:\(accepting.port)", "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        XCTAssertTrue(retry.stdout.contains("mail: 1 sent, 0 failed, 0 not mailed, 12 sent before"), retry.stdout)
        XCTAssertEqual(accepting.messages.count, 1, "only the failed delivery is tried again")
        let m = try XCTUnwrap(try Self.parse(accepting.messages, attachments: setup.scratch.folder("retry")).first)
        assertWellFormed(m)
        try assertOnlyItsOwn(m, refused, all: setup.investors)
    }

    func test_aRelayThatIsNotListeningFailsEveryDelivery_andTheNextRunSendsThemAll() throws {
        let setup = try Setup()
        _ = try setup.weekly([])
        // A port that was free a moment ago: the sink's, once stopped.
        let gone = try Sink(in: setup.scratch, name: "gone")
        gone.stop()
        let first = try setup.weekly(["--mail", "--smtp", "127.0.0.1:\(gone.port)", "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertEqual(first.status, 4, first.stdout + first.stderr)
        XCTAssertTrue(first.stdout.contains("mail: 0 sent, 13 failed"), first.stdout)
        XCTAssertTrue(first.stderr.contains("cannot connect to the relay 127.0.0.1:\(gone.port)"), first.stderr)
        let sink = try Sink(in: setup.scratch, name: "back")
        defer { sink.stop() }
        let retry = try setup.weekly(["--mail", "--smtp", "127.0.0.1:\(sink.port)", "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        XCTAssertEqual(sink.messages.count, 13)
    }

    func test_theSendmailPathGetsEachMessageOnStandardInputWithDashTAndDashOi() throws {
        let setup = try Setup()
        let spool = setup.scratch.folder("spool")
        // The interface of sendmail: arguments, and the message on standard input.
        let fake = setup.scratch.file("sendmail", """
            #!/bin/sh
            n=$(date +%s%N)-$$
            printf '%s\\n' "$@" > "\(spool)/$n.args"
            cat > "\(spool)/$n.eml"
            """)
        chmod(fake, 0o755)
        let r = try setup.weekly(["--mail", "--sendmail", fake, "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertTrue([0, 1].contains(r.status), r.stdout + r.stderr)
        let emls = try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".eml") }.sorted().map { spool + "/" + $0 }
        XCTAssertEqual(emls.count, 13)
        for eml in emls {
            let args = try String(contentsOfFile: String(eml.dropLast(4)) + ".args", encoding: .utf8)
            XCTAssertEqual(args, "-t\n-oi\n-f\ngiaingan@sokhdt.test\n")
        }
        let messages = try Self.parse(emls, attachments: setup.scratch.folder("attachments"))
        for m in messages {
            assertWellFormed(m, crlf: false)
            if let own = setup.investors.first(where: { [$0.email] == m.to.map { $0[1] } }) {
                try assertOnlyItsOwn(m, own, all: setup.investors)
            } else {
                XCTAssertEqual(m.to.map { $0[1] }, ["phong-th@sokhdt.test"])
            }
        }
        // A sendmail that fails is a failed delivery, retried by the next run.
        let failing = setup.scratch.file("sendmail-failing", "#!/bin/sh\ncat >/dev/null\necho 'sendmail: queue full' >&2\nexit 75\n")
        chmod(failing, 0o755)
        let again = try setup.weekly(["--mail", "--sendmail", failing, "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertEqual(again.status, 0, "nothing left to send: \(again.stdout)")
    }

    func test_aFailingSendmailIsReportedAndRetried() throws {
        let setup = try Setup()
        _ = try setup.weekly([])
        let failing = setup.scratch.file("sendmail-failing", "#!/bin/sh\ncat >/dev/null\necho 'sendmail: queue full' >&2\nexit 75\n")
        chmod(failing, 0o755)
        let r = try setup.weekly(["--mail", "--sendmail", failing, "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertEqual(r.status, 4, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("exited with status 75: sendmail: queue full"), r.stderr)
        XCTAssertEqual(try setup.mailRows().filter { $0.status == "failed" }.count, 13)
        let spool = setup.scratch.folder("spool")
        let fake = setup.scratch.file("sendmail", "#!/bin/sh\ncat > \"\(spool)/$(date +%s%N)-$$.eml\"\n")
        chmod(fake, 0o755)
        let retry = try setup.weekly(["--mail", "--sendmail", fake, "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spool).count, 13)
    }

    func test_nothingIsMailedWhenTheWeeksDataIsIncomplete_andTheNextWholeRunMailsEveryone() throws {
        let setup = try Setup()
        setup.scratch.file("inbox/kbnn-unknown.csv", "cot_a,cot_b\n1,2\n")
        let spool = setup.scratch.folder("spool")
        let fake = setup.scratch.file("sendmail", "#!/bin/sh\ncat > \"\(spool)/$(date +%s%N)-$$.eml\"\n")
        chmod(fake, 0o755)
        let incomplete = try setup.weekly(["--mail", "--sendmail", fake, "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertEqual(incomplete.status, 3, incomplete.stdout + incomplete.stderr)
        XCTAssertTrue(incomplete.stdout.contains("mail: nothing mailed: this week's data is incomplete"), incomplete.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spool), [])
        // The bad file is in rejected/ now: the next run of the date has whole data and mails.
        let whole = try setup.weekly(["--mail", "--sendmail", fake, "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertTrue([0, 1].contains(whole.status), whole.stdout + whole.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spool).count, 13)
    }

    func test_aMessageLeftSendingByAKilledRunIsNotSentAgain() throws {
        let setup = try Setup()
        let plain = try setup.weekly([])
        XCTAssertTrue([0, 1].contains(plain.status), plain.stderr)
        // What a run killed between handing a message over and recording the answer leaves.
        let victim = setup.investors[2]
        try DatabaseQueue(path: setup.db).write { db in
            let slug = try XCTUnwrap(try String.fetchOne(db, sql: "SELECT slug FROM investor WHERE name = ?", arguments: [victim.name]))
            let run = try XCTUnwrap(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM run"))
            try db.execute(sql: """
                INSERT INTO run_mail (run_id, recipient, investor, addresses, message_id, status, detail, attempted_at)
                VALUES (?, ?, ?, ?, 'giaingan.run1.killed@host', 'sending', '', '2023-09-15T06:30:00Z')
                """, arguments: [run, "investor:\(slug)", victim.name, victim.email])
        }
        let spool = setup.scratch.folder("spool")
        let fake = setup.scratch.file("sendmail", "#!/bin/sh\ncat > \"\(spool)/$(date +%s%N)-$$.eml\"\n")
        chmod(fake, 0o755)
        let r = try setup.weekly(["--mail", "--sendmail", fake, "--mail-dpi", "phong-th@sokhdt.test"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("mail: not again to \(victim.name): mailed by run #1 (handed over, no answer recorded)"), r.stdout)
        let emls = try FileManager.default.contentsOfDirectory(atPath: spool).map { spool + "/" + $0 }
        XCTAssertEqual(emls.count, 12)
        let messages = try Self.parse(emls, attachments: setup.scratch.folder("attachments"))
        XCTAssertFalse(messages.contains { $0.to.contains { $0[1] == victim.email } }, "the message that may have left is not sent again")
    }

    func test_aContactsFileWithABadAddressOrAnUnknownInvestorIsRefusedWhole() throws {
        let setup = try Setup()
        let before = try CLI.run(["contacts", "list", "--db", setup.db]).stdout
        let a = setup.investors[0].name, b = setup.investors[1].name
        let bad = setup.scratch.file("bad.csv", """
            chủ đầu tư,email,cc
            \(a),ke-toan@,
            Ban Không Có,x@y.test,
            \(b),b@y.test,not an address
            \(a),a@y.test,
            """)
        let r = try CLI.run(["contacts", "import", bad, "--db", setup.db])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("bad.csv:2: column email: \"ke-toan@\""), r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.csv:3: column investor: \"Ban Không Có\": an investor of the registry"), r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.csv:4: column cc: \"not\""), r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.csv:5: column investor: \"\(a)\": each investor once (already on line 2)"), r.stderr)
        XCTAssertEqual(try CLI.run(["contacts", "list", "--db", setup.db]).stdout, before, "nothing was changed")
    }

    func test_badMailOptionsStopTheRunBeforeAnythingIsImported() throws {
        let setup = try Setup()
        for options in [["--mail", "--smtp", "127.0.0.1:99999"], ["--mail", "--mail-dpi", "phong th@sokhdt"],
                        ["--mail", "--smtp", "127.0.0.1", "--sendmail", "/usr/sbin/sendmail"]] {
            let r = try setup.weekly(options)
            XCTAssertEqual(r.status, 2, "\(options): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: setup.out), "no run was made")
    }
}
