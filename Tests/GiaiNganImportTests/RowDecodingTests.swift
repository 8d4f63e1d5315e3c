import XCTest
import Foundation
import GiaiNganCore
@testable import GiaiNganImport

final class RowDecodingTests: XCTestCase {
    let files = TestFiles()
    let ledgerHeader = "txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\n"
    let planHeader = "project_code,plan_year,class,tranche,fund_source,amount_vnd,effective_on,decision_ref\n"

    private func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    private func ledgerRows(_ body: String, options: ReadOptions = .init()) throws -> [DecodedRow<LedgerEntry>] {
        let reader = try TableReader(path: files.write("ledger.csv", ledgerHeader + body), kind: .disbursements, options: options)
        var rows: [DecodedRow<LedgerEntry>] = []
        while let row = try reader.nextLedgerEntry() { rows.append(row) }
        return rows
    }

    private func planRows(_ text: String, options: ReadOptions = .init()) throws -> [DecodedRow<PlanLine>] {
        let reader = try TableReader(path: files.write("plan.csv", text), kind: .plan, options: options)
        var rows: [DecodedRow<PlanLine>] = []
        while let row = try reader.nextPlanLine() { rows.append(row) }
        return rows
    }

    // MARK: - Projects

    func test_projectRowDecodesWithOptionalDates() throws {
        let nfdName = "Đường  GTNT\u{00A0}xã Tân Lộc ".decomposedStringWithCanonicalMapping
        let path = files.write("projects.csv", "project_code,project_name,investor,district,procedures_completed_on,construction_started_on\n"
            + "007,\(nfdName),Ban QLDA  Cà Mau,,15/01/2023,\n")
        let reader = try TableReader(path: path, kind: .projects)
        let row = try XCTUnwrap(try reader.nextProject())
        XCTAssertEqual(row.line, 2)
        XCTAssertEqual(row.issues, [])
        let project = try XCTUnwrap(row.value)
        XCTAssertEqual(project.code, "007")
        XCTAssertEqual(project.name, "Đường GTNT xã Tân Lộc")
        XCTAssertEqual(Array(project.name.utf8), Array("Đường GTNT xã Tân Lộc".precomposedStringWithCanonicalMapping.utf8))
        XCTAssertEqual(project.investor, InvestorID("Ban QLDA Cà Mau"))
        XCTAssertNil(project.district)
        XCTAssertEqual(project.proceduresCompletedOn, date(2023, 1, 15))
        XCTAssertNil(project.constructionStartedOn)
        XCTAssertNil(try reader.nextProject())
    }

    func test_emptyRequiredTextIsAnIssue() throws {
        let path = files.write("projects.csv", "project_code,project_name,investor\nDA1,  ,Ban\n")
        let row = try XCTUnwrap(try TableReader(path: path, kind: .projects).nextProject())
        XCTAssertNil(row.value)
        XCTAssertEqual(row.issues.count, 1)
        XCTAssertEqual(row.issues[0].description, "\(path):2: column \"project_name\" (2): value \"\": expected a value; project_name is required")
    }

    // MARK: - Plan

    func test_planLineDecodesWithNegativeAdjustmentAndAliases() throws {
        let rows = try planRows(planHeader
            + "DA1,2023,CHUYỂN TIẾP,,NSĐP,-250.000.000,2023-11-20,45/QĐ-UBND\n"
            + "DA2,2023,khởi công mới,kéo dài,,1.000.000.000,15/01/2023,\n"
            + "DA3,2023,new_start,carried_over,ODA,\"1,000,000\",1/2/2023,\n".decomposedStringWithCanonicalMapping)
        XCTAssertEqual(rows.map(\.issues), [[], [], []])
        let first = try XCTUnwrap(rows[0].value)
        XCTAssertEqual(first, PlanLine(projectCode: "DA1", planYear: 2023, projectClass: .transitional, tranche: .current,
                                       fundSource: "NSĐP", amountVND: -250_000_000, effectiveOn: date(2023, 11, 20),
                                       decisionRef: "45/QĐ-UBND"))
        XCTAssertEqual(rows[1].value?.projectClass, .newStart)
        XCTAssertEqual(rows[1].value?.tranche, .carriedOver)
        XCTAssertNil(rows[1].value?.fundSource)
        XCTAssertNil(rows[1].value?.decisionRef)
        XCTAssertEqual(rows[2].value?.amountVND, 1_000_000)
        XCTAssertEqual(rows[2].value?.effectiveOn, date(2023, 2, 1))
    }

