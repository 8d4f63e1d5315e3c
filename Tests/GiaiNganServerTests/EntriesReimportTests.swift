import Foundation
import GiaiNganCore
@testable import GiaiNganServer
import GiaiNganStore
import XCTest

/// The portal's `/projects/<code>/entries.csv` is re-importable: written by the portal's own code
/// (`Pages.entriesCSV`), with formula-looking txn_ids defused by a leading `'`, and imported again
/// by the real `giaingan`, it changes no row and no figure.
final class EntriesReimportTests: XCTestCase {
    func run(_ arguments: [String], in folder: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: PortalServer.binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func write(_ path: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    func test_reimportingTheEntriesExportWithDefusedTxnIDsChangesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-entries-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write(folder + "/projects.csv", "project_code,project_name,investor\nDA1,Đường ấp 1,UBND xã A\n")
        try write(folder + "/plan.csv", "project_code,plan_year,class,amount_vnd,effective_on\nDA1,2023,transitional,10000000000,2023-01-05\n")
        // txn_ids that a spreadsheet would run as formulas: the portal's CSV defuses them.
        try write(folder + "/ledger.csv", """
            txn_id,project_code,plan_year,date,type,amount_vnd,note
            =T1,DA1,2023,2023-02-01,advance,1000000000,"=HYPERLINK(""x"")"
            +T5,DA1,2023,2023-03-01,payment,500000000,
            -T6,DA1,2023,2023-03-15,payment,250000000,-2+3
            @T7,DA1,2023,2023-04-01,refund,50000000,@SUM(1)

            """)
        for (kind, file) in [("projects", "projects.csv"), ("plan", "plan.csv"), ("disbursements", "ledger.csv")] {
            let r = try run(["import", kind, file, "--db", "db.sqlite"], in: folder)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let before = try run(["check", "--db", "db.sqlite", "--as-of", "2023-06-30", "--format", "json", "--fail-on", "never"], in: folder)
        XCTAssertEqual(before.status, 0, before.stderr)

        let store = try Store(path: folder + "/db.sqlite", readOnly: true)
        let detail = try XCTUnwrap(try store.projectDetail(code: "DA1", planYear: 2023))
        let csv = Pages.entriesCSV(detail)
        for defused in ["'=T1", "'+T5", "'-T6", "'@T7"] { XCTAssertTrue(csv.contains(defused), "the export defuses \(defused): \(csv)") }
        try write(folder + "/DA1-2023.csv", csv)

        let again = try run(["import", "disbursements", "DA1-2023.csv", "--db", "db.sqlite"], in: folder)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("DA1-2023.csv: 4 rows: 0 added, 4 already present, 0 conflicts"), again.stdout)
        let after = try run(["check", "--db", "db.sqlite", "--as-of", "2023-06-30", "--format", "json", "--fail-on", "never"], in: folder)
        XCTAssertEqual(after.stdout, before.stdout, "no figure changed")
        let reread = try XCTUnwrap(try Store(path: folder + "/db.sqlite", readOnly: true).projectDetail(code: "DA1", planYear: 2023))
        XCTAssertEqual(reread.entries.map(\.txnID).sorted(), ["+T5", "-T6", "=T1", "@T7"])
        XCTAssertEqual(reread.entries.map(\.amountVND).reduce(0, +), 1_800_000_000)
    }
}
