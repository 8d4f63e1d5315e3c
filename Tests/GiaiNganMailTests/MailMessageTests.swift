import Foundation
import XCTest
@testable import GiaiNganMail

final class MailMessageTests: XCTestCase {
    func message(subject: String = "Báo cáo giải ngân đến ngày 15/09/2023 — Ban Quản lý dự án đầu tư xây dựng tỉnh") -> MailMessage {
        MailMessage(from: MailAddress(name: "Sở Kế hoạch và Đầu tư", address: "giaingan@sokhdt.test"),
                    to: [MailAddress(name: "Ban Quản lý dự án", address: "bql@cdt.test")],
                    cc: [MailAddress(address: "ke-toan@cdt.test"), MailAddress(address: "BQL@cdt.test")],
                    subject: subject, text: ".a line that starts with a dot\n.\n", html: "<p>Đã giải ngân</p>",
                    attachments: [MailAttachment(fileName: "bql.xlsx", contentType: "application/octet-stream", data: Data([0, 1, 2]))],
                    date: Date(timeIntervalSince1970: 1_694_736_000), messageID: "giaingan.run1.x@host")
    }

    /// Decodes the `=?UTF-8?B?…?=` words of a header value (adjacent words joined, as RFC 2047 says).
    func decodeWords(_ value: String) -> String {
        var bytes = Data()
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\r" || $0 == "\n" }) {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return "not encoded: \(word)" }
            bytes.append(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data())
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func test_aVietnameseSubjectIsEncodedWordsOfAtMost75CharactersThatDecodeBackExactly() {
        let subject = "Báo cáo giải ngân đến ngày 15/09/2023 — Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh"
        let encoded = MIME.unstructured(subject)
        for word in encoded.split(separator: " ") { XCTAssertLessThanOrEqual(word.count, 75) }
        XCTAssertEqual(decodeWords(encoded), subject)
        XCTAssertEqual(MIME.unstructured("Weekly report"), "Weekly report", "ASCII stays as it is")
    }

    func test_aLongNameIsCutIntoEncodedWordsAfterASpaceNotInsideAWord() {
        let name = "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng tỉnh"
        let words = MIME.encodedWords(name).split(separator: " ")
        XCTAssertGreaterThan(words.count, 1)
        for word in words.dropLast() {
            let text = String(decoding: Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data(), as: UTF8.self)
            XCTAssertTrue(text.hasSuffix(" "), "\(text) ends at a space of the name")
        }
        XCTAssertEqual(decodeWords(MIME.encodedWords(name)), name)
    }

    func test_headersAreASCII_foldedAt78_andLinesEndInCRLF() {
        let text = String(decoding: message().rendered(), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        XCTAssertTrue(head.unicodeScalars.allSatisfy(\.isASCII))
        for line in head.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.count, 78, line) }
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF")
        XCTAssertTrue(head.contains("Date: Fri, 15 Sep 2023 00:00:00 +0000"))
        XCTAssertTrue(head.contains("Message-ID: <giaingan.run1.x@host>"))
        XCTAssertTrue(head.contains("MIME-Version: 1.0"))
    }

    func test_recipientsAreToThenCcEachOnceWhateverTheCase() {
        XCTAssertEqual(message().recipients, ["bql@cdt.test", "ke-toan@cdt.test"])
    }

    func test_dotStuffingDoublesADotThatStartsALineAndNothingElse() {
        let stuffed = MIME.dotStuffed(Data(".start\r\nmid.dle\r\n.\r\n..two\r\n".utf8))
        XCTAssertEqual(String(decoding: stuffed, as: UTF8.self), "..start\r\nmid.dle\r\n..\r\n...two\r\n")
    }

    func test_addressesAreReadStrictly() {
        XCTAssertEqual(MailAddress.parse("Ban QLDA <bql@cdt.vn>"), MailAddress(name: "Ban QLDA", address: "bql@cdt.vn"))
        XCTAssertEqual(MailAddress.parse(" a@b.vn "), MailAddress(address: "a@b.vn"))
        for bad in ["", "a", "a@", "@b.vn", "a b@c.vn", "a@b..vn", "a@.vn", "a@b.vn.", "tên@b.vn", "a@b.vn, c@d.vn", "a@b@c.vn"] {
            XCTAssertNil(MailAddress.parse(bad), bad)
        }
    }

    func test_relaysAreHostAndOptionalPort() {
        XCTAssertEqual(SMTPRelay.parse("127.0.0.1:2525"), SMTPRelay(host: "127.0.0.1", port: 2525))
        XCTAssertEqual(SMTPRelay.parse("mail.sokhdt.test"), SMTPRelay(host: "mail.sokhdt.test", port: 25))
        XCTAssertEqual(SMTPRelay.parse("[::1]:587"), SMTPRelay(host: "::1", port: 587))
        for bad in ["", ":25", "host:0", "host:65536", "host:x", "a b:25", "[::1]x"] { XCTAssertNil(SMTPRelay.parse(bad), bad) }
    }

    func test_base64LinesAre76Characters() {
        let lines = MIME.base64Lines(Data(repeating: 0xAB, count: 1000))
        XCTAssertTrue(lines.dropLast().allSatisfy { $0.count == 76 })
        XCTAssertEqual(Data(base64Encoded: lines.joined()), Data(repeating: 0xAB, count: 1000))
    }
}
