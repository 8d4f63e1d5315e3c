#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``XMLScanner`` reports: elements as they open and close, and the text between them.
///
/// Names are local (a prefix such as `x:` dropped). Attribute text is given raw, to be searched
/// with ``XMLScanner/attribute(_:in:)`` only when the handler needs one. Text is given raw too
/// (entities not yet replaced): most of it is ignored, and ``XMLScanner/appendDecoded(_:to:)``
/// decodes the rest.
protocol XMLScanHandler {
    mutating func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: UnsafeBufferPointer<UInt8>,
                               selfClosing: Bool) throws(ImportIssue)
    mutating func endElement(_ name: UnsafeBufferPointer<UInt8>) throws(ImportIssue)
    mutating func text(_ raw: UnsafeBufferPointer<UInt8>) throws(ImportIssue)
    /// The content of a CDATA section: text with nothing to decode.
    mutating func cdata(_ bytes: UnsafeBufferPointer<UInt8>) throws(ImportIssue)
}

/// A streaming scanner for the large XML parts of an `.xlsx` workbook (a worksheet, the shared
/// strings), fed in chunks as they are inflated.
///
/// Hand-written because Foundation's `XMLParser` was measured too slow for a million-row sheet
/// here: on a 200,000-row, 9-column sheet (71 MB of XML) `XMLParser` took 14.2 s and libxml2's own
/// SAX2 push parser, called from C, 3.1 s (machine shared with other builds), against 0.16 s for a
/// plain scan of the same bytes; a million rows would have taken over a minute through
/// `XMLParser`, where the import of the same rows as CSV takes about one second. It reads what
/// these parts are made of: elements, attributes in either quote, character and entity
/// references, comments, processing instructions and CDATA. A document type declaration (which
/// the format does not allow, and which is how entity-expansion attacks start) is refused. Its
/// results are checked against `XMLParser` on every committed workbook
/// (`XLSXReaderTests.test_fastScannerAgreesWithXMLParser…`). The small parts (workbook,
/// relationships, styles) are read with `XMLParser`.
struct XMLScanner {
    /// The part being read, for messages ("xl/worksheets/sheet1.xml").
    let part: String
    /// The file, for messages.
    let file: String
    /// Bytes received but not yet scanned (an element cut by the end of a chunk).
    private var pending: [UInt8] = []
    /// The most bytes one element or text run may take.
    let maximumTokenBytes: Int
    /// Bytes scanned so far.
    private(set) var bytesScanned = 0

    init(part: String, file: String, maximumTokenBytes: Int = 64 << 20) {
        self.part = part
        self.file = file
        self.maximumTokenBytes = maximumTokenBytes
    }

