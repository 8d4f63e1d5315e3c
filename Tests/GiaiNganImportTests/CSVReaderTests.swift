import XCTest
@testable import GiaiNganImport

final class CSVReaderTests: XCTestCase {
    let files = TestFiles()

    // MARK: - Quoting

    func test_quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let path = files.write("q.csv", "a,\"b, with comma\",\"say \"\"hi\"\"\"\r\n\"line1\r\nline2\nline3\",x,\"\"\r\n")
        let rows = try records(path)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].fields, ["a", "b, with comma", "say \"hi\""])
        XCTAssertEqual(rows[1].fields, ["line1\r\nline2\nline3", "x", ""])
        XCTAssertEqual(rows.map(\.line), [1, 2])
    }

    func test_recordAfterMultiLineFieldStartsOnTheLineAnEditorShows() throws {
        let path = files.write("m.csv", "h1,h2\n\"a\nb\nc\",d\ne,f\n")
        XCTAssertEqual(try records(path).map(\.line), [1, 2, 5])
    }

    func test_crlfAndLfLineEndsGiveTheSameRecords() throws {
        let lf = try records(files.write("lf.csv", "a,b\n1,2\n3,4\n"))
        let crlf = try records(files.write("crlf.csv", "a,b\r\n1,2\r\n3,4\r\n"))
        let cr = try records(files.write("cr.csv", "a,b\r1,2\r3,4"))
        XCTAssertEqual(lf.map(\.fields), crlf.map(\.fields))
        XCTAssertEqual(lf.map(\.fields), cr.map(\.fields))
        XCTAssertEqual(crlf.map(\.line), [1, 2, 3])
    }

    func test_lastRecordWithoutLineEndIsRead() throws {
        let rows = try records(files.write("n.csv", "a,b\n1,"))
        XCTAssertEqual(rows.last?.fields, ["1", ""])
    }

    func test_utf8ByteOrderMarkIsSkipped() throws {
        let path = files.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("mã dự án,x\n1,2\n".utf8))
        XCTAssertEqual(try records(path).first?.fields, ["mã dự án", "x"])
    }

    func test_blankLinesAreEmptyRecordsAtTheCSVLevel() throws {
        let rows = try records(files.write("b.csv", "a\n\n\r\nb\n"))
        XCTAssertEqual(rows.map(\.fields), [["a"], [""], [""], ["b"]])
        XCTAssertEqual(rows.map(\.line), [1, 2, 3, 4])
    }

    func test_semicolonDelimiterIsHonoured() throws {
        let rows = try records(files.write("s.csv", "a;\"b;c\";d\n"), delimiter: UInt8(ascii: ";"))
        XCTAssertEqual(rows.first?.fields, ["a", "b;c", "d"])
    }

    // MARK: - Chunk boundaries

    func test_recordsAcrossTinyChunksParseTheSame() throws {
        var text = "id,note\r\n"
        for i in 0..<200 { text += "\(i),\"note \(i), \"\"q\"\"\r\nmore\"\r\n" }
        let path = files.write("chunks.csv", text)
        let whole = try records(path)
        for chunk in [1, 2, 3, 7, 64] {
            let small = try records(path, chunkSize: chunk)
            XCTAssertEqual(small.map(\.fields), whole.map(\.fields), "chunk size \(chunk)")
            XCTAssertEqual(small.map(\.line), whole.map(\.line), "chunk size \(chunk)")
        }
        XCTAssertEqual(whole.count, 201)
        XCTAssertEqual(whole[2].line, 4)
        XCTAssertEqual(whole[2].fields[1], "note 1, \"q\"\r\nmore")
    }

    func test_bytesConsumedReachesTheFileSize() throws {
        let path = files.write("p.csv", "a,b\n1,2\n")
        let reader = try CSVReader(path: path)
        while try reader.nextRecord() {}
        XCTAssertEqual(reader.bytesConsumed, reader.fileSize)
        XCTAssertEqual(reader.fileSize, 8)
    }

    // MARK: - Structural errors

    func test_unterminatedQuoteIsReportedWhereTheQuoteOpened() {
        let path = files.write("u.csv", "a,b\n1,2\n3,\"open\n4,5\n6,7\n")
        let issue = thrownIssue { _ = try records(path) }
        XCTAssertEqual(issue?.line, 3)
        XCTAssertEqual(issue?.character, 3)
        XCTAssertTrue(issue?.expected.contains("closing quote") ?? false, issue?.description ?? "")
        XCTAssertTrue(issue?.description.hasPrefix("\(path):3:3: expected a closing quote") ?? false, issue?.description ?? "")
    }

    func test_strayQuoteInUnquotedFieldIsAnError() {
        let path = files.write("s.csv", "a,b\n1,ab\"c\n")
        let issue = thrownIssue { _ = try records(path) }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 5)
        XCTAssertTrue(issue?.expected.contains("no quote inside an unquoted field") ?? false)
    }

    func test_textAfterClosingQuoteIsAnError() {
        let path = files.write("g.csv", "a,b\n\"x\"y,2\n")
        let issue = thrownIssue { _ = try records(path) }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 4)
        XCTAssertTrue(issue?.expected.contains("after the closing quote, found \"y\"") ?? false, issue?.description ?? "")
    }

    func test_errorColumnCountsCharactersNotBytes() {
        let path = files.write("c.csv", "đường,ấp\"x\n")
        let issue = thrownIssue { _ = try records(path) }
        XCTAssertEqual(issue?.character, 9)
    }

    func test_nulByteInUTF8FileNamesLineAndColumn() {
        let path = files.write("nul.csv", bytes: Array("a,b\n1,2\n3,x".utf8) + [0] + Array("y\n".utf8))
        let issue = thrownIssue { _ = try records(path) }
        XCTAssertEqual(issue?.line, 3)
        XCTAssertEqual(issue?.character, 4)
        XCTAssertTrue(issue?.expected.contains("NUL byte") ?? false)
    }

    func test_invalidUTF8PastTheFirstChunkNamesLineAndColumn() throws {
        // The first chunk is checked as a whole when the file is opened; later bytes field by field.
        let path = files.write("bad.csv", bytes: Array("a,b\n1,ab".utf8) + [0xFF] + Array("c\n".utf8))
        let reader = try CSVReader(path: path, chunkSize: 4)
        XCTAssertTrue(try reader.nextRecord())
        XCTAssertTrue(try reader.nextRecord())
        XCTAssertEqual(try reader.string(at: 0), "1")
        let issue = thrownIssue { _ = try reader.string(at: 1) }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 5)
        XCTAssertTrue(issue?.expected.contains("0xFF") ?? false, issue?.description ?? "")
        XCTAssertTrue(issue?.expected.contains("the rest of the file is UTF-8") ?? false, "a stray byte, not a file to convert")
    }

    // MARK: - Limits

    func test_fieldOverTheSizeLimitIsAnError() {
        let big = String(repeating: "x", count: 2000)
        let path = files.write("big.csv", "a,b\n1,\(big)\n")
        let issue = thrownIssue { _ = try CSVReader(path: path, maxFieldBytes: 1000).readAll() }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 3)
        XCTAssertTrue(issue?.expected.contains("at most 1000 bytes") ?? false, issue?.description ?? "")
    }

    func test_quotedFieldOverTheSizeLimitSuggestsAMissingQuote() {
        let path = files.write("bigq.csv", "a,b\n1,\"" + String(repeating: "y\n", count: 1000))
        let issue = thrownIssue { _ = try CSVReader(path: path, maxFieldBytes: 100, chunkSize: 64).readAll() }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertTrue(issue?.expected.contains("closing quote is missing") ?? false)
    }

    func test_fieldExactlyAtTheSizeLimitIsAccepted() throws {
        let path = files.write("edge.csv", "\(String(repeating: "x", count: 100)),\"\(String(repeating: "z", count: 100))\"\n")
        let reader = try CSVReader(path: path, maxFieldBytes: 100, chunkSize: 16)
        XCTAssertTrue(try reader.nextRecord())
        XCTAssertEqual(try reader.string(at: 1).count, 100)
    }

    func test_lineOfOneHundredThousandCommasIsAnErrorNotAHang() {
        let path = files.write("commas.csv", "a,b\n" + String(repeating: ",", count: 100_000) + "\n")
        let issue = thrownIssue { _ = try CSVReader(path: path).readAll() }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertEqual(issue?.character, 1001)
        XCTAssertTrue(issue?.expected.contains("at most 1000 fields") ?? false)
    }

    func test_recordOverTheRecordLimitIsAnError() {
        let row = (0..<50).map { _ in String(repeating: "r", count: 90) }.joined(separator: ",")
        let path = files.write("rec.csv", "a\n\(row)\n")
        let issue = thrownIssue { _ = try CSVReader(path: path, maxFieldBytes: 100, maxRecordBytes: 1024, chunkSize: 256).readAll() }
        XCTAssertEqual(issue?.line, 2)
        XCTAssertTrue(issue?.expected.contains("a record of at most 1 KiB") ?? false, issue?.description ?? "")
    }

    func test_missingFileIsAnIssueNotACrash() {
        let issue = thrownIssue { _ = try CSVReader(path: files.directory.path + "/nope.csv") }
        XCTAssertTrue(issue?.expected.contains("cannot be opened") ?? false)
    }

    func test_skipLinesIgnoresQuotesInTitles() throws {
        let path = files.write("t.csv", "Title \"unbalanced\nSecond, \"line\r\na,b\n1,2\n")
        let reader = try CSVReader(path: path)
        try reader.skipLines(2)
        XCTAssertTrue(try reader.nextRecord())
        XCTAssertEqual(reader.line, 3)
        XCTAssertEqual(try reader.string(at: 0), "a")
    }
}

extension CSVReader {
    /// Reads every record, for tests that expect an error somewhere.
    func readAll() throws(ImportIssue) -> Int {
        var n = 0
        while try nextRecord() { n += 1 }
        return n
    }
}
