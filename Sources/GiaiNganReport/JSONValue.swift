import GiaiNganCore

/// A JSON value with ordered keys, written by hand so that the output is stable byte for byte,
/// integers stay exact (VND beyond 2^53 survive), and Vietnamese text stays unescaped UTF-8.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    /// A number already formatted as JSON (for rates rounded down to a fixed number of decimals).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Text that is already serialised JSON (a stored warning, for example).
    case raw(String)

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    /// Serialises with two-space indentation (`pretty`) or compactly.
    ///
    /// The text is built as UTF-8 bytes and becomes a `String` once: a check of a large province
    /// writes some 70 MB of JSON, and appending to a `String` scalar by scalar took seconds.
    public func serialized(pretty: Bool = true) -> String {
        var out = JSONBytes()
        write(into: &out, indent: pretty ? 0 : nil)
        if pretty { out.bytes.append(0x0A) }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    func write(into out: inout JSONBytes, indent: Int?) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(i)
        case .number(let n): out.append(n)
        case .raw(let r): out.append(r)
        case .string(let s): out.quote(s)
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
                out.newline(indent.map { $0 + 1 })
                item.write(into: &out, indent: indent.map { $0 + 1 })
            }
            out.newline(indent)
            out.bytes.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty { out.append("{}"); return }
            out.bytes.append(UInt8(ascii: "{"))
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
                out.newline(indent.map { $0 + 1 })
                out.quote(k)
                out.append(indent == nil ? ":" : ": ")
                v.write(into: &out, indent: indent.map { $0 + 1 })
            }
            out.newline(indent)
            out.bytes.append(UInt8(ascii: "}"))
        }
    }

}

/// Where JSON goes as it is made, member by member: UTF-8 text (``JSONWriter``) or a value
/// (``JSONTree``). The report's layout is written once, against this protocol, so that the text
/// `check --format json` streams and the value `JSONReport.value` returns cannot differ.
///
/// Writing the text straight from the results, without a value in between, is what keeps a
/// large province's report (some 90 MB: 20,000 projects, 30,000 warnings) a fraction of the
/// check's time: a value made every field an allocation.
protocol JSONOut {
    mutating func beginObject()
    mutating func endObject()
    mutating func beginArray()
    mutating func endArray()
    /// The key of the next member of the open object: plain ASCII, as every key of the report.
    mutating func key(_ k: StaticString)
    /// A key made at run time (a fund source group's name): quoted as a JSON string.
    mutating func key(_ k: String)
    mutating func value(_ v: JSONValue)
    mutating func null()
    mutating func bool(_ b: Bool)
    mutating func int(_ i: Int64)
    mutating func string(_ s: String)
    /// A number already formatted as JSON.
    mutating func number(_ n: String)
    /// A rate as a decimal fraction rounded down to six decimals (`Rate.fractionText`), or null.
    mutating func rate(_ r: Rate?)
    /// A date as `yyyy-MM-dd` (`CivilDate.description`).
    mutating func date(_ d: CivilDate)
    /// After an element of a long array: where the text made so far may be handed on.
    mutating func elementWritten()
    /// Elements of the open array that `run`'s pieces hold, made elsewhere (``OrderedPieces``),
    /// when this output is text and `run` is given; otherwise `make` writes them here.
    mutating func elements(_ run: PieceRun?, otherwise make: (inout Self) -> Void)
}

extension JSONOut {
    mutating func optional(_ s: String?) { if let s { string(s) } else { null() } }
    mutating func object(_ body: (inout Self) -> Void) { beginObject(); body(&self); endObject() }
    mutating func array(_ body: (inout Self) -> Void) { beginArray(); body(&self); endArray() }
}

/// JSON text as `JSONValue.serialized()` writes it (two-space indentation), made as it goes.
struct JSONWriter: JSONOut {
    var out = JSONBytes()
    /// Members or elements written so far in each open object or array, innermost last.
    private var counts: [Int] = []
    private var afterKey = false
    private let base: Int
    private let sink: ((UnsafeRawBufferPointer) -> Void)?
    private let pieceBytes: Int