    func test_trancheDefaultsToCurrentWhenTheColumnIsAbsent() throws {
        let rows = try planRows("project_code,plan_year,class,amount_vnd,effective_on\nDA1,2024,transitional,5,2024-01-10\n")
        XCTAssertEqual(rows.first?.value?.tranche, .current)
    }

    func test_millionUnitOptionAppliesToPlanAmounts() throws {
        let rows = try planRows("project_code,plan_year,class,amount_vnd,effective_on\nDA1,2023,transitional,\"1.395,6\",2023-01-10\n",
                                options: ReadOptions(unit: .million))
        XCTAssertEqual(rows.first?.value?.amountVND, 1_395_600_000)
    }

    func test_badPlanYearAndClassAreIssuesOnTheirColumns() throws {
        let rows = try planRows(planHeader + "DA1,23,ongoing,,,5,2023-01-10,\n")
        let issues = try XCTUnwrap(rows.first?.issues)
        XCTAssertNil(rows.first?.value)
        XCTAssertEqual(issues.map(\.column), ["plan_year", "class"])
        XCTAssertEqual(issues.map(\.columnNumber), [2, 3])
        XCTAssertEqual(issues[0].expected, "a plan year: 4 digits, 2000–2099")
        XCTAssertEqual(issues[1].expected, "a project class: transitional or new_start (or chuyển tiếp, khởi công mới)")
    }

    // MARK: - Ledger

    func test_ledgerEntryDecodesEveryTypeAlias() throws {
        let rows = try ledgerRows(
            "T1,DA1,2023,,,31/03/2023,tạm ứng,1.000,\n"
            + "T2,DA1,2023,,,31/03/2023,THANH TOÁN,1.000,\n"
            + "T3,DA1,2023,,,31/03/2023,Thu hồi tạm ứng,1.000,\n"
            + "T4,DA1,2023,,,31/03/2023,nộp trả,1.000,\n".decomposedStringWithCanonicalMapping
            + "T5,DA1,2023,,,31/03/2023,advance_recovery,1.000,\n"
            + "T6,DA1,2022,trong năm,NSTW,2023-01-15,Payment,2000,\"Thanh toán, đợt \"\"1\"\"\"\n")
        XCTAssertEqual(rows.flatMap(\.issues), [])
        XCTAssertEqual(rows.compactMap(\.value?.type), [.advance, .payment, .advanceRecovery, .refund, .advanceRecovery, .payment])
        let last = try XCTUnwrap(rows.last?.value)
        XCTAssertEqual(last, LedgerEntry(txnID: "T6", projectCode: "DA1", planYear: 2022, tranche: .current, fundSource: "NSTW",
                                         date: date(2023, 1, 15), type: .payment, amountVND: 2000, note: "Thanh toán, đợt \"1\""))
    }

    func test_ledgerAmountMustBePositive() throws {
        let rows = try ledgerRows("T1,DA1,2023,,,31/03/2023,refund,-1.000,\nT2,DA1,2023,,,31/03/2023,refund,0,\n")
        XCTAssertEqual(rows.map { $0.issues.first?.column }, ["amount_vnd", "amount_vnd"])
        XCTAssertTrue(rows[0].issues[0].expected.hasPrefix("a positive amount; "))
    }

