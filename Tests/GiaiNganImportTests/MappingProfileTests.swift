import XCTest
import Foundation
import GiaiNganCore
@testable import GiaiNganImport

final class MappingProfileTests: XCTestCase {
    let files = TestFiles()

    /// fixtures/profiles, found from this file's place in the package.
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/profiles")

    private func profileIssue(_ text: String) -> ImportIssue? {
        thrownIssue { _ = try MappingProfile(text: text, source: "test.profile") }
    }

    private func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    // MARK: - The documented example

    func test_kbnnExportImportsUnchangedWithItsProfile() throws {
        let profile = try MappingProfile.load(path: fixtures.appendingPathComponent("kbnn-camau-export.profile").path)
        XCTAssertEqual(profile.kind, .disbursements)
        XCTAssertEqual(profile.skipLines, 2)
        XCTAssertEqual(profile.unit, .million)
        XCTAssertEqual(profile.dateFormat, .dayMonthYear)
        let reader = try TableReader(path: fixtures.appendingPathComponent("kbnn-camau-export.csv").path, kind: .disbursements,
                                     options: ReadOptions(profile: profile))
        XCTAssertEqual(reader.notes.count, 1)
        XCTAssertTrue(reader.notes[0].contains("\"STT\" (1), \"Tên dự án\" (5)"), reader.notes[0])
        var entries: [LedgerEntry] = []
        var lines: [Int] = []
        while let row = try reader.nextLedgerEntry() {
            XCTAssertEqual(row.issues, [], "line \(row.line)")
            if let entry = row.value { entries.append(entry); lines.append(row.line) }
        }
        XCTAssertEqual(entries.count, 12)
        XCTAssertEqual(lines.first, 4)
        XCTAssertEqual(entries[0], LedgerEntry(txnID: "KB-2301-0001", projectCode: "7891234", planYear: 2022, tranche: .carriedOver,
                                               fundSource: "NSĐP", date: date(2023, 1, 9), type: .payment,
                                               amountVND: 1_250_500_000, note: "Thanh toán KLHT đợt cuối năm 2022"))
        XCTAssertEqual(entries[4].tranche, .current, "an empty Loại vốn is current capital")
        XCTAssertEqual(entries.map(\.type), [.payment, .payment, .advance, .advance, .payment, .payment, .advanceRecovery,
                                             .payment, .payment, .refund, .advance, .payment])
        XCTAssertEqual(entries[8].amountVND, 2_750_125_000)
        XCTAssertEqual(entries[9].note, "Nộp trả do giảm trừ khối lượng \"phát sinh\"")
        XCTAssertEqual(entries[11].amountVND, 500_000)
    }

    // MARK: - Round trip

    func test_profileRoundTripsThroughItsText() throws {
        var profile = MappingProfile(kind: .disbursements, source: "made")
        profile.skipLines = 3
        profile.delimiter = UInt8(ascii: ";")
        profile.dateFormat = .dayMonthYearShort
        profile.unit = .million
        profile.columns = ["txn_id": "Số CT", "amount_vnd": "Số tiền (triệu đồng)", "note": "# ghi chú = nội dung"]
        profile.defaults = ["plan_year": "2023", "fund_source": "NSĐP"]
        profile.entryTypes = ["tu": .advance, "thu hồi tu": .advanceRecovery]
        profile.tranches = ["kd": .carriedOver]
        let reread = try MappingProfile(text: profile.text, source: "reread")
        XCTAssertEqual(reread, profile)
        XCTAssertEqual(reread.text, profile.text)

        let fixture = try MappingProfile.load(path: fixtures.appendingPathComponent("kbnn-camau-export.profile").path)
        XCTAssertEqual(try MappingProfile(text: fixture.text, source: "again"), fixture)
    }

    // MARK: - Using a profile

    func test_defaultFillsAColumnTheExportLacks() throws {
        let profile = try MappingProfile(text: """
            kind disbursements
            delimiter ;
            column txn_id = Số CT
            column amount_vnd = Số tiền
            default plan_year = 2023
            default type = payment
            """, source: "p")
        let path = files.write("e.csv", "Số CT;Mã dự án;Ngày;Số tiền;Loại\nK1;DA1;2023-02-01;1.000;\nK2;DA1;2023-02-02;2.000;tạm ứng\n")
        let reader = try TableReader(path: path, kind: .disbursements, options: ReadOptions(profile: profile))
        let first = try XCTUnwrap(try reader.nextLedgerEntry()?.value)
        XCTAssertEqual(first.planYear, 2023)
        XCTAssertEqual(first.type, .payment)
        XCTAssertEqual(try reader.nextLedgerEntry()?.value?.type, .advance)
    }

    func test_profileSavedWithCRLFAndBOMIsRead() throws {
        let path = files.write("win.profile", bytes: [0xEF, 0xBB, 0xBF] + Array("# Notepad\r\nkind plan\r\nunit million\r\nclass CT = transitional\r\n".utf8))
        let profile = try MappingProfile.load(path: path)
        XCTAssertEqual(profile.kind, .plan)
        XCTAssertEqual(profile.unit, .million)
        XCTAssertEqual(profile.classes, ["ct": .transitional])
    }

