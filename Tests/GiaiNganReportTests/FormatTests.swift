import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class FormatTests: XCTestCase {
    /// The fast width is the number of characters, whatever the text.
    func test_widthIsTheCharacterCount() {
        let samples = [
            "", "abc", "Ban QLDA tỉnh", "Đường Cà Mau – Đầm Dơi", "1.234,56 tỷ", "≥ 35%", "₫ 12", "—", "…",
            "Năm Căn".decomposedStringWithCanonicalMapping, "e\u{301}", "a\r\nb", "tab\there", "👍🏽", "👨‍👩‍👧",
            "🇻🇳", "한국어", "x\u{200D}y", "\u{0600}1", "a\u{2028}b", "ʰʲ", "Ǆǅ", "\u{00AD}soft", "\u{7F}del", "\u{85}nel",
        ]
        for s in samples { XCTAssertEqual(Format.width(s), s.count, s.debugDescription) }
        var generator = SystemRandomNumberGenerator()
        let pool: [ClosedRange<UInt32>] = [0x20...0x7E, 0xA0...0x2FF, 0x300...0x36F, 0x1E00...0x1EFF, 0x2000...0x206F,
                                           0x20A0...0x20CF, 0x1F300...0x1F3FF, 0x09...0x0D]
        for _ in 0..<2_000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                let range = pool.randomElement(using: &generator)!
                if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &generator)) { s.append(scalar) }
            }
            let text = String(s)
            XCTAssertEqual(Format.width(text), text.count, text.debugDescription)
        }
    }

    func test_groupedAmounts() {
        XCTAssertEqual(Format.grouped(0, separator: "."), "0")
        XCTAssertEqual(Format.grouped(999, separator: "."), "999")
        XCTAssertEqual(Format.grouped(1_000, separator: "."), "1.000")
        XCTAssertEqual(Format.grouped(-1_234_567, separator: ","), "-1,234,567")
        XCTAssertEqual(Format.grouped(Int64.max, separator: "."), "9.223.372.036.854.775.807")
        XCTAssertEqual(Format.grouped(Int64.min, separator: ","), "-9,223,372,036,854,775,808")
        XCTAssertEqual(Format.grouped(1_234_567, separator: " · "), "1 · 234 · 567")
    }

    func test_tableRowsLoseTrailingSpacesOnly() {
        var t = TextTable(headers: ["a", "b"], aligns: [.left, .left])
        t.add(["x", ""])
        t.add(["Đầm Dơi", "y"])
        t.add(["\u{0600}", ""])
        let lines = t.render(indent: "").split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[2], "x")
        XCTAssertEqual(lines[3], "Đầm Dơi  y")
        XCTAssertFalse(lines.contains { $0.hasSuffix(" ") && !$0.hasSuffix("\u{0600} ") })
    }

    func test_terminalSafeEscapesControlAndBidiCharactersOnly() {
        XCTAssertEqual(Format.terminalSafe("UBND huyện Năm Căn\n\tx"), "UBND huyện Năm Căn\n\tx")
        XCTAssertEqual(Format.terminalSafe("a\u{1B}[2Jb"), "a\\u{1B}[2Jb")
        XCTAssertEqual(Format.terminalSafe("\u{1B}]0;t\u{07}"), "\\u{1B}]0;t\\u{7}")
        XCTAssertEqual(Format.terminalSafe("x\u{7F}\u{9B}y"), "x\\u{7F}\\u{9B}y")
        XCTAssertEqual(Format.terminalSafe("\u{202E}abc\u{2066}"), "\\u{202E}abc\\u{2066}")
        XCTAssertEqual(Format.terminalSafe("\r"), "\\u{D}")
        XCTAssertEqual(Format.terminalSafe("đ ₫ – — “”"), "đ ₫ – — “”", "ordinary non-ASCII passes")
    }
}
