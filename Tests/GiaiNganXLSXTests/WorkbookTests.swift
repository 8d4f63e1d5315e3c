import Foundation
import GiaiNganXLSX
import XCTest

final class XLSXWorkbookTests: XCTestCase {
    func test_aWorkbookIsAZipWithTheSheetsXML() throws {
        let bytes = try Workbook.bytes { book in
            let sheet = try book.addSheet("Tỉnh")
            try sheet.write(row: 0, column: 0, text: "Kế hoạch")
            try sheet.write(row: 0, column: 1, number: 1_234_567_000, style: CellStyle(numberFormat: "#,##0"))
            try sheet.merge(firstRow: 1, firstColumn: 0, lastRow: 1, lastColumn: 3, text: "Tiêu đề", style: CellStyle(bold: true))
        }
        XCTAssertEqual(Array(bytes.prefix(2)), [0x50, 0x4B], "PK: a ZIP container")
        XCTAssertGreaterThan(bytes.count, 2_000)
    }

    func test_sheetNamesExcelRefusesAreMadeValid() {
        XCTAssertEqual(Workbook.sheetName("Q1/2023: [tạm]"), "Q1-2023- -tạm-")
        XCTAssertEqual(Workbook.sheetName(String(repeating: "a", count: 40)).count, 31)
        XCTAssertEqual(Workbook.sheetName(""), "Sheet")
    }

    func test_textLongerThanACellHoldsIsCutWithAnEllipsis() {
        let long = String(repeating: "ế", count: 40_000)
        let cut = Sheet.cellText(long)
        XCTAssertEqual(cut.utf16.count, Sheet.maxTextCharacters)
        XCTAssertTrue(cut.hasSuffix("…"))
        XCTAssertEqual(Sheet.cellText("ngắn"), "ngắn")
    }

    func test_constantMemoryRefusesMergesAndCellsBeyondExcelAreErrors() throws {
        XCTAssertThrowsError(try Workbook.bytes(constantMemory: true) { book in
            let sheet = try book.addSheet("a")
            try sheet.merge(firstRow: 0, firstColumn: 0, lastRow: 0, lastColumn: 1, text: "x")
        })
        XCTAssertThrowsError(try Workbook.bytes { book in
            try book.addSheet("a").write(row: Sheet.maxRows, column: 0, number: 1)
        }) { error in XCTAssertTrue("\(error)".contains("beyond Excel")) }
    }

    func test_writingToAPathLeavesNoHalfFileOnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.xlsx"
        XCTAssertThrowsError(try Workbook.write(to: path) { book in
            try book.addSheet("a").write(row: -1, column: 0, number: 1)
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
        try Workbook.write(to: path) { book in try book.addSheet("a").write(row: 0, column: 0, number: 1) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.xlsx"])
    }
}
