import Foundation
import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class JSONReportTests: XCTestCase {
    func test_stringsAreEscapedAsJSONAndJavaScriptNeedAndOtherwiseKeptAsUTF8() {
        let text = "a\"b\\c\nd\re\tf\u{01}g\u{1F}h\u{7F}i\u{2028}j\u{2029}k Đường ₫ 😀 \u{E2}"
        XCTAssertEqual(JSONValue.string(text).serialized(pretty: false),
                       "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh\u{7F}i\\u2028j\\u2029k Đường ₫ 😀 \u{E2}\"")
        // What Foundation reads back is the original text.
        let data = Data(JSONValue.array([.string(text)]).serialized().utf8)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: data) as? [String], [text])
    }

    func test_integersStayExactAtTheEdgesOfInt64() {
        let values: [Int64] = [0, -1, 7, 10, 999, -1000, Int64.max, Int64.min]
        XCTAssertEqual(JSONValue.array(values.map { .int($0) }).serialized(pretty: false),
                       "[" + values.map { String($0) }.joined(separator: ",") + "]")
    }

    func test_prettyLayoutIsStable() {
        let v = JSONValue.object([("a", .array([.int(1), .null, .object([])])), ("b", .object([("c", .bool(true))])),
                                  ("d", .array([])), ("e", .number("0.35")), ("f", .raw("{\"x\":1}"))])
        XCTAssertEqual(v.serialized(), """
            {
              "a": [
                1,
                null,
                {}
              ],
              "b": {
                "c": true
              },
              "d": [],
              "e": 0.35,
              "f": {"x":1}
            }

            """)
    }

    /// The report written in pieces as it is made is the same text as the value serialised whole.
    func test_writtenInPiecesEqualsTheSerialisedValue() throws {
        // Enough projects for several 1 MiB pieces.
        var world = Sample.world()
        for i in 1...800 {
            world.project("P\(i)", investor: "Ban \(i % 7)", plan: 1_000_000_000)
            world.pay("P\(i)", Int64(i) * 1_000_000, on: "2023-03-\(10 + i % 20)")
        }
        for lang in Language.allCases {
            let e = try world.evaluate(asOf: Sample.asOf)
            var pieces: [UInt8] = []
            var count = 0
            JSONReport.write(e, lang: lang, scope: .province, to: { pieces.append(contentsOf: $0); count += 1 })
            XCTAssertGreaterThanOrEqual(count, 2, "written in more than one piece")
            let whole = JSONReport.value(e, lang: lang, scope: .province).serialized()
            XCTAssertEqual(String(decoding: pieces, as: UTF8.self), whole)
            XCTAssertEqual(JSONReport.render(e, lang: lang, scope: .province), whole)
            let parsed = try JSONSerialization.jsonObject(with: Data(pieces)) as? [String: Any]
            XCTAssertEqual((parsed?["projects"] as? [Any])?.count, e.projects.count)
            XCTAssertEqual((parsed?["warnings"] as? [Any])?.count, e.warnings.count)
        }
    }
}
