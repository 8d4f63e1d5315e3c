import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GiaiNganCore
@testable import GiaiNganImport
import XCTest
import ZIPFoundation

/// The parts of the `.xlsx` reader and of the per-file decisions, one behaviour at a time.
final class SpreadsheetReadingTests: XCTestCase {
    let files = TestFiles()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    // MARK: - Numbers and dates of a worksheet

    func canonical(_ text: String) -> String? {
        var out: [UInt8] = []
        var copy = text
        let ok = copy.withUTF8 { SpreadsheetNumber.appendCanonical($0, to: &out) }
        return ok ? String(decoding: out, as: UTF8.self) : nil
    }

    func test_numberCellsAreReadAsTheSpreadsheetShowsThemTo15Digits() {
        XCTAssertEqual(canonical("1395.5999999999999"), "1395.6")
        XCTAssertEqual(canonical("0.30000000000000004"), "0.3")
        XCTAssertEqual(canonical("1.2345E+10"), "12345000000")
        XCTAssertEqual(canonical("18500000000"), "18500000000")
        XCTAssertEqual(canonical("-5"), "-5")
        XCTAssertEqual(canonical("1E-3"), "0.001")
        XCTAssertEqual(canonical("0"), "0")
        XCTAssertEqual(canonical("1000000000000000000"), "1000000000000000000")
        XCTAssertNil(canonical("12a"))
    }

    func test_aWholeNumberBeyond15DigitsStaysInexactSoNoAmountAcceptsIt() throws {
        XCTAssertEqual(canonical("1.2345678901234568E+18"), "1E18")
        XCTAssertEqual(canonical("123456789012345678"), "1E17")
        var text = Array("1E18".utf8)
        let problem = text.withUnsafeMutableBufferPointer { buffer in
            thrownValueError { _ = try AmountParser().parseExactDecimal(UnsafeBufferPointer(buffer)) }
        }
        XCTAssertTrue(problem?.expectation.contains("15 significant digits") ?? false, problem?.expectation ?? "")
    }

    func date(_ serial: String, _ system1904: Bool = false) -> String? {
        var copy = serial
        return copy.withUTF8 { SpreadsheetNumber.date(serial: $0, system1904: system1904) }?.description
    }

    func test_dateSerialsCountInTheWorkbooksDateSystem() {
        XCTAssertEqual(date("1"), "1900-01-01")
        XCTAssertEqual(date("59"), "1900-02-28")
        XCTAssertNil(date("60"), "29 February 1900 never existed")
        XCTAssertEqual(date("61"), "1900-03-01")
        XCTAssertEqual(date("44927"), "2023-01-01")
        XCTAssertEqual(date("44927.75"), "2023-01-01", "the time of day is dropped")
        XCTAssertEqual(date("0", true), "1904-01-01")
        XCTAssertEqual(date("43465", true), "2023-01-01")
        XCTAssertNil(date("-1"))
    }

    func test_dateFormatsAreToldFromNumberFormats() {
        for code in ["dd/mm/yyyy", "[$-42A]dd/mm/yyyy", "M/D/YYYY", "mmm-yy", "d-mmm", "yyyy\\-mm\\-dd", "dd/mm/yyyy hh:mm"] {
            XCTAssertTrue(NumberFormatKind.isDate(code: code), code)
        }
        for code in ["General", "0.00E+00", "#,##0", "#,##0.0", "[Red]#,##0;-#,##0", "\"đ\" #,##0", "h:mm:ss", "mm:ss", "@"] {
            XCTAssertFalse(NumberFormatKind.isDate(code: code), code)
        }
        XCTAssertTrue(NumberFormatKind.builtInDates.contains(14))
        XCTAssertFalse(NumberFormatKind.builtInDates.contains(20), "h:mm is a time")
    }

    // MARK: - The scanner against XMLParser

    /// One cell as both parsers see it: row, reference, type, style and the value's raw text.
    struct Cell: Equatable { var row: String; var reference: String; var type: String; var style: String; var value: String }

