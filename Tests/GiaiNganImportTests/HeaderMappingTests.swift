import XCTest
import Foundation
import GiaiNganCore
@testable import GiaiNganImport

final class HeaderMappingTests: XCTestCase {
    let files = TestFiles()

    func test_vietnameseAliasesInNFDAndUpperCaseAreMatched() throws {
        let header = "MÃ DỰ ÁN,  Tên   dự án ,CHỦ ĐẦU TƯ,Địa Bàn".decomposedStringWithCanonicalMapping
        XCTAssertNotEqual(Array(header.utf8), Array(header.precomposedStringWithCanonicalMapping.utf8))
        let path = files.write("p.csv", header + "\nDA001,Đường,Ban QLDA,Thới Bình\n")
        let reader = try TableReader(path: path, kind: .projects)
        XCTAssertEqual(reader.notes, [])
        let project = try XCTUnwrap(try reader.nextProject()?.value)
        XCTAssertEqual(project.code, "DA001")
        XCTAssertEqual(project.district, "Thới Bình")
    }

    func test_canonicalNamesMatchInAnyCase() throws {
        let path = files.write("p.csv", "Project_Code,PROJECT_NAME,Investor\nDA001,Đường,Ban\n")
        XCTAssertEqual(try TableReader(path: path, kind: .projects).nextProject()?.value?.code, "DA001")
    }

