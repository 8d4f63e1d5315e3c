import Foundation
import GiaiNganCore
import GRDB

/// Where an investor's weekly mail goes: its address and those copied.
public struct InvestorContact: Sendable, Hashable {
    public var investor: InvestorID
    /// One address, `a@b.vn` or `Name <a@b.vn>`, as the contacts file gave it.
    public var email: String
    /// Addresses copied, as given.
    public var cc: [String]

    public init(investor: InvestorID, email: String, cc: [String] = []) {
        self.investor = investor
        self.email = email
        self.cc = cc
    }
}

/// One message of a weekly run's mail, as stored with the run.
public struct MailDelivery: Sendable, Hashable {
    /// `sending` (handed to the transport, no answer recorded yet), `sent`, `failed`, or
    /// `no_contact` (nobody to send it to).
    public enum Status: String, Sendable {
        case sending, sent, failed
        case noContact = "no_contact"
    }

    public var runID: Int64
    /// `dpi` for the province summary, else `investor:<slug>`.
    public var recipient: String
    /// The investor, for an investor's report.
    public var investor: String?
    /// The envelope recipients, comma-separated (empty without a contact).
    public var addresses: String
    /// Without angle brackets; empty when nothing was sent.
    public var messageID: String
    public var status: Status
    /// Why a delivery failed, in words.
    public var detail: String
    public var attemptedAt: String

    public init(runID: Int64, recipient: String, investor: String?, addresses: String, messageID: String, status: Status,
                detail: String, attemptedAt: String) {
        self.runID = runID
        self.recipient = recipient
        self.investor = investor
        self.addresses = addresses
        self.messageID = messageID
        self.status = status
        self.detail = detail
        self.attemptedAt = attemptedAt
    }
}

extension Store {
    /// Migration v11: the contacts of investors and the mail each run sent.
    static func createMailTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE investor_contact (
                investor TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                cc TEXT NOT NULL DEFAULT '',
                imported_at TEXT NOT NULL
            );
            CREATE TABLE run_mail (
                run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                recipient TEXT NOT NULL,
                investor TEXT,
                addresses TEXT NOT NULL,
                message_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'no_contact')),
                detail TEXT NOT NULL DEFAULT '',
                attempted_at TEXT NOT NULL,
                PRIMARY KEY (run_id, recipient)
            );
            """)
    }

    /// Replaces every stored contact with `contacts`, in one transaction.
    public func replaceContacts(_ contacts: [InvestorContact]) throws {
        let now = ISO8601DateFormatter().string(from: Date())
        try write { db in
            try db.execute(sql: "DELETE FROM investor_contact")
            for c in contacts {
                try db.execute(sql: "INSERT INTO investor_contact (investor, email, cc, imported_at) VALUES (?, ?, ?, ?)",
                               arguments: [c.investor.name, c.email, c.cc.joined(separator: "\n"), now])
            }
        }
    }

    /// Every stored contact, by investor name.
    public func contacts() throws -> [InvestorContact] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT investor, email, cc FROM investor_contact ORDER BY investor").map { row in
                let cc: String = row[2]
                return InvestorContact(investor: InvestorID(row[0] as String), email: row[1],
                                       cc: cc.split(separator: "\n").map(String.init))
            }
        }
    }

    /// Whether `name` is a stored investor.
    public func hasInvestor(named name: String) throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM investor WHERE name = ?", arguments: [name]) ?? false }
    }

    /// Records one delivery of a run (replacing what that run recorded for the recipient before).
    public func recordMail(_ d: MailDelivery) throws {
        try write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO run_mail (run_id, recipient, investor, addresses, message_id, status, detail, attempted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [d.runID, d.recipient, d.investor, d.addresses, d.messageID, d.status.rawValue, d.detail, d.attemptedAt])
        }
    }

    /// The deliveries that reached their recipient (`sent`), or may have (`sending`: the process
    /// died after handing the message over), for any run of this plan year and as-of date: the
    /// recipients a new run of the same week must not mail again.
    public func mailAlreadyHandedOver(planYear: Int, asOf: CivilDate) throws -> [String: MailDelivery] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.run_id, m.recipient, m.investor, m.addresses, m.message_id, m.status, m.detail, m.attempted_at
                FROM run_mail m JOIN run r ON r.id = m.run_id
                WHERE r.plan_year = ? AND r.as_of = ? AND m.status IN ('sent', 'sending')
                ORDER BY m.run_id
                """, arguments: [planYear, asOf.dayNumber])
            var out: [String: MailDelivery] = [:]
            for row in rows {
                let d = MailDelivery(row: row)
                if out[d.recipient] == nil { out[d.recipient] = d }
            }
            return out
        }
    }

    /// Every delivery a run recorded, by recipient.
    public func mail(ofRun runID: Int64) throws -> [MailDelivery] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT run_id, recipient, investor, addresses, message_id, status, detail, attempted_at
                FROM run_mail WHERE run_id = ? ORDER BY recipient
                """, arguments: [runID]).map(MailDelivery.init(row:))
        }
    }
}

extension MailDelivery {
    init(row: Row) {
        self.init(runID: row[0], recipient: row[1], investor: row[2], addresses: row[3], messageID: row[4],
                  status: Status(rawValue: row[5]) ?? .failed, detail: row[6], attemptedAt: row[7])
    }
}
