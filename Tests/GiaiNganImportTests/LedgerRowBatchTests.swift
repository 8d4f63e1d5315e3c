import XCTest
import Foundation
import GiaiNganCore
@testable import GiaiNganImport

/// The bulk path (`readLedgerRows`) must read exactly what the row-by-row path (`nextLedgerEntry`)
/// reads: the same rows, values, issues, order and structural failure, whatever the batch size.
final class LedgerRowBatchTests: XCTestCase {
    let files = TestFiles()
    let header = "txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\n"

    struct Read: Equatable {
        var rows: [(line: Int, entry: LedgerEntry?, issues: [ImportIssue])]
        var failure: ImportIssue?
        static func == (a: Read, b: Read) -> Bool {
            a.failure == b.failure && a.rows.count == b.rows.count
                && zip(a.rows, b.rows).allSatisfy { $0.line == $1.line && $0.entry == $1.entry && $0.issues == $1.issues }
        }
    }

    private func oneByOne(_ path: String, options: ReadOptions) throws -> Read {
        let reader = try TableReader(path: path, kind: .disbursements, options: options)
        var read = Read(rows: [], failure: nil)
        do {
            while let row = try reader.nextLedgerEntry() { read.rows.append((row.line, row.value, row.issues)) }
        } catch {
            read.failure = error
        }
        return read
    }

    private func inBulk(_ path: String, options: ReadOptions, limit: Int) throws -> Read {
        let reader = try TableReader(path: path, kind: .disbursements, options: options)
        var read = Read(rows: [], failure: nil)
        var batch = LedgerRowBatch()
        var more = true
        while more {
            more = reader.readLedgerRows(into: &batch, limit: limit)
            XCTAssertLessThanOrEqual(batch.count, limit)
            for i in 0..<batch.count {
                read.rows.append((batch.lines[i], batch.entry(at: i), batch.issues[i] ?? []))
            }
            if let failure = batch.failure { XCTAssertFalse(more); read.failure = failure }
        }
        XCTAssertEqual(batch.bytesConsumed, reader.bytesConsumed)
        return read
    }

    private func assertSame(_ path: String, options: ReadOptions = .init(), file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try oneByOne(path, options: options)
        XCTAssertFalse(expected.rows.isEmpty, file: file, line: line)
        for limit in [1, 2, 3, 7, 4096] {
            XCTAssertEqual(try inBulk(path, options: options, limit: limit), expected, "limit \(limit)", file: file, line: line)
        }
    }

    func test_bulkReadEqualsRowByRowOnTheBundledLedgers() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/province").path
        for name in ["disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"] {
            try assertSame(folder + "/" + name)
        }
    }

    func test_bulkReadEqualsRowByRowWithBadValuesNormalisingAndRaggedRows() throws {
        let nfd = "Thanh toán  khối lượng ".decomposedStringWithCanonicalMapping
        let body = header
            + "T1,DA1,2023,,NSĐP,31/03/2023,payment,1.000.000,\"Tạm ứng \"\"đợt 1\"\", HĐ 2\"\n"
            + "T2, DA2 ,2023,kéo dài,,2023-04-01,THU HỒI TẠM ỨNG,\"1,000\",\(nfd)\n"
            + "T3,DA1,23,current,,31/02/2023,gift,-5,\n"
            + "T4,DA1,2023\n"
            + "\n"
            + ",,,,,,,,\n"
            + ",DA1,2023,,,2023-05-01,refund,7,\n"
            + "\"T5\",\"DA3\",2023,,\" ODA\u{00A0}\",2023-05-02,advance,12.34.567,\"a\nb\"\n"
            + "T6,DA3,2023,,,2023-05-03,advance,9,\"\u{00A0}\"\n"
            + "T7,DA3,2023,,,2023-05-03,nộp trả,9,ok\n"
        try assertSame(files.write("l.csv", body))
    }

    func test_bulkReadKeepsTheRowsBeforeAStructuralFailure() throws {
        let body = header + "T1,DA1,2023,,,31/03/2023,payment,1000,\nT2,DA1,x,,,31/03/2023,payment,1000,\n"
            + "T3,DA1,2023,,,31/03/2023,payment,1000,ab\"c\nT4,DA1,2023,,,31/03/2023,payment,1000,\n"
        let path = files.write("l.csv", body)
        try assertSame(path)
        let read = try inBulk(path, options: .init(), limit: 4096)
        XCTAssertEqual(read.rows.count, 2)
        XCTAssertEqual(read.failure?.line, 4)
    }

    func test_bulkReadRefusesInvalidUTF8AsRowByRowDoes() throws {
        // Past the first 1 MiB, which the encoding check reads when the file is opened.
        var bytes = Array(header.utf8)
        for i in 1...30_000 { bytes += Array("T\(i),DA1,2023,,,31/03/2023,payment,1000,ok\n".utf8) }
        bytes += Array("T0,DA1,2023,,,31/03/2023,payment,1000,".utf8)
        bytes += [0x61, 0xE0, 0x82, 0xA9, 0x0A]   // an overlong (not UTF-8) encoding of ©
        let path = files.write("l.csv", bytes: bytes)
        try assertSame(path)
        let failure = try XCTUnwrap(try oneByOne(path, options: .init()).failure)
        XCTAssertEqual(failure.line, 30_002)
        XCTAssertTrue(failure.expected.contains("0xE0"), failure.expected)
    }

    func test_bulkReadAppliesAProfilesDefaults() throws {
        let profile = try MappingProfile(text: """
            kind disbursements
            column txn_id = Số CT
            column project_code = Mã DA
            column plan_year = Năm
            column date = Ngày
            column type = Loại
            column amount_vnd = Số tiền
            default fund_source = NSĐP
            default tranche = current
            """, source: "p.profile")
        let path = files.write("l.csv", "Số CT,Mã DA,Năm,Ngày,Loại,Số tiền\nA1,DA1,2023,2023-01-05,payment,1000\nA2,DA2,2023,2023-01-06,advance,2000\n")
        try assertSame(path, options: ReadOptions(profile: profile))
    }

    func test_aBatchStopsAtItsTextLimit() throws {
        let note = String(repeating: "x", count: 600_000)
        var body = header
        for i in 1...40 { body += "T\(i),DA1,2023,,,31/03/2023,payment,1000,\(note)\n" }
        let reader = try TableReader(path: files.write("l.csv", body), kind: .disbursements)
        var batch = LedgerRowBatch()
        XCTAssertTrue(reader.readLedgerRows(into: &batch, limit: 4096))
        XCTAssertLessThan(batch.count, 40)
        XCTAssertLessThanOrEqual(batch.text.count, TableReader.bulkTextLimit + 700_000)
    }
}