    /// - parameter indent: the depth the first value is written at (a member of the top object: 1).
    /// - parameter sink: where the text goes in pieces of about `pieceBytes`, at `elementWritten()`.
    init(indent: Int = 0, reserve: Int = 1 << 16, sink: ((UnsafeRawBufferPointer) -> Void)? = nil, pieceBytes: Int = 1 << 20) {
        base = indent
        self.sink = sink
        self.pieceBytes = pieceBytes
        out.bytes.reserveCapacity(reserve)
        counts.reserveCapacity(16)
    }

    /// Elements of an array opened at depth `depth` (a member of the top object: 1), written
    /// after `bytes`, as the writer of the whole text would write them after `elementsBefore`
    /// others: a piece of that array (``OrderedPieces``).
    init(continuing bytes: ByteStore, arrayAt depth: Int, elementsBefore: Bool) {
        base = depth
        sink = nil
        pieceBytes = .max
        out.bytes = bytes
        counts = [elementsBefore ? 1 : 0]
    }

    private var depth: Int { base + counts.count }

    /// Before a value or a key: the comma and line break that separate it from the one before.
    private mutating func separate() {
        if afterKey { afterKey = false; return }
        guard let n = counts.last else { return }
        if n > 0 { out.bytes.append(UInt8(ascii: ",")) }
        counts[counts.count - 1] = n + 1
        out.newline(depth)
    }

    mutating func beginObject() { separate(); out.bytes.append(UInt8(ascii: "{")); counts.append(0) }
    mutating func beginArray() { separate(); out.bytes.append(UInt8(ascii: "[")); counts.append(0) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func close(_ bracket: UInt8) {
        let n = counts.removeLast()
        if n > 0 { out.newline(depth) }
        out.bytes.append(bracket)
    }

    mutating func key(_ k: StaticString) {
        separate()
        out.bytes.append(UInt8(ascii: "\""))
        k.withUTF8Buffer { out.bytes.append(contentsOf: $0) }
        out.bytes.append(UInt8(ascii: "\""))
        out.bytes.append(UInt8(ascii: ":"))
        out.bytes.append(UInt8(ascii: " "))
        afterKey = true
    }

    mutating func key(_ k: String) {
        separate()
        out.quote(k)
        out.append(": ")
        afterKey = true
    }

    mutating func value(_ v: JSONValue) { separate(); v.write(into: &out, indent: depth) }
    mutating func null() { separate(); out.append("null") }
    mutating func bool(_ b: Bool) { separate(); out.append(b ? "true" : "false") }
    mutating func int(_ i: Int64) { separate(); out.append(i) }
    mutating func string(_ s: String) { separate(); out.quote(s) }
    mutating func number(_ n: String) { separate(); out.append(n) }

    mutating func rate(_ r: Rate?) {
        separate()
        guard let r else { out.append("null"); return }
        // As Rate.fractionText(digits: 6): the floor of the rate × 10^6, its magnitude's whole part,
        // a point and six digits.
        let scaled = r.floor(scale: 1_000_000)
        if scaled < 0 { out.bytes.append(UInt8(ascii: "-")) }
        let magnitude = scaled.magnitude
        let whole = magnitude / 1_000_000, fraction = Int64(magnitude % 1_000_000)
        if let w = Int64(exactly: whole) { out.append(w) } else { out.append(String(whole)) }
        out.bytes.append(UInt8(ascii: "."))
        var scale: Int64 = 100_000
        while scale > 0 {
            out.bytes.append(UInt8(ascii: "0") + UInt8(fraction / scale % 10))
            scale /= 10
        }
    }

    mutating func date(_ d: CivilDate) {
        separate()
        guard (0...9999).contains(d.year) else { out.quote(d.description); return }
        let y = d.year, m = d.month, day = d.day
        let zero = UInt8(ascii: "0")
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 12) { b in
            b[0] = UInt8(ascii: "\"")
            b[1] = zero + UInt8(y / 1000); b[2] = zero + UInt8(y / 100 % 10); b[3] = zero + UInt8(y / 10 % 10); b[4] = zero + UInt8(y % 10)
            b[5] = UInt8(ascii: "-"); b[6] = zero + UInt8(m / 10); b[7] = zero + UInt8(m % 10)
            b[8] = UInt8(ascii: "-"); b[9] = zero + UInt8(day / 10); b[10] = zero + UInt8(day % 10)
            b[11] = UInt8(ascii: "\"")
            out.bytes.append(contentsOf: UnsafeBufferPointer(b))
        }
    }

