import Foundation
import XCTest
import GiaiNganCore
@testable import GiaiNganReport

/// The report is written once, against `JSONOut`: as text by `JSONWriter`, as a value by
/// `JSONTree`. The text must be what the value serialises to, byte for byte, for every kind of
/// member, at every depth, empty containers and edge values included.
final class JSONWriterTests: XCTestCase {
    /// Writes a document with every member kind to any output.
    private func document<W: JSONOut>(into w: inout W) {
        w.beginObject()
        w.key("empty_object"); w.beginObject(); w.endObject()
        w.key("empty_array"); w.beginArray(); w.endArray()
        w.key("null"); w.null()
        w.key("true"); w.bool(true)
        w.key("false"); w.bool(false)
        w.key("ints")
        w.array { w in for i: Int64 in [0, -1, 7, Int64.max, Int64.min, 1_234_567_000] { w.int(i) } }
        w.key("text"); w.string("a\"b\\c\nĐường ₫ \u{2028} 😀")
        w.key("number"); w.number("0.25")
        w.key("rates")
        w.array { w in
            let rates: [Rate?] = [nil, Rate(disbursedVND: 0, planVND: 1), Rate(disbursedVND: 1, planVND: 3),
                                  Rate(disbursedVND: 349_999, planVND: 1_000_000), Rate(disbursedVND: -1, planVND: 3),
                                  Rate(disbursedVND: -5, planVND: 10_000_000), Rate(disbursedVND: 10, planVND: 10),
                                  Rate(disbursedVND: Int64.max, planVND: 1), Rate(disbursedVND: Int64.min, planVND: 1),
                                  Rate(disbursedVND: 2_000_000_000_001, planVND: 1_000_000_000_000)]
            for r in rates { w.rate(r) }
        }
        w.key("dates")
        w.array { w in
            for d in [CivilDate(year: 2023, month: 1, day: 3), CivilDate(year: 1900, month: 2, day: 28),
                      CivilDate(year: 9999, month: 9, day: 9)] {
                if let d { w.date(d) }
            }
        }
        w.key("value"); w.value(.object([("nested", .array([.int(1), .object([]), .array([])]))]))
        w.key(String("a \"run-time\" key"))
        w.object { w in
            w.key("deep")
            w.array { w in
                for k in 0..<3 {
                    w.object { w in
                        w.key("k"); w.int(Int64(k))
                        w.key("deeper"); w.array { w in w.array { w in w.array { w in w.array { w in w.string("x") } } } }
                    }
                    w.elementWritten()
                }
            }
        }
        w.endObject()
    }

    func test_theTextIsWhatTheValueSerialisesTo() {
        let value = JSONTree.make { document(into: &$0) }
        var writer = JSONWriter()
        document(into: &writer)
        XCTAssertEqual(String(decoding: writer.out.bytes, as: UTF8.self) + "\n", value.serialized())
        // And it is JSON that Foundation reads, with the rates rounded down.
        let parsed = try? JSONSerialization.jsonObject(with: Data(writer.out.bytes)) as? [String: Any]
        XCTAssertNotNil(parsed)
        let rates = String(decoding: writer.out.bytes, as: UTF8.self)
        XCTAssertTrue(rates.contains("0.333333"))
        XCTAssertTrue(rates.contains("0.349999"))
        XCTAssertTrue(rates.contains("-0.333334"), "a negative rate is rounded toward negative infinity, as fractionText")
        XCTAssertTrue(rates.contains("-0.000001"))
        XCTAssertTrue(rates.contains("\"1900-02-28\""))
        XCTAssertTrue(rates.contains("\"9999-09-09\""))
    }