    func test_duplicateHeaderNamesBothColumns() {
        let path = files.write("d.csv", "project_code,project_name,investor,Mã dự án\n")
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .projects) }
        XCTAssertEqual(issue?.line, 1)
        XCTAssertEqual(issue?.columnNumber, 4)
        XCTAssertTrue(issue?.expected.contains("\"project_code\" (1) and \"Mã dự án\" (4) both name project_code") ?? false,
                      issue?.description ?? "")
    }

    func test_missingRequiredColumnIsNamedWithItsAlias() {
        let path = files.write("m.csv", "txn_id,project_code,plan_year,date,type,note\n")
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .disbursements) }
        XCTAssertEqual(issue?.line, 1)
        XCTAssertTrue(issue?.expected.contains("the required column \"amount_vnd\" (alias \"số tiền\")") ?? false, issue?.description ?? "")
    }

    func test_missingColumnsOfAnotherKindSayWhatTheFileLooksLike() {
        let path = files.write("plan.csv", "project_code,plan_year,class,amount_vnd,effective_on\n")
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .disbursements) }
        XCTAssertTrue(issue?.expected.contains("looks like a plan file") ?? false, issue?.description ?? "")
    }

    func test_unknownColumnsAreIgnoredAndReportedOnce() throws {
        let path = files.write("u.csv", "project_code,Ghi chú,project_name,investor,Người lập,\nDA1,x,Đường,Ban,y,\nDA2,x,Cầu,Ban,y,\n")
        let reader = try TableReader(path: path, kind: .projects)
        XCTAssertEqual(reader.notes.count, 2)
        XCTAssertTrue(reader.notes[0].contains("ignored 2 columns that a projects file (the project registry) does not use: \"Ghi chú\" (2), \"Người lập\" (5)"),
                      reader.notes[0])
        XCTAssertTrue(reader.notes[1].contains("ignored column 6, which has no name"))
        XCTAssertEqual(try reader.nextProject()?.value?.name, "Đường")
        XCTAssertEqual(try reader.nextProject()?.value?.name, "Cầu")
        XCTAssertEqual(reader.notes.count, 2)
    }

    func test_headerThatIsReallyDataIsRefused() {
        let path = files.write("nohead.csv", "DA001,2023,transitional,,NSTW,1.000.000.000,15/01/2023,12/QĐ-UBND\n")
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .plan) }
        XCTAssertEqual(issue?.line, 1)
        XCTAssertTrue(issue?.expected.contains("a header row naming the columns") ?? false, issue?.description ?? "")
        XCTAssertTrue(issue?.expected.contains("looks like data (\"2023\", \"1.000.000.000\", \"15/01/2023\")") ?? false,
                      issue?.description ?? "")
    }

    func test_headerOfAnUnknownLayoutSuggestsAProfile() {
        let path = files.write("other.csv", "Số CT,Ngày CT,Giá trị (triệu đồng)\nKB1,01/02/2023,\"1,5\"\n")
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .disbursements) }
        XCTAssertTrue(issue?.expected.contains("none of its 3 columns is known: for an export with its own headers, use a mapping profile") ?? false,
                      issue?.description ?? "")
    }

    func test_emptyFileIsRefused() {
        let path = files.write("empty.csv", "\n\r\n,,\n")
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .plan) }
        XCTAssertTrue(issue?.expected.contains("the file is empty") ?? false)
    }

    // MARK: - Detection

    func test_detectRecognisesEachKindFromItsHeader() throws {
        let projects = files.write("a.csv", "mã dự án,tên dự án,chủ đầu tư\n")
        let plan = files.write("b.csv", "\u{FEFF}project_code,plan_year,class,amount_vnd,effective_on,tranche\r\n")
        let ledger = files.write("c.csv", "Số chứng từ,Mã dự án,Năm kế hoạch,Ngày,Loại,Số tiền,Diễn giải\n")
        XCTAssertEqual(try FileKind.detect(path: projects), .projects)
        XCTAssertEqual(try FileKind.detect(path: plan), .plan)
        XCTAssertEqual(try FileKind.detect(path: ledger), .disbursements)
    }

    func test_detectRefusesAHeaderThatFitsNoKind() {
        let path = files.write("x.csv", "a,b,c\n")
        let issue = thrownIssue { _ = try FileKind.detect(path: path) }
        XCTAssertEqual(issue?.line, 1)
        XCTAssertTrue(issue?.expected.contains("disbursements: txn_id, project_code, plan_year, date, type, amount_vnd") ?? false,
                      issue?.description ?? "")
    }

    func test_detectFollowsTheProfileKind() throws {
        let path = files.write("y.csv", "whatever\n")
        let profile = MappingProfile(kind: .plan)
        XCTAssertEqual(try FileKind.detect(path: path, options: ReadOptions(profile: profile)), .plan)
    }
    /// Vietnamese reports head money columns with their unit: "Số tiền (triệu đồng)". The header
    /// decides the unit when none is given, and a given unit must agree with it.
    func test_aHeaderThatNamesItsUnitDecidesIt_andAGivenUnitMustAgree() throws {
        let files = TestFiles()
        let path = files.write("u.csv", "txn_id,project_code,plan_year,tranche,fund_source,date,type,Số tiền (triệu đồng),note\n"
            + "T1,P1,2023,current,NSTW,2023-08-10,payment,\"300,5\",x\nT2,P1,2023,current,NSTW,2023-08-11,payment,1.000,x\n")
        let reader = try TableReader(path: path, kind: .disbursements)
        XCTAssertEqual(reader.unit, .million)
        var amounts: [Int64] = []
        while let row = try reader.nextLedgerEntry() { amounts.append(row.value?.amountVND ?? -1) }
        XCTAssertEqual(amounts, [300_500_000, 1_000_000_000])
        XCTAssertTrue(reader.notes.contains { $0.contains("as the header \"Số tiền (triệu đồng)\" says") }, "\(reader.notes)")
        var given = ReadOptions(unit: .million)
        given.unitIsGiven = true
        XCTAssertEqual(try TableReader(path: path, kind: .disbursements, options: given).unit, .million)
        given.unit = .vnd
        XCTAssertThrowsError(try TableReader(path: path, kind: .disbursements, options: given)) { error in
            XCTAssertTrue("\(error)".contains("the header names triệu đồng"), "\(error)")
        }
        // "(đồng)" is whole VND; the default unit without a header unit stays whole VND.
        let dong = files.write("d.csv", "project_code,plan_year,class,amount_vnd (đồng),effective_on\nP1,2023,new,1.000.000,2023-01-05\n")
        XCTAssertEqual(try TableReader(path: dong, kind: .plan).unit, .vnd)
        var million = ReadOptions(unit: .million)
        million.unitIsGiven = true
        XCTAssertThrowsError(try TableReader(path: dong, kind: .plan, options: million))
        // A column named like another one with a unit that is not money stays unknown.
        let odd = files.write("o.csv", "project_code,plan_year,class,amount_vnd,effective_on,ghi chú (triệu đồng)\nP1,2023,new,1.000,2023-01-05,x\n")
        XCTAssertEqual(try TableReader(path: odd, kind: .plan).unit, .vnd)
    }
}