    mutating func elementWritten() {
        guard let sink, out.bytes.count >= pieceBytes else { return }
        out.bytes.withUnsafeBytes(sink)
        out.bytes.removeAll(keepingCapacity: true)
    }

    mutating func elements(_ run: PieceRun?, otherwise make: (inout JSONWriter) -> Void) {
        guard let run else { return make(&self) }
        guard !run.range.isEmpty, let n = counts.last else { return }
        for k in run.range {
            let piece = run.pieces.take(k)
            if let sink {
                // Handed on as it is, after the text before it, not copied into this writer's piece.
                if out.bytes.count > 0 {
                    out.bytes.withUnsafeBytes(sink)
                    out.bytes.removeAll(keepingCapacity: true)
                }
                piece.withUnsafeBytes(sink)
            } else {
                out.bytes.append(contentsOf: piece)
            }
            run.pieces.giveBack(piece)
        }
        counts[counts.count - 1] = n + 1
    }

    /// Hands what is left to the sink.
    mutating func finish() {
        out.bytes.append(0x0A)
        if let sink { out.bytes.withUnsafeBytes(sink); out.bytes.removeAll() }
    }
}

/// A ``JSONValue`` made by writing it member by member.
struct JSONTree: JSONOut {
    private enum Open {
        case object([(String, JSONValue)])
        case array([JSONValue])
    }
    /// The open containers, innermost last, each with the key it has in the one around it.
    private var open: [(key: String, container: Open)] = []
    private var pendingKey = ""
    /// The value written (the last top-level one).
    private(set) var result: JSONValue = .null

    private mutating func add(_ v: JSONValue, key: String) {
        guard let last = open.popLast() else { result = v; return }
        switch last.container {
        case .object(var pairs):
            pairs.append((key, v))
            open.append((last.key, .object(pairs)))
        case .array(var items):
            items.append(v)
            open.append((last.key, .array(items)))
        }
    }

    private mutating func add(_ v: JSONValue) { add(v, key: pendingKey) }

    mutating func beginObject() { open.append((pendingKey, .object([]))) }
    mutating func beginArray() { open.append((pendingKey, .array([]))) }
    mutating func endObject() { end() }
    mutating func endArray() { end() }

    private mutating func end() {
        guard let last = open.popLast() else { preconditionFailure("a JSON object or array is closed that was not opened") }
        switch last.container {
        case .object(let pairs): add(.object(pairs), key: last.key)
        case .array(let items): add(.array(items), key: last.key)
        }
    }

    mutating func key(_ k: StaticString) { pendingKey = k.description }
    mutating func key(_ k: String) { pendingKey = k }
    mutating func value(_ v: JSONValue) { add(v) }
    mutating func null() { add(.null) }
    mutating func bool(_ b: Bool) { add(.bool(b)) }
    mutating func int(_ i: Int64) { add(.int(i)) }
    mutating func string(_ s: String) { add(.string(s)) }
    mutating func number(_ n: String) { add(.number(n)) }
    mutating func rate(_ r: Rate?) { add(r.map { .number($0.fractionText(digits: 6)) } ?? .null) }
    mutating func date(_ d: CivilDate) { add(.string(d.description)) }
    mutating func elementWritten() {}
    mutating func elements(_ run: PieceRun?, otherwise make: (inout JSONTree) -> Void) { make(&self) }

    /// What `write` writes, as a value.
    static func make(_ write: (inout JSONTree) -> Void) -> JSONValue {
        var tree = JSONTree()
        write(&tree)
        return tree.result
    }
}

/// Bytes appended at the end, by `memcpy`: JSON text is written a few bytes at a time (some
/// 90 MB for a large province), and an array's `append(contentsOf:)` went through its generic
/// copy for each of millions of pieces. A value: a copy that is changed gets its own storage
/// first, as an array's does, which is also why it can be handed to another thread.
struct ByteStore: RandomAccessCollection, ExpressibleByArrayLiteral, @unchecked Sendable {
    /// Storage that is never resized: growing makes a new block.
    final class Block {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int
        init(capacity: Int) {
            self.capacity = Swift.max(64, capacity)
            base = .allocate(capacity: self.capacity)
        }
        deinit { base.deallocate() }
    }