    func test_ratesAreWrittenAsFractionTextWrites() {
        var samples: [Rate] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let plan = Int64.random(in: 1...2_000_000_000_000, using: &generator)
            let disbursed = Int64.random(in: -plan...(3 * plan), using: &generator)
            if let r = Rate(disbursedVND: disbursed, planVND: plan) { samples.append(r) }
        }
        for r in samples {
            var writer = JSONWriter()
            writer.rate(r)
            XCTAssertEqual(String(decoding: writer.out.bytes, as: UTF8.self), r.fractionText(digits: 6), "\(r)")
        }
    }

    func test_piecesHandedToTheSinkMakeTheWholeText() {
        var pieces: [UInt8] = []
        var count = 0
        withoutActuallyEscaping({ (b: UnsafeRawBufferPointer) in pieces.append(contentsOf: b); count += 1 }) { sink in
            var writer = JSONWriter(sink: sink, pieceBytes: 64)
            document(into: &writer)
            writer.finish()
        }
        XCTAssertGreaterThanOrEqual(count, 3)
        XCTAssertEqual(String(decoding: pieces, as: UTF8.self), JSONTree.make { document(into: &$0) }.serialized())
    }

    /// A member written elsewhere is taken as it was written; without it, the writer makes it.
    func test_aMemberWrittenElsewhereIsTakenAsWritten_orMadeHere() {
        func member<W: JSONOut>(_ bytes: (() -> ByteStore)?, into w: inout W) {
            w.beginObject()
            w.key("a"); w.int(1)
            w.key("list"); w.written(bytes) { w in w.array { w in w.int(2); w.string("x") } }
            w.endObject()
        }
        var elsewhere = JSONWriter(indent: 1)
        elsewhere.array { w in w.int(2); w.string("x") }
        let made = elsewhere.out.bytes
        var taken = JSONWriter(), madeHere = JSONWriter()
        member({ made }, into: &taken)
        member(nil, into: &madeHere)
        let value = JSONTree.make { member({ [] }, into: &$0) }.serialized()
        XCTAssertEqual(String(decoding: taken.out.bytes, as: UTF8.self) + "\n", value)
        XCTAssertEqual(String(decoding: madeHere.out.bytes, as: UTF8.self) + "\n", value)
        // To a sink, the member written elsewhere goes out as it is, after the text before it.
        var pieces: [[UInt8]] = []
        withoutActuallyEscaping({ (b: UnsafeRawBufferPointer) in pieces.append(Array(b)) }) { sink in
            var streamed = JSONWriter(sink: sink)
            member({ made }, into: &streamed)
            streamed.finish()
        }
        XCTAssertEqual(String(decoding: pieces.joined(), as: UTF8.self), value)
        XCTAssertTrue(pieces.contains(Array(made)), "handed on whole, not copied into a piece")
    }

    /// The eight-bytes-at-a-time test of `quote` says yes for every byte it must look at, in
    /// every position of the word, and no for a word of bytes that need nothing.
    func test_theWordTestFindsEveryByteThatMayNeedEscaping() {
        let plain = Array("abcdefgh".utf8)
        for value in 0...255 {
            let needs = value < 0x20 || value == 0x22 || value == 0x5C || value == 0xE2
            for position in 0..<8 {
                var bytes = plain
                bytes[position] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                if needs { XCTAssertTrue(JSONBytes.mayNeedEscape(word), "byte \(value) at \(position)") }
            }
            let same = [UInt8](repeating: UInt8(value), count: 8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            XCTAssertEqual(JSONBytes.mayNeedEscape(same), needs, "eight bytes \(value)")
        }
        XCTAssertFalse(JSONBytes.mayNeedEscape(Array("Đường 1".utf8 + [0x21]).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
    }

    /// Quoting text of every length, with characters to escape anywhere among Vietnamese letters,
    /// gives what Foundation reads back as the same text, with U+2028/U+2029 escaped.
    func test_quotedTextOfEveryLengthReadsBackUnchanged() throws {
        let pieces = ["a", "Đ", "ường", "\"", "\\", "\n", "\t", "\u{01}", "\u{1F}", "\u{2028}", "\u{2029}", "₫", "–", "😀", "xyz12345"]
        var generator = SystemRandomNumberGenerator()
        for length in 0..<60 {
            var text = ""
            for _ in 0..<length { text += pieces[Int.random(in: 0..<pieces.count, using: &generator)] }
            var out = JSONBytes()
            out.quote(text)
            let quoted = String(decoding: out.bytes, as: UTF8.self)
            XCTAssertFalse(quoted.contains("\u{2028}") || quoted.contains("\u{2029}"), quoted)
            XCTAssertFalse(quoted.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, quoted)
            let back = try JSONSerialization.jsonObject(with: Data(("[" + quoted + "]").utf8)) as? [String]
            XCTAssertEqual(back, [text], quoted)
        }
    }

    /// The writer's bytes are a value: a copy that is changed leaves the original as it was,
    /// growing keeps every byte, and emptying keeps or drops the room as asked.
    func test_byteStoreIsAValueThatGrowsWithoutLosingAByte() {
        var a = ByteStore()
        var expected: [UInt8] = []
        for k in 0..<200_000 {
            let byte = UInt8(truncatingIfNeeded: k &* 31)
            if k % 3 == 0 { a.append(byte) } else { [byte, 0x41].withUnsafeBufferPointer { a.append(contentsOf: $0) } }
            expected += k % 3 == 0 ? [byte] : [byte, 0x41]
        }
        XCTAssertEqual(Array(a), expected)
        var b = a
        b.append(0x7A)
        b.append(contentsOf: [1, 2, 3])
        XCTAssertEqual(Array(a), expected, "the original is unchanged")
        XCTAssertEqual(Array(b), expected + [0x7A, 1, 2, 3])
        var c = b
        c.removeAll(keepingCapacity: true)
        XCTAssertTrue(c.isEmpty)
        XCTAssertEqual(b.count, expected.count + 4, "emptying a copy leaves the original")
        c.append(contentsOf: a)
        XCTAssertEqual(Array(c), expected)
        let literal: ByteStore = [0x22, 0x5C]
        XCTAssertEqual(Array(literal), [0x22, 0x5C])
        XCTAssertEqual(literal.withUnsafeBytes { Array($0) }, [0x22, 0x5C])
    }
}

