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

/// A member of an object being written: a value, or an array whose elements are made one at a
/// time as they are written, so that a large report never holds them all at once.
enum JSONMember {
    case value(JSONValue)
    case elements(count: Int, element: (Int) -> JSONValue)
    /// An array of `count` elements already written (by `writeArray` at this member's depth),
    /// asked for when its turn comes: made elsewhere meanwhile.
    case written(count: Int, element: (Int) -> JSONValue, bytes: () -> [UInt8])

    /// The member as a value (every element made).
    var value: JSONValue {
        switch self {
        case .value(let v): return v
        case .elements(let count, let element), .written(let count, let element, _): return .array((0..<count).map(element))
        }
    }

    /// Writes an array of `count` elements as `JSONValue.array` would at `indent`.
    static func writeArray(count: Int, element: (Int) -> JSONValue, into out: inout JSONBytes, indent: Int?,
                           afterElement: (inout JSONBytes) -> Void = { _ in }) {
        if count == 0 { out.append("[]"); return }
        out.bytes.append(UInt8(ascii: "["))
        for k in 0..<count {
            if k > 0 { out.bytes.append(UInt8(ascii: ",")) }
            out.newline(indent.map { $0 + 1 })
            element(k).write(into: &out, indent: indent.map { $0 + 1 })
            afterElement(&out)
        }
        out.newline(indent)
        out.bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object of `members` exactly as `JSONValue.object` of their values would be written;
    /// `afterElement` runs after each element of an `.elements` member (to hand written text on).
    static func writeObject(_ members: [(String, JSONMember)], into out: inout JSONBytes, indent: Int?,
                            afterElement: (inout JSONBytes) -> Void = { _ in }) {
        if members.isEmpty { out.append("{}"); return }
        let inner = indent.map { $0 + 1 }
        out.bytes.append(UInt8(ascii: "{"))
        for (i, (key, member)) in members.enumerated() {
            if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
            out.newline(inner)
            out.quote(key)
            out.append(indent == nil ? ":" : ": ")
            switch member {
            case .value(let v):
                v.write(into: &out, indent: inner)
            case .elements(let count, let element):
                writeArray(count: count, element: element, into: &out, indent: inner, afterElement: afterElement)
            case .written(_, _, let bytes):
                out.bytes.append(contentsOf: bytes())
                afterElement(&out)
            }
        }
        out.newline(indent)
        out.bytes.append(UInt8(ascii: "}"))
    }
}

/// The UTF-8 bytes of JSON text being written.
struct JSONBytes {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

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
            bytes.append(contentsOf: buffer[(24 - count)...])
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