    func test_mappedColumnsCanonicalNameBecomesAnUnknownColumn() throws {
        let profile = try MappingProfile(text: "kind projects\ncolumn project_code = Mã DA\n", source: "p")
        let path = files.write("p.csv", "Mã DA,project_code,project_name,investor\nA1,old,Đường,Ban\n")
        let reader = try TableReader(path: path, kind: .projects, options: ReadOptions(profile: profile))
        XCTAssertEqual(try reader.nextProject()?.value?.code, "A1")
        XCTAssertTrue(reader.notes.first?.contains("\"project_code\" (2)") ?? false)
    }

    func test_missingMappedColumnNamesTheProfileHeader() {
        let profile = try! MappingProfile(text: "kind projects\ncolumn investor = Chủ ĐT\n", source: "p")
        let path = files.write("p.csv", "project_code,project_name,chủ đầu tư\n")
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .projects, options: ReadOptions(profile: profile)) }
        XCTAssertTrue(issue?.expected.contains("\"investor\" (mapped by the profile to \"Chủ ĐT\")") ?? false, issue?.description ?? "")
    }

    func test_profileForAnotherKindIsRefused() {
        let profile = MappingProfile(kind: .plan, source: "plan.profile")
        let path = files.write("l.csv", "txn_id\n")
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .disbursements, options: ReadOptions(profile: profile)) }
        XCTAssertEqual(issue?.file, "plan.profile")
        XCTAssertTrue(issue?.expected.contains("this one is for a plan file") ?? false)
    }

    // MARK: - Mistakes in a profile

    func test_unknownDirectiveNamesTheProfileLine() {
        let issue = profileIssue("# c\nkind plan\n\ncolum project_code = Mã\n")
        XCTAssertEqual(issue?.file, "test.profile")
        XCTAssertEqual(issue?.line, 4)
        XCTAssertEqual(issue?.value, "colum")
        XCTAssertTrue(issue?.description.hasPrefix("test.profile:4: value \"colum\": expected a directive: kind,") ?? false,
                      issue?.description ?? "")
    }

    func test_profileWithoutKindIsRefused() {
        XCTAssertTrue(profileIssue("unit million\n")?.expected.contains("a line \"kind projects\"") ?? false)
    }

    func test_columnOfAnotherKindIsRefused() {
        let issue = profileIssue("kind plan\ncolumn txn_id = Số CT\n")
        XCTAssertEqual(issue?.line, 2)
        XCTAssertTrue(issue?.expected.contains("a column of a plan file") ?? false)
    }

    func test_columnMappedTwiceNamesTheFirstLine() {
        let issue = profileIssue("kind plan\ncolumn amount_vnd = A\ncolumn amount_vnd = B\n")
        XCTAssertEqual(issue?.line, 3)
        XCTAssertTrue(issue?.expected.contains("already is on line 2") ?? false, issue?.description ?? "")
    }

    func test_headerMappedToTwoColumnsIsRefused() {
        let issue = profileIssue("kind plan\ncolumn amount_vnd = Số tiền\ncolumn fund_source = SỐ TIỀN\n")
        XCTAssertEqual(issue?.line, 3)
        XCTAssertTrue(issue?.expected.contains("already mapped on line 2") ?? false)
    }

    func test_singleValuedDirectiveTwiceIsRefused() {
        let issue = profileIssue("kind plan\nunit vnd\nunit million\n")
        XCTAssertEqual(issue?.line, 3)
        XCTAssertTrue(issue?.expected.contains("\"unit\" once; it is already set on line 2") ?? false)
    }

    func test_badValuesInDirectivesAreRefused() {
        XCTAssertEqual(profileIssue("kind ledger\n")?.expected, "a kind: projects, plan or disbursements")
        XCTAssertEqual(profileIssue("kind plan\nskip-lines -1\n")?.line, 2)
        XCTAssertEqual(profileIssue("kind plan\ndate-format dd.MM.yyyy\n")?.value, "dd.MM.yyyy")
        XCTAssertEqual(profileIssue("kind plan\nunit billion\n")?.expected, "a unit: vnd or million")
        XCTAssertEqual(profileIssue("kind plan\ndelimiter x\n")?.expected, "a delimiter: , ; | or tab")
        XCTAssertTrue(profileIssue("kind plan\ncolumn amount_vnd Số tiền\n")?.expected.contains("with an \"=\"") ?? false)
        XCTAssertTrue(profileIssue("kind plan\nclass CT = ongoing\n")?.expected.contains("transitional or new_start") ?? false)
        XCTAssertTrue(profileIssue("kind plan\ntype TU = advance\n")?.expected.contains("only in a disbursements profile") ?? false)
        XCTAssertTrue(profileIssue("kind disbursements\ntype TU = deposit\n")?.expected.contains("advance, payment") ?? false)
        XCTAssertTrue(profileIssue("kind disbursements\ntype TU = advance\ntype tu = payment\n")?.expected.contains("line 2") ?? false)
    }

    func test_badDefaultIsRefusedWhenTheProfileIsRead() {
        let issue = profileIssue("kind disbursements\ndefault plan_year = 23\n")
        XCTAssertEqual(issue?.line, 2)
        XCTAssertTrue(issue?.expected.contains("a default that plan_year accepts: a plan year") ?? false, issue?.description ?? "")
        XCTAssertEqual(profileIssue("kind disbursements\ndate-format dd/MM/yyyy\ndefault date = 2023-01-01\n")?.line, 3)
    }

    func test_missingProfileFileIsAnIssue() {
        XCTAssertTrue(thrownIssue { _ = try MappingProfile.load(path: files.directory.path + "/none.profile") }?
            .expected.contains("cannot be opened") ?? false)
    }
}