    func test_everyBadValueOfARowIsReported() throws {
        let rows = try ledgerRows(",DA1,2023,later,,31/02/2023,gift,12.34.567,\n")
        let issues = try XCTUnwrap(rows.first?.issues)
        XCTAssertEqual(issues.map(\.column), ["txn_id", "tranche", "date", "type", "amount_vnd"])
        XCTAssertEqual(issues[2].description, "\(issues[2].file):2: column \"date\" (6): value \"31/02/2023\": "
            + "expected a date that exists; 31/02/2023 is not a date: February 2023 has 28 days")
        XCTAssertTrue(issues[4].description.hasSuffix("column \"amount_vnd\" (8): value \"12.34.567\": expected a whole VND amount such as "
            + "1234567000, 1.234.567.000 or 1,234,567,000; after the first group, every group has exactly 3 digits; group 2 has 2"),
                      issues[4].description)
    }

    func test_raggedRowsNameTheLineAndBothCounts() throws {
        let rows = try ledgerRows("T1,DA1,2023,,,31/03/2023,payment,1000\nT2,DA1,2023,,,31/03/2023,payment,1000,,extra\n")
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].issues.first?.line, 2)
        XCTAssertTrue(rows[0].issues.first?.expected.hasPrefix("9 fields, as in the header (line 1); this row has 8") ?? false)
        XCTAssertTrue(rows[1].issues.first?.expected.hasPrefix("9 fields, as in the header (line 1); this row has 10") ?? false)
    }

    func test_blankLinesAreSkippedAndLinesStayTrue() throws {
        let rows = try ledgerRows("\n,,,,,,,,\r\nT1,DA1,2023,,,31/03/2023,payment,1000,\"two\nlines\"\n  \n,,\nT2,DA1,2023,,,31/03/2023,payment,1000,\n")
        XCTAssertEqual(rows.map(\.line), [4, 8])
        XCTAssertEqual(rows.compactMap(\.value?.txnID), ["T1", "T2"])
    }

    func test_longValueIsCutAndControlCharactersEscapedInTheMessage() throws {
        let long = String(repeating: "9", count: 200) + "x"
        let rows = try ledgerRows("T1,DA1,2023,,,\"31/03\n/2023\",payment,\(long),\n")
        let issues = try XCTUnwrap(rows.first?.issues)
        XCTAssertEqual(issues[0].value, "31/03\n/2023")
        XCTAssertTrue(issues[0].description.contains("value \"31/03\\n/2023\""), issues[0].description)
        XCTAssertEqual(issues[1].value, String(repeating: "9", count: 60) + "…")
        XCTAssertLessThan(issues[1].description.count, 400)
    }

    func test_progressCountsBytes() throws {
        let path = files.write("l.csv", ledgerHeader + "T1,DA1,2023,,,31/03/2023,payment,1000,\n")
        let reader = try TableReader(path: path, kind: .disbursements)
        XCTAssertEqual(reader.fileSize, ledgerHeader.utf8.count + 39)
        while try reader.nextLedgerEntry() != nil {}
        XCTAssertEqual(reader.bytesConsumed, reader.fileSize)
    }

    /// Found by scripts/fuzz (text target): the fast path for normal text decoded an overlong
    /// sequence (E0 82 AF) as "¯" and stored U+FFFD instead of refusing bytes that are not UTF-8.
    /// The first megabyte is validated whole, so it takes a byte-order mark to reach it.
    func test_overlongUTF8InATextCellIsRefusedNotStoredAsReplacementCharacters() throws {
        XCTAssertNil([0xE0, 0x82, 0xAF].withUnsafeBufferPointer(CellText.alreadyNormal))
        let path = files.write("projects.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("project_code,project_name,investor\nDA1,Đường ".utf8)
            + [0xE0, 0x82, 0xAF] + Array(",Ban QLDA\n".utf8))
        let reader = try TableReader(path: path, kind: .projects)
        let issue = thrownIssue { _ = try reader.nextProject() }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 11)
        XCTAssertTrue(issue?.expected.hasPrefix("UTF-8 text, found the byte 0xE0, which is not UTF-8") ?? false, issue?.description ?? "")
    }

    func test_structuralErrorInARowIsThrown() throws {
        let reader = try TableReader(path: files.write("l.csv", ledgerHeader + "T1,DA1,2023,,,31/03/2023,payment,1000,ab\"c\n"),
                                     kind: .disbursements)
        let issue = thrownIssue { _ = try reader.nextLedgerEntry() }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 41)
    }
}