    /// Scans `chunk` (after what was left of the previous one); `isLast` for the last chunk.
    mutating func feed<Handler: XMLScanHandler>(_ chunk: UnsafeBufferPointer<UInt8>, isLast: Bool,
                                                 into handler: inout Handler) throws(ImportIssue) {
        if pending.isEmpty {
            let used = try scan(chunk, isLast: isLast, into: &handler)
            bytesScanned += used
            if used < chunk.count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[used...])) }
        } else {
            pending.append(contentsOf: chunk)
            let used = try pending.withUnsafeBufferPointer { buffer throws(ImportIssue) -> Int in
                try scan(buffer, isLast: isLast, into: &handler)
            }
            bytesScanned += used
            pending.removeFirst(used)
        }
        if pending.count > maximumTokenBytes {
            throw malformed("an element or text of at most \(maximumTokenBytes >> 20) MiB; one is longer")
        }
        if isLast && !pending.isEmpty { throw malformed("the end of an element; the part ends inside one") }
    }

    func malformed(_ expected: String) -> ImportIssue {
        ImportIssue(file: file, expected: "well-formed XML in the workbook's part \(part): \(expected) "
            + "(the file is damaged or was not written by a spreadsheet program: open it and save it again as .xlsx)")
    }

    /// Scans whole tokens of `p`; returns how many bytes it used (the rest waits for more).
    private func scan<Handler: XMLScanHandler>(_ buffer: UnsafeBufferPointer<UInt8>, isLast: Bool,
                                               into handler: inout Handler) throws(ImportIssue) -> Int {
        guard let p = buffer.baseAddress else { return 0 }
        let n = buffer.count
        var i = 0
        while i < n {
            guard let found = memchr(p + i, 0x3C, n - i) else {
                // Text up to the end: complete only if the part ends here.
                if isLast {
                    try handler.text(UnsafeBufferPointer(start: p + i, count: n - i))
                    return n
                }
                return i
            }
            let lt = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - p
            if lt > i { try handler.text(UnsafeBufferPointer(start: p + i, count: lt - i)) }
            i = lt
            guard lt + 1 < n else { return i }
            let c = p[lt + 1]
            if c == 0x2F {                                          // </name>
                guard let gt = XMLScanner.find(0x3E, p, from: lt + 2, n) else { return i }
                var end = gt
                while end > lt + 2 && XMLScanner.isSpace(p[end - 1]) { end -= 1 }
                try handler.endElement(XMLScanner.localName(p, lt + 2, end))
                i = gt + 1
            } else if c == 0x3F {                                   // <? … ?>
                guard let end = XMLScanner.find(sequence: [0x3F, 0x3E], p, from: lt + 2, n) else { return i }
                i = end + 2
            } else if c == 0x21 {                                   // <!-- -->, <![CDATA[ ]]>, <!DOCTYPE
                if XMLScanner.matches(p, lt, n, "<!--") {
                    guard let end = XMLScanner.find(sequence: [0x2D, 0x2D, 0x3E], p, from: lt + 4, n) else { return i }
                    i = end + 3
                } else if XMLScanner.matches(p, lt, n, "<![CDATA[") {
                    guard let end = XMLScanner.find(sequence: [0x5D, 0x5D, 0x3E], p, from: lt + 9, n) else { return i }
                    try handler.cdata(UnsafeBufferPointer(start: p + lt + 9, count: end - (lt + 9)))
                    i = end + 3
                } else if n - lt < 9 && !isLast {
                    return i
                } else {
                    throw malformed("no document type declaration (<!DOCTYPE …>); spreadsheet parts have none")
                }
            } else {                                                // <name attributes> or <name/>
                var k = lt + 1
                var quote: UInt8 = 0
                while k < n {
                    let b = p[k]
                    if quote != 0 {
                        if b == quote { quote = 0 }
                    } else if b == 0x3E {
                        break
                    } else if b == 0x22 || b == 0x27 {
                        quote = b
                    }
                    k += 1
                }
                guard k < n else { return i }
                let selfClosing = p[k - 1] == 0x2F
                let contentEnd = selfClosing ? k - 1 : k
                var nameEnd = lt + 1
                while nameEnd < contentEnd && !XMLScanner.isSpace(p[nameEnd]) { nameEnd += 1 }
                guard nameEnd > lt + 1 else { throw malformed("an element name after \"<\"") }
                try handler.startElement(XMLScanner.localName(p, lt + 1, nameEnd),
                                         attributes: UnsafeBufferPointer(start: p + nameEnd, count: contentEnd - nameEnd),
                                         selfClosing: selfClosing)
                if selfClosing { try handler.endElement(XMLScanner.localName(p, lt + 1, nameEnd)) }
                i = k + 1
            }
        }
        return n
    }

    // MARK: - Helpers

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from: Int, _ n: Int) -> Int? {
        guard from < n, let found = memchr(p + from, Int32(byte), n - from) else { return nil }
        return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - p
    }

    private static func find(sequence: [UInt8], _ p: UnsafePointer<UInt8>, from: Int, _ n: Int) -> Int? {
        var k = from
        while k + sequence.count <= n {
            guard let first = find(sequence[0], p, from: k, n) else { return nil }
            if first + sequence.count > n { return nil }
            var all = true
            for (offset, b) in sequence.enumerated() where p[first + offset] != b { all = false; break }
            if all { return first }
            k = first + 1
        }
        return nil
    }

    private static func matches(_ p: UnsafePointer<UInt8>, _ at: Int, _ n: Int, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard at + count <= n else { return false }
        return memcmp(p + at, text.utf8Start, count) == 0
    }

    /// The name between `start` and `end`, without its prefix.
    private static func localName(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        var s = start
        var k = start
        while k < end {
            if p[k] == 0x3A { s = k + 1 }
            k += 1
        }
        return UnsafeBufferPointer(start: p + s, count: end - s)
    }

    /// Whether `name` is `literal`.
    @inline(__always)
    static func isName(_ name: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        name.count == literal.utf8CodeUnitCount && memcmp(name.baseAddress!, literal.utf8Start, name.count) == 0
    }

    /// The raw value of attribute `name` (its local name; prefixes ignored) in `attributes`, or `nil`.
    static func attribute(_ name: StaticString, in attributes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let p = attributes.baseAddress else { return nil }
        let n = attributes.count
        var i = 0
        while i < n {
            while i < n && isSpace(p[i]) { i += 1 }
            let nameStart = i
            while i < n && p[i] != 0x3D && !isSpace(p[i]) { i += 1 }
            let nameEnd = i
            while i < n && isSpace(p[i]) { i += 1 }
            guard i < n && p[i] == 0x3D else { return nil }
            i += 1
            while i < n && isSpace(p[i]) { i += 1 }
            guard i < n, p[i] == 0x22 || p[i] == 0x27 else { return nil }
            let quote = p[i]
            i += 1
            let valueStart = i
            while i < n && p[i] != quote { i += 1 }
            guard i < n else { return nil }
            let valueEnd = i
            i += 1
            let local = localName(p, nameStart, nameEnd)
            if isName(local, name) { return UnsafeBufferPointer(start: p + valueStart, count: valueEnd - valueStart) }
        }
        return nil
    }

    /// The raw values of a cell's `r`, `t` and `s` attributes in one pass over `attributes` (a
    /// sheet has millions of cells; looking each attribute up on its own was a tenth of the
    /// import of one).
    static func cellAttributes(_ attributes: UnsafeBufferPointer<UInt8>)
        -> (r: UnsafeBufferPointer<UInt8>?, t: UnsafeBufferPointer<UInt8>?, s: UnsafeBufferPointer<UInt8>?) {
        var r: UnsafeBufferPointer<UInt8>?, t: UnsafeBufferPointer<UInt8>?, s: UnsafeBufferPointer<UInt8>?
        guard let p = attributes.baseAddress else { return (nil, nil, nil) }
        let n = attributes.count
        var i = 0
        while i < n {
            while i < n && isSpace(p[i]) { i += 1 }
            let nameStart = i
            while i < n && p[i] != 0x3D && !isSpace(p[i]) { i += 1 }
            let nameEnd = i
            while i < n && isSpace(p[i]) { i += 1 }
            guard i < n && p[i] == 0x3D else { break }
            i += 1
            while i < n && isSpace(p[i]) { i += 1 }
            guard i < n, p[i] == 0x22 || p[i] == 0x27 else { break }
            let quote = p[i]
            i += 1
            let valueStart = i
            while i < n && p[i] != quote { i += 1 }
            guard i < n else { break }
            let value = UnsafeBufferPointer(start: p + valueStart, count: i - valueStart)
            i += 1
            if nameEnd - nameStart == 1 {
                switch p[nameStart] {
                case 0x72: r = value
                case 0x74: t = value
                case 0x73: s = value
                default: break
                }
            }
        }
        return (r, t, s)
    }

    /// Appends `raw` to `out` with its character and entity references replaced.
    ///
    /// - returns: `false` when a reference is not one XML defines.
    @discardableResult
    static func appendDecoded(_ raw: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        guard let p = raw.baseAddress else { return true }
        let n = raw.count
        guard memchr(p, 0x26, n) != nil else {
            out.append(contentsOf: raw)
            return true
        }
        var i = 0
        while i < n {
            let b = p[i]
            guard b == 0x26 else { out.append(b); i += 1; continue }
            guard let semicolon = find(0x3B, p, from: i + 1, n), semicolon - i <= 12 else { return false }
            let name = UnsafeBufferPointer(start: p + i + 1, count: semicolon - i - 1)
            if isName(name, "lt") { out.append(0x3C) }
            else if isName(name, "gt") { out.append(0x3E) }
            else if isName(name, "amp") { out.append(0x26) }
            else if isName(name, "quot") { out.append(0x22) }
            else if isName(name, "apos") { out.append(0x27) }
            else if name.count >= 2 && name[0] == 0x23 {
                var value: UInt32 = 0
                let hex = name[1] == 0x78 || name[1] == 0x58
                for d in name[(hex ? 2 : 1)...] {
                    guard let digit = hexDigit(d, hex: hex) else { return false }
                    value = value &* (hex ? 16 : 10) &+ digit
                    if value > 0x10FFFF { return false }
                }
                guard let scalar = Unicode.Scalar(value) else { return false }
                appendUTF8(scalar, to: &out)
            } else {
                return false
            }
            i = semicolon + 1
        }
        return true
    }

    private static func hexDigit(_ b: UInt8, hex: Bool) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46 where hex: return UInt32(b - 0x41 + 10)
        case 0x61...0x66 where hex: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        for unit in String(Character(scalar)).utf8 { out.append(unit) }
    }

    /// Replaces Office's `_xHHHH_` escapes (a character XML cannot carry, such as a carriage
    /// return written `_x000D_`; `_x005F_` escapes an underscore) in `text` from `start` on.
    static func decodeOfficeEscapes(_ text: inout [UInt8], from start: Int) {
        guard text.count - start >= 7 else { return }
        let hasUnderscore = text.withUnsafeBufferPointer { buffer in
            memchr(buffer.baseAddress! + start, 0x5F, buffer.count - start) != nil
        }
        guard hasUnderscore else { return }
        var found = false
        for k in start..<(text.count - 6) where text[k] == 0x5F && text[k + 1] == 0x78 && text[k + 6] == 0x5F { found = true; break }
        guard found else { return }
        var out: [UInt8] = []
        out.reserveCapacity(text.count - start)
        var k = start
        while k < text.count {
            if k + 6 < text.count && text[k] == 0x5F && text[k + 1] == 0x78 && text[k + 6] == 0x5F {
                var value: UInt32 = 0
                var ok = true
                for d in text[(k + 2)..<(k + 6)] {
                    guard let digit = hexDigit(d, hex: true) else { ok = false; break }
                    value = value * 16 + digit
                }
                if ok, let scalar = Unicode.Scalar(value) {
                    appendUTF8(scalar, to: &out)
                    k += 7
                    continue
                }
            }
            out.append(text[k])
            k += 1
        }
        text.replaceSubrange(start..., with: out)
    }
}