    final class Reference: NSObject, XMLParserDelegate {
        var cells: [Cell] = []
        var strings: [String] = []
        private var row = "", current: Cell?, text = "", capturing = false, inItem = false, phonetic = 0
        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch element {
            case "row": row = attributes["r"] ?? ""
            case "c": current = Cell(row: row, reference: attributes["r"] ?? "", type: attributes["t"] ?? "", style: attributes["s"] ?? "", value: "")
            case "v": capturing = true
            case "t": capturing = phonetic == 0
            case "si": inItem = true; text = ""
            case "rPh": phonetic += 1
            default: break
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard capturing else { return }
            if inItem { text += string } else { current?.value += string }
        }
        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            switch element {
            case "v", "t": capturing = false
            case "rPh": phonetic -= 1
            case "c": if let c = current { cells.append(c) }; current = nil
            case "si": strings.append(text); inItem = false
            default: break
            }
        }
    }

    struct Scanned: XMLScanHandler {
        var cells: [Cell] = []
        var row = "", current: Cell?, value: [UInt8] = [], capturing = false, inItem = false, phonetic = 0
        var strings: [String] = []
        static func text(_ b: UnsafeBufferPointer<UInt8>?) -> String { b.map { String(decoding: $0, as: UTF8.self) } ?? "" }
        mutating func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: UnsafeBufferPointer<UInt8>, selfClosing: Bool) {
            if XMLScanner.isName(name, "row") { row = Self.text(XMLScanner.attribute("r", in: attributes)) }
            else if XMLScanner.isName(name, "c") {
                current = Cell(row: row, reference: Self.text(XMLScanner.attribute("r", in: attributes)),
                               type: Self.text(XMLScanner.attribute("t", in: attributes)),
                               style: Self.text(XMLScanner.attribute("s", in: attributes)), value: "")
                value = []
            } else if XMLScanner.isName(name, "v") { capturing = true }
            else if XMLScanner.isName(name, "t") { capturing = phonetic == 0 }
            else if XMLScanner.isName(name, "si") { inItem = true; value = [] }
            else if XMLScanner.isName(name, "rPh") { phonetic += 1 }
        }
        mutating func endElement(_ name: UnsafeBufferPointer<UInt8>) {
            if XMLScanner.isName(name, "v") || XMLScanner.isName(name, "t") { capturing = false }
            else if XMLScanner.isName(name, "rPh") { phonetic -= 1 }
            else if XMLScanner.isName(name, "c"), var c = current { c.value = String(decoding: value, as: UTF8.self); cells.append(c); current = nil }
            else if XMLScanner.isName(name, "si") { strings.append(String(decoding: value, as: UTF8.self)); inItem = false }
        }
        mutating func text(_ raw: UnsafeBufferPointer<UInt8>) { if capturing { XMLScanner.appendDecoded(raw, to: &value) } }
        mutating func cdata(_ bytes: UnsafeBufferPointer<UInt8>) { if capturing { value.append(contentsOf: bytes) } }
    }

    func partBytes(_ archive: Archive, _ path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        guard let entry = archive[path] else { return [] }
        _ = try archive.extract(entry) { bytes.append(contentsOf: $0) }
        return bytes
    }

    func test_fastScannerAgreesWithXMLParserOnEveryCommittedWorkbook() throws {
        let folder = Self.repository + "/fixtures/spreadsheets/xlsx"
        var books = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xlsx") }.map { folder + "/" + $0 }
        books.append(Self.repository + "/fixtures/bad/workbook-ledger-below-a-title.xlsx")
        XCTAssertGreaterThanOrEqual(books.count, 8)
        var compared = 0
        for book in books {
            let archive = try Archive(url: URL(fileURLWithPath: book), accessMode: .read)
            for entry in archive where entry.path.hasPrefix("xl/worksheets/sheet") || entry.path == "xl/sharedStrings.xml" {
                let bytes = try partBytes(archive, entry.path)
                let reference = Reference()
                let parser = XMLParser(data: Data(bytes))
                parser.delegate = reference
                XCTAssertTrue(parser.parse(), "\(book) \(entry.path)")
                // Fed whole, and in chunks of 7 bytes, so that every token is cut somewhere.
                for chunk in [bytes.count, 7] {
                    var scanned = Scanned()
                    var scanner = XMLScanner(part: entry.path, file: book)
                    var offset = 0
                    while offset < bytes.count {
                        let end = min(bytes.count, offset + chunk)
                        try bytes[offset..<end].withUnsafeBufferPointer { try scanner.feed($0, isLast: false, into: &scanned) }
                        offset = end
                    }
                    try scanner.feed(UnsafeBufferPointer(start: nil, count: 0), isLast: true, into: &scanned)
                    XCTAssertEqual(scanned.cells, reference.cells, "\(book) \(entry.path), chunks of \(chunk)")
                    XCTAssertEqual(scanned.strings, reference.strings, "\(book) \(entry.path), chunks of \(chunk)")
                    compared += scanned.cells.count + scanned.strings.count
                }
            }
        }
        XCTAssertGreaterThan(compared, 1000)
    }

    func test_scannerDecodesReferencesAndRefusesADocumentType() throws {
        var scanned = Scanned()
        var scanner = XMLScanner(part: "x", file: "f")
        let xml = Array("<sst><si><t>A &amp; B &lt;&#x1EA0;&#7841;&gt;</t></si><si><r><t>x</t></r><rPh><t>no</t></rPh><r><t><![CDATA[<y>]]></t></r></si></sst>".utf8)
        try xml.withUnsafeBufferPointer { try scanner.feed($0, isLast: true, into: &scanned) }
        XCTAssertEqual(scanned.strings, ["A & B <Ạạ>", "x<y>"])
        var other = XMLScanner(part: "xl/worksheets/sheet1.xml", file: "f.xlsx")
        let bomb = Array("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x/>".utf8)
        let issue = thrownIssue { try bomb.withUnsafeBufferPointer { try other.feed($0, isLast: true, into: &scanned) } }
        XCTAssertTrue(issue?.expected.contains("no document type declaration") ?? false, issue?.description ?? "")
    }

    func test_officeEscapesInStringsAreDecoded() {
        var text = Array("a_x000D_b_x005F_x000D_".utf8)
        XMLScanner.decodeOfficeEscapes(&text, from: 0)
        XCTAssertEqual(String(decoding: text, as: UTF8.self), "a\rb_x000D_")
    }

    // MARK: - Decisions a file makes

    func readDate(_ text: String, _ order: DateOrder?) throws -> (CivilDate, DateParser.Evidence) {
        var copy = text
        return try copy.withUTF8 { bytes in try DateParser().read(bytes: bytes, order: order) }
    }

    func test_aDateSaysWhichOrderItIsWrittenIn() throws {
        XCTAssertEqual(try readDate("13/06/2023", nil).1, .dayFirst)
        XCTAssertEqual(try readDate("06/13/2023", nil).0.description, "2023-06-13")
        XCTAssertEqual(try readDate("06/13/2023", nil).1, .monthFirst)
        XCTAssertEqual(try readDate("06/01/2023", nil).1, .ambiguous)
        XCTAssertEqual(try readDate("06/01/2023", nil).0.description, "2023-01-06", "undecided: day first")
        XCTAssertEqual(try readDate("05/05/2023", nil).1, .none)
        XCTAssertEqual(try readDate("06/01/2023", .mdy).0.description, "2023-06-01")
        XCTAssertEqual(try readDate("2023/6/1", nil).0.description, "2023-06-01")
        XCTAssertEqual(try readDate("2023-06-01", .mdy).1, .none)
    }

    func amount(_ text: String, unit: AmountUnit = .million, _ separator: DecimalSeparator? = nil) throws -> (VND, AmountParser.Evidence) {
        var copy = text
        return try copy.withUTF8 { bytes in try AmountParser(unit: unit).read(bytes: bytes, separator: separator) }
    }

    func test_anAmountSaysWhichDecimalSeparatorItUses() throws {
        XCTAssertEqual(try amount("1.395,6").1, .shows(.comma))
        XCTAssertEqual(try amount("1.395,6").0, 1_395_600_000)
        XCTAssertEqual(try amount("18,500.25").1, .shows(.dot))
        XCTAssertEqual(try amount("18,500.25").0, 18_500_250_000)
        XCTAssertEqual(try amount("1.234.567").1, .shows(.comma))
        XCTAssertEqual(try amount("1,234,567").1, .shows(.dot))
        XCTAssertEqual(try amount("601.6").1, .shows(.dot))
        XCTAssertEqual(try amount("18,500").1, .ambiguous)
        XCTAssertEqual(try amount("601.629").1, .ambiguous)
        XCTAssertEqual(try amount("601.629", .dot).0, 601_629_000)
        XCTAssertEqual(try amount("601.629", .comma).0, 601_629_000_000)
        XCTAssertEqual(try amount("18,500", unit: .vnd).0, 18_500, "whole VND: no decimals to confuse")
    }

    func test_accountingNegativesAndCurrencySignsAreRead() throws {
        XCTAssertEqual(try amount("(5.000.000)", unit: .vnd).0, -5_000_000)
        XCTAssertEqual(try amount("1.234.000 đ", unit: .vnd).0, 1_234_000)
        XCTAssertEqual(try amount("1.234.000₫", unit: .vnd).0, 1_234_000)
        XCTAssertEqual(try amount("1.234.000 VNĐ", unit: .vnd).0, 1_234_000)
        XCTAssertEqual(try amount("₫1,234,000", unit: .vnd).0, 1_234_000)
        XCTAssertEqual(try amount("(1.234.000 đồng)", unit: .vnd).0, -1_234_000)
        XCTAssertThrowsError(try amount("(-5)", unit: .vnd))
        XCTAssertThrowsError(try amount("1.234 đ"), "a đồng sign in million VND contradicts the unit")
        XCTAssertThrowsError(try amount("1.234 USD", unit: .vnd))
    }

    func test_defusedCellsLoseTheirApostropheOnlyBeforeAFormulaSign() {
        func strip(_ text: String) -> String {
            var copy = text
            return copy.withUTF8 { String(decoding: Defused.strip($0), as: UTF8.self) }
        }
        XCTAssertEqual(strip("'=T1"), "=T1")
        XCTAssertEqual(strip("'+T5"), "+T5")
        XCTAssertEqual(strip("'-T6"), "-T6")
        XCTAssertEqual(strip("'@T7"), "@T7")
        XCTAssertEqual(strip("'\tX"), "\tX")
        XCTAssertEqual(strip("'abc"), "'abc")
        XCTAssertEqual(strip("'"), "'")
        XCTAssertEqual(Defused.strip("'=1+1"), "=1+1")
        XCTAssertEqual(Defused.strip("Nhà 'số 3'"), "Nhà 'số 3'")
    }

    // MARK: - Separator and header

    func test_theSeparatorIsFoundFromTheHeaderLineBelowATitle() {
        let text = "BẢNG KÊ, QUÝ I\n\ntxn_id;project_code;plan_year;date;type;amount_vnd\nKB-1;DA1;2023;01/02/2023;payment;1,5\n"
        let found = DelimiterSniffer.find(in: Array(text.utf8), kind: .disbursements, profile: nil)
        XCTAssertEqual(found?.delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(found?.line, 3)
        XCTAssertNil(DelimiterSniffer.find(in: Array("a;b;c\n1;2;3\n".utf8), kind: .projects, profile: nil))
    }

    func test_aTwoRowHeaderBelowMetadataIsFoundAndTheNumberingRowSkipped() throws {
        let path = files.write("l.csv", "KHO BẠC NHÀ NƯỚC\nMã chương: 418\n\n"
            + "Số chứng từ,Ngày,Mã dự án,Năm kế hoạch,Chứng từ,\n,,,,Loại,Số tiền\n(1),(2),(3),(4),(5),(6)\n"
            + "KB-1,2023-02-01,DA1,2023,thanh toán,1.000\n")
        let reader = try TableReader(path: path, kind: .disbursements)
        XCTAssertTrue(reader.notes.contains { $0.contains("l.csv:4: note: the header is on line 4–5") }, "\(reader.notes)")
        XCTAssertTrue(reader.notes.contains { $0.contains("skipped line 6, which numbers the columns (1 … 6)") }, "\(reader.notes)")
        let row = try XCTUnwrap(try reader.nextLedgerEntry())
        XCTAssertEqual(row.line, 7)
        XCTAssertEqual(row.value?.amountVND, 1_000)
        XCTAssertEqual(row.value?.type, .payment)
    }

    func test_anXLSMagicNumberIsRefusedBeforeAnyTextCheck() {
        let path = files.write("old.xls", bytes: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 512))
        let issue = thrownIssue { _ = try TableReader(path: path, kind: .projects) }
        XCTAssertTrue(issue?.expected.contains("Excel 97–2003 workbook (.xls") ?? false, issue?.description ?? "")
    }
}