    private var block: Block
    private(set) var count = 0

    init() { block = Block(capacity: 1 << 16) }
    init(arrayLiteral elements: UInt8...) {
        block = Block(capacity: elements.count)
        for e in elements { append(e) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < count, "index within the bytes")
        return block.base[position]
    }

    /// Room for `capacity` bytes in all.
    mutating func reserveCapacity(_ capacity: Int) {
        if capacity > block.capacity || !isKnownUniquelyReferenced(&block) { move(to: Swift.max(capacity, count)) }
    }

    private mutating func move(to capacity: Int) {
        let moved = Block(capacity: capacity)
        moved.base.update(from: block.base, count: count)
        block = moved
    }

    /// Room for `n` more bytes in storage this value alone holds.
    @inline(__always)
    private mutating func prepare(_ n: Int) {
        if count + n > block.capacity || !isKnownUniquelyReferenced(&block) {
            move(to: Swift.max(count + n, count > block.capacity / 2 ? 2 * block.capacity : block.capacity))
        }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        prepare(1)
        block.base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        prepare(bytes.count)
        (block.base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        append(contentsOf: bytes.bindMemory(to: UInt8.self))
    }

    mutating func append(contentsOf bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append(contentsOf: $0) } }

    mutating func append(contentsOf bytes: ByteStore) { bytes.withUnsafeBytes { append(contentsOf: $0) } }

    mutating func removeAll(keepingCapacity: Bool = false) {
        if !keepingCapacity { block = Block(capacity: 64) } else if !isKnownUniquelyReferenced(&block) { block = Block(capacity: block.capacity) }
        count = 0
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(block) { try body(UnsafeRawBufferPointer(start: block.base, count: count)) }
    }
}

/// The UTF-8 bytes of JSON text being written.
struct JSONBytes {
    var bytes = ByteStore()

    init() {}

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A decimal integer, without making a `String`.
    mutating func append(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    mutating func newline(_ indent: Int?) {
        guard let indent else { return }
        if indent < 8 {
            // A line break and up to 14 spaces from one constant: the usual depths.
            JSONBytes.indents.withUTF8Buffer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<(1 + 2 * indent)])) }
            return
        }
        bytes.append(0x0A)
        for _ in 0..<(2 * indent) { bytes.append(0x20) }
    }

    private static let indents: StaticString = "\n              "

    /// Whether any of the 8 bytes of `word` is a control character, a quote, a backslash or
    /// 0xE2 (the lead byte of U+2028 and U+2029): the bytes `quote` looks at one by one. Never
    /// false when one is (a true for other bytes only costs the slow path).
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0      // some byte below 0x20
        return control || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C)) || hasZero(word ^ (ones &* 0xE2))
    }

    /// `s` as a JSON string: quotes, backslashes and control characters escaped, U+2028 and
    /// U+2029 too (JavaScript cannot hold them raw), everything else copied as UTF-8.
    mutating func quote(_ s: String) {
        var s = s
        bytes.append(UInt8(ascii: "\""))
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            let n = utf8.count
            while i < n {
                // Eight bytes at a time while none of them needs escaping (the common case).
                if let base = utf8.baseAddress, n - i >= 8,
                   !JSONBytes.mayNeedEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let b = utf8[i]
                // Most bytes need nothing: printable ASCII other than a quote or a backslash,
                // and the bytes of characters other than U+2028/U+2029 (which start with E2).
                if (b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b != 0xE2) {
                    i += 1
                    continue
                }
                let escape: StaticString?
                var width = 1
                switch b {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0xE2 where i + 2 < n && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                    escape = utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    width = 3
                default:
                    if b < 0x20 {
                        escape = nil
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                        let hex = Array("0123456789abcdef".utf8)
                        bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                                  hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                        i += 1
                        runStart = i
                        continue
                    }
                    i += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                escape!.withUTF8Buffer { bytes.append(contentsOf: $0) }
                i += width
                runStart = i
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<n]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}
