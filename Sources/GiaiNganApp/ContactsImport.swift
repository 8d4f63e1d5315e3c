import Foundation
import GiaiNganCore
import GiaiNganImport
import GiaiNganMail
import GiaiNganStore

/// Reads a contacts file (who receives each investor's weekly mail) and stores it whole.
///
/// The file is CSV, UTF-8 (a BOM is passed over), comma- or semicolon-separated, with a header
/// naming the columns `investor` (or `chủ đầu tư`), `email` and, optionally, `cc` in any order.
/// `email` holds one address, `a@b.vn` or `Name <a@b.vn>`; `cc` holds bare addresses separated by
/// spaces, commas or semicolons. Every investor must be one of the registry (by its name, NFC or
/// NFD alike) and appear once. The file replaces every stored contact: an investor left out is no
/// longer mailed. Any problem refuses the whole file, each listed with its line, column and value.
public enum ContactsImport {
    /// The result of a successful import.
    public struct Summary: Sendable {
        public var contacts: Int
        /// Registry investors the file gives no contact for (they will be listed as not mailed).
        public var withoutContact: [String]
    }

    public static func run(path: String, store: Store) throws -> Summary {
        let contacts = try read(path: path, store: store)
        try store.replaceContacts(contacts)
        let given = Set(contacts.map(\.investor))
        return Summary(contacts: contacts.count,
                       withoutContact: try store.investorKeys().map(\.investor).filter { !given.contains($0) }.map(\.name))
    }

    /// The contacts of the file, validated against the registry.
    public static func read(path: String, store: Store) throws -> [InvestorContact] {
        guard let head = FileHandle(forReadingAtPath: path)?.readData(ofLength: 4096) else {
            throw UsageProblem("cannot read the contacts file \(path)")
        }
        let firstLine = head.prefix { $0 != UInt8(ascii: "\n") }
        let semicolons = firstLine.filter { $0 == UInt8(ascii: ";") }.count, commas = firstLine.filter { $0 == UInt8(ascii: ",") }.count
        let delimiter = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
        let reader: CSVReader
        do { reader = try CSVReader(path: path, delimiter: delimiter) } catch { throw UsageProblem(error.description) }
        var problems: [String] = []
        func problem(_ line: Int, _ column: String, _ value: String, _ expected: String) {
            if problems.count < 50 { problems.append("\(path):\(line): column \(column): \"\(value.prefix(120))\": \(expected)") }
        }
        do {
            guard try reader.nextRecord() else { throw UsageProblem("\(path) is empty: a contacts file has a header investor,email[,cc]") }
            var columns: [String: Int] = [:]
            for i in 0..<reader.fieldCount {
                let name = NormalizedText.normalize(try reader.string(at: i)).trimmingCharacters(in: .whitespaces).lowercased()
                switch name {
                case "investor", NormalizedText.normalize("chủ đầu tư"): columns["investor"] = i
                case "email", "e-mail", "thư điện tử": columns["email"] = i
                case "cc": columns["cc"] = i
                default: break
                }
            }
            guard let investorColumn = columns["investor"], let emailColumn = columns["email"] else {
                throw UsageProblem("\(path):1: the header must name the columns investor (or chủ đầu tư) and email, "
                    + "and may name cc; found: \((0..<reader.fieldCount).map { (try? reader.string(at: $0)) ?? "?" }.joined(separator: ", "))")
            }
            var contacts: [InvestorContact] = []
            var firstLineOf: [InvestorID: Int] = [:]
            while try reader.nextRecord() {
                if reader.isBlankRecord { continue }
                let line = reader.line
                func field(_ i: Int?) throws -> String {
                    guard let i, i < reader.fieldCount else { return "" }
                    return try reader.string(at: i).trimmingCharacters(in: .whitespaces)
                }
                let name = try field(investorColumn), email = try field(emailColumn), ccText = try field(columns["cc"])
                let investor = InvestorID(name)
                if name.isEmpty {
                    problem(line, "investor", name, "the investor's name, as in the registry")
                    continue
                }
                if !(try store.hasInvestor(named: investor.name)) {
                    problem(line, "investor", name, "an investor of the registry (giaingan investors lists them); import projects first")
                }
                if let earlier = firstLineOf[investor] {
                    problem(line, "investor", name, "each investor once (already on line \(earlier))")
                }
                firstLineOf[investor] = firstLineOf[investor] ?? line
                if MailAddress.parse(email) == nil {
                    problem(line, "email", email, "one address, a@b.vn or Name <a@b.vn>")
                }
                let cc = ccText.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == "\t" }).map(String.init)
                for address in cc where MailAddress.parse(address).map({ $0.name == nil }) != true {
                    problem(line, "cc", address, "bare addresses (a@b.vn) separated by spaces, commas or semicolons")
                }
                contacts.append(InvestorContact(investor: investor, email: email, cc: cc))
            }
            guard problems.isEmpty else {
                throw UsageProblem("the contacts file was not imported (nothing was changed):\n" + problems.joined(separator: "\n"))
            }
            return contacts
        } catch let issue as ImportIssue {
            throw UsageProblem("the contacts file was not imported (nothing was changed): \(issue.description)")
        }
    }
}
