import XCTest
@testable import GiaiNganImport

final class EncodingTests: XCTestCase {
    let files = TestFiles()
    let text = "mã dự án,chủ đầu tư\r\nDA001,Ban QLDA Cà Mau\r\n"

    func test_utf16LittleEndianWithMarkIsRefusedWithConversionAdvice() {
        let path = files.write("le.csv", bytes: [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let issue = thrownIssue { _ = try CSVReader(path: path) }
        XCTAssertNil(issue?.line)
        XCTAssertTrue(issue?.expected.contains("UTF-16 little-endian") ?? false, issue?.description ?? "")
        XCTAssertTrue(issue?.expected.contains("CSV UTF-8 (Comma delimited)") ?? false)
        XCTAssertTrue(issue?.expected.contains("iconv -f UTF-16LE -t UTF-8 in.csv > out.csv") ?? false)
    }

    func test_utf16BigEndianWithMarkIsRefused() {
        let path = files.write("be.csv", bytes: [0xFE, 0xFF] + Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        let issue = thrownIssue { _ = try CSVReader(path: path) }
        XCTAssertTrue(issue?.expected.contains("UTF-16 big-endian") ?? false, issue?.description ?? "")
    }

    func test_utf16WithoutMarkIsRecognisedByItsNulBytes() {
        let ascii = "project_code,project_name,investor\r\nDA001,Road,Board\r\n"
        let path = files.write("nomark.csv", bytes: Array(ascii.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let issue = thrownIssue { _ = try CSVReader(path: path) }
        XCTAssertTrue(issue?.expected.contains("UTF-16 little-endian without a byte-order mark") ?? false, issue?.description ?? "")
    }

    func test_windows1258IsRefusedWithIconvAdvice() {
        // "Chủ đầu tư,Dự án" in Windows-1258: u + combining hook (D2), đ (F0) â (E2) + grave (CC), ư (FD) + dot below (F2).
        let bytes: [UInt8] = Array("Ch".utf8) + [0x75, 0xD2] + Array(" ".utf8) + [0xF0, 0xE2, 0xCC] + Array("u t".utf8) + [0xFD]
            + Array(",D".utf8) + [0xFD, 0xF2] + Array(" ".utf8) + [0xE1] + Array("n\r\n".utf8)
        let path = files.write("cp1258.csv", bytes: bytes)
        let issue = thrownIssue { _ = try CSVReader(path: path) }
        XCTAssertTrue(issue?.expected.contains("Windows-1258") ?? false, issue?.description ?? "")
        XCTAssertTrue(issue?.expected.contains("iconv -f WINDOWS-1258 -t UTF-8 in.csv > out.csv") ?? false)
        XCTAssertTrue(issue?.expected.contains("Save As → CSV UTF-8 (Comma delimited)") ?? false)
    }

    func test_legacyEncodingRefusalNamesTheFirstByteThatIsNotUTF8() {
        // "Tên,Chủ" in Windows-1258 on line 2: ê is EA, u + hook is 75 D2.
        let bytes: [UInt8] = Array("a,b\r\n".utf8) + Array("T".utf8) + [0xEA] + Array("n,Ch".utf8) + [0x75, 0xD2] + Array("\r\n".utf8)
        let issue = thrownIssue { _ = try CSVReader(path: files.write("cp1258.csv", bytes: bytes)) }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 2)
        XCTAssertTrue(issue?.expected.hasPrefix("UTF-8 text, found the byte 0xEA, which is not UTF-8; the file looks like Vietnamese in Windows-1258")
                      ?? false, issue?.description ?? "")
    }

    func test_strayByteInAUTF8FileIsNamedAsAStrayCharacterNotAnEncoding() {
        // A Windows-1252 "é" pasted into Vietnamese UTF-8 text: converting the whole file would be wrong.
        let bytes: [UInt8] = Array("mã dự án,ghi chú\n".utf8) + Array("DA1,Caf".utf8) + [0xE9] + Array(" đợt 1\n".utf8)
        let issue = thrownIssue { _ = try CSVReader(path: files.write("stray.csv", bytes: bytes)) }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 8)
        XCTAssertTrue(issue?.expected.hasPrefix("UTF-8 text, found the byte 0xE9, which is not UTF-8; the rest of the file is UTF-8")
                      ?? false, issue?.description ?? "")
        XCTAssertFalse(issue?.expected.contains("iconv") ?? true)
    }

    func test_tcvn3IsRecognisedAndRefused() {
        // "Chủ đầu tư,Dự án" in TCVN3 (ABC): ủ F1, đ AE, ầ C7, ư AD, ự F9, á B8.
        let bytes: [UInt8] = Array("Ch".utf8) + [0xF1] + Array(" ".utf8) + [0xAE, 0xC7] + Array("u t".utf8) + [0xAD]
            + Array(",D".utf8) + [0xF9] + Array(" ".utf8) + [0xB8] + Array("n\r\n".utf8)
        let path = files.write("tcvn3.csv", bytes: bytes)
        let issue = thrownIssue { _ = try CSVReader(path: path) }
        XCTAssertTrue(issue?.expected.contains("TCVN3") ?? false, issue?.description ?? "")
        XCTAssertTrue(issue?.expected.contains("iconv -f TCVN5712-1") ?? false)
    }

    func test_utf8WithAndWithoutMarkIsAccepted() throws {
        XCTAssertNoThrow(try CSVReader(path: files.write("a.csv", text)))
        XCTAssertNoThrow(try CSVReader(path: files.write("b.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))))
    }

    func test_multiByteCharacterCutAtTheEndOfTheFirstChunkIsNotAnError() throws {
        // 3 bytes of ASCII, then "ư" (C6 B0) split by a 4-byte first chunk.
        let path = files.write("cut.csv", "ab,ư\n")
        let rows = try records(path, chunkSize: 4)
        XCTAssertEqual(rows.first?.fields, ["ab", "ư"])
    }

    /// Found by scripts/fuzz (csv target): with a 1-byte first chunk the mark was read as text.
    func test_byteOrderMarkIsSkippedWhateverTheChunkSize() throws {
        let path = files.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8))
        for chunk in 1...5 {
            let rows = try records(path, chunkSize: chunk)
            XCTAssertEqual(rows.map(\.fields), [["a", "b"]], "chunk \(chunk)")
        }
        XCTAssertEqual(try records(files.write("bom-only.csv", bytes: [0xEF, 0xBB, 0xBF]), chunkSize: 1).count, 0)
    }

    func test_emptyFileIsReadableAsNoRecords() throws {
        XCTAssertEqual(try records(files.write("empty.csv", "")).count, 0)
    }
}
