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

    /// The elements of an array made in pieces elsewhere are the text the writer would have
    /// written itself, to a sink and to memory, with any number of helpers and any lookahead;
    /// without pieces, the writer makes them.
    func test_elementsMadeInPiecesAreTheTextTheWriterWouldWrite() {
        let elements = 0..<23
        func document<W: JSONOut>(_ run: PieceRun?, into w: inout W) {
            w.beginObject()
            w.key("a"); w.int(1)
            w.key("list"); w.array { w in w.elements(run) { w in for i in elements { JSONWriterTests.pieceElement(i, into: &w) } } }
            w.key("empty"); w.array { w in w.elements(run.map { PieceRun(pieces: $0.pieces, range: $0.range.upperBound..<$0.range.upperBound) }) { _ in } }
            w.key("z"); w.null()
            w.endObject()
        }
        let value = JSONTree.make { document(nil, into: &$0) }.serialized()
        var madeHere = JSONWriter()
        document(nil, into: &madeHere)
        XCTAssertEqual(String(decoding: madeHere.out.bytes, as: UTF8.self) + "\n", value)
        for per in [1, 4, 23, 50] {
            let count = (elements.count + per - 1) / per
            for helpers in 0...3 {
                for lookahead in [1, 2, 8] {
                    func pieces() -> OrderedPieces {
                        OrderedPieces(count: count, lookahead: lookahead, helpers: helpers) { k, bytes in
                            var w = JSONWriter(continuing: bytes, arrayAt: 2, elementsBefore: k > 0)
                            bytes = []
                            for i in (k * per)..<min(elements.count, (k + 1) * per) { JSONWriterTests.pieceElement(i, into: &w) }
                            bytes = w.out.bytes
                        }
                    }
                    let inMemory = pieces()
                    var whole = JSONWriter()
                    whole.object { w in w.key("doc"); document(PieceRun(pieces: inMemory, range: 0..<count), into: &w) }
                    inMemory.finish()
                    let expected = JSONTree.make { w in w.object { w in w.key("doc"); document(nil, into: &w) } }.serialized()
                    XCTAssertEqual(String(decoding: whole.out.bytes, as: UTF8.self) + "\n", expected, "\(per) per piece, \(helpers) helpers")

                    let streamedPieces = pieces()
                    var handed: [[UInt8]] = []
                    withoutActuallyEscaping({ (b: UnsafeRawBufferPointer) in handed.append(Array(b)) }) { sink in
                        var streamed = JSONWriter(sink: sink, pieceBytes: 16)
                        streamed.object { w in w.key("doc"); document(PieceRun(pieces: streamedPieces, range: 0..<count), into: &w) }
                        streamed.finish()
                    }
                    streamedPieces.finish()
                    XCTAssertEqual(String(decoding: handed.joined(), as: UTF8.self), expected)
                    XCTAssertGreaterThanOrEqual(handed.count, count, "each piece handed on as it is")
                }
            }
        }
    }

    /// An element of the arrays of the pieces test: an object now and then, a number otherwise.
    static func pieceElement<W: JSONOut>(_ i: Int, into w: inout W) {
        if i % 3 == 0 { w.object { w in w.key("i"); w.int(Int64(i)); w.key("s"); w.string("x\(i)\"") } } else { w.int(Int64(i)) }
    }

    /// Pieces are taken in order, each made once, whoever makes it, and a reader that stops
    /// early lets the helpers go.
    func test_orderedPiecesAreMadeOnceAndTakenInOrder() {
        final class Counts: @unchecked Sendable {
            let lock = NSLock()
            var made = [Int](repeating: 0, count: 200)
            func add(_ k: Int) { lock.lock(); made[k] += 1; lock.unlock() }
        }
        for helpers in 0...3 {
            let counts = Counts()
            let pieces = OrderedPieces(count: 200, lookahead: 3, helpers: helpers) { k, bytes in
                counts.add(k)
                var text = "piece \(k);"
                text.withUTF8 { bytes.append(contentsOf: $0) }
            }
            var read = ""
            for k in 0..<200 {
                let piece = pieces.take(k)
                read += String(decoding: Array(piece), as: UTF8.self)
                pieces.giveBack(piece)
            }
            pieces.finish()
            XCTAssertEqual(read, (0..<200).map { "piece \($0);" }.joined())
            counts.lock.lock()
            XCTAssertEqual(counts.made, [Int](repeating: 1, count: 200), "\(helpers) helpers")
            counts.lock.unlock()

            let early = OrderedPieces(count: 1000, lookahead: 2, helpers: helpers) { k, bytes in bytes.append(UInt8(k % 256)) }
            XCTAssertEqual(Array(early.take(0)), [0])
            early.finish()
        }
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

