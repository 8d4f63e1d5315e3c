import Foundation

/// A mailbox: an address with an optional display name (RFC 5322 `name-addr`).
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name, in any script; encoded per RFC 2047 when it is not plain ASCII.
    public var name: String?
    /// `local@domain`, checked by `MailAddress.parse`.
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    public var description: String { address }

    /// Reads one address as people write it in a contacts file or an option: `a@b.vn` or
    /// `Name <a@b.vn>`.
    ///
    /// Refused (nil): no `@`, an empty local part or domain, spaces, control characters, angle
    /// brackets or a comma inside the address, a non-ASCII address (SMTPUTF8 is not assumed of
    /// the relay), more than 254 characters. Deliberately strict: a typo is refused at import, not
    /// bounced by a relay on a Sunday night.
    public static func parse(_ text: String) -> MailAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let display = trimmed[..<open].trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            name = display.isEmpty ? nil : display
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        }
        guard address.utf8.count <= 254, address.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }),
              !address.contains(where: { "<>,;()[]\\\"".contains($0) }) else { return nil }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !parts[1].contains("..") else { return nil }
        if let name, name.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) { return nil }
        return MailAddress(name: name, address: address)
    }

    /// The header form: `=?UTF-8?B?…?= <a@b.vn>`, or the bare address without a name.
    var headerText: String {
        guard let name, !name.isEmpty else { return address }
        return MIME.phrase(name) + " <" + address + ">"
    }
}

/// A file attached to a message.
public struct MailAttachment: Sendable {
    /// The file name the reader sees (ASCII in GiaiNgan: investors' slugs).
    public var fileName: String
    /// `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, `text/csv`, …
    public var contentType: String
    public var data: Data

    public init(fileName: String, contentType: String, data: Data) {
        self.fileName = fileName
        self.contentType = contentType
        self.data = data
    }
}

/// A message as GiaiNgan sends it: a plain-text and an HTML version of one body, and attachments.
///
/// Rendered as RFC 5322/MIME: `multipart/mixed` holding a `multipart/alternative` (text, then
/// HTML, both UTF-8 in base64, so no line is ever longer than 76 characters whatever the report
/// holds) and each attachment in base64; headers are ASCII, with non-ASCII subjects and names as
/// RFC 2047 encoded words; lines end in CRLF.
public struct MailMessage: Sendable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var subject: String
    public var text: String
    public var html: String
    public var attachments: [MailAttachment]
    /// The `Date` header.
    public var date: Date
    /// Without the angle brackets: `giaingan.run12.so-y-te.1a2b@host`.
    public var messageID: String

    public init(from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], subject: String, text: String, html: String,
                attachments: [MailAttachment] = [], date: Date, messageID: String) {
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.text = text
        self.html = html
        self.attachments = attachments
        self.date = date
        self.messageID = messageID
    }

    /// Every envelope recipient: `to` then `cc`, each once.
    public var recipients: [String] {
        var seen = Set<String>()
        return (to + cc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
    }

    /// The message as bytes, CRLF line ends, not dot-stuffed (the SMTP client stuffs; sendmail
    /// with `-oi` takes it as is).
    public func rendered() -> Data {
        // Boundaries from the message id: unique per message and never inside base64 text
        // (they hold "=_", which base64 never produces).
        let token = String(UInt64(bitPattern: Int64(messageID.hashValue)), radix: 36)
        let mixed = "=_giaingan-mixed-\(token)", alternative = "=_giaingan-alt-\(token)"
        var lines: [String] = []
        lines.append(MIME.fold("From: " + from.headerText))
        lines.append(MIME.fold("To: " + to.map(\.headerText).joined(separator: ", ")))
        if !cc.isEmpty { lines.append(MIME.fold("Cc: " + cc.map(\.headerText).joined(separator: ", "))) }
        lines.append(MIME.fold("Subject: " + MIME.unstructured(subject)))
        lines.append("Date: " + MIME.date(date))
        lines.append("Message-ID: <\(messageID)>")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: multipart/mixed; boundary=\"\(mixed)\"")
        lines.append("")
        lines.append("This is a MIME message.")
        lines.append("--\(mixed)")
        lines.append("Content-Type: multipart/alternative; boundary=\"\(alternative)\"")
        lines.append("")
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines.append("--\(alternative)")
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(contentsOf: MIME.base64Lines(Data(body.utf8)))
        }
        lines.append("--\(alternative)--")
        for a in attachments {
            lines.append("--\(mixed)")
            lines.append("Content-Type: \(a.contentType); name=\"\(MIME.quotedParameter(a.fileName))\"")
            lines.append("Content-Disposition: attachment; filename=\"\(MIME.quotedParameter(a.fileName))\"")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(contentsOf: MIME.base64Lines(a.data))
        }
        lines.append("--\(mixed)--")
        lines.append("")
        return Data(lines.joined(separator: "\r\n").utf8)
    }
}

/// The encodings of MIME headers and bodies that `MailMessage` uses.
public enum MIME {
    /// Base64 in lines of 76 characters (RFC 2045).
    public static func base64Lines(_ data: Data) -> [String] {
        let text = data.base64EncodedString()
        var lines: [String] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text.index(start, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(String(text[start..<end]))
            start = end
        }
        return lines
    }

    /// An unstructured header value (a subject): as is when it is printable ASCII, else RFC 2047
    /// encoded words of UTF-8 in base64, each at most 75 characters and never splitting a letter.
    public static func unstructured(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) { return clean }
        return encodedWords(clean)
    }

    /// A display name: a quoted string when it is ASCII, else encoded words (RFC 2047 §5(3)).
    public static func phrase(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) {
            return "\"" + quotedParameter(clean) + "\""
        }
        return encodedWords(clean)
    }

    /// `=?UTF-8?B?…?=` words separated by a space (which a decoder drops between encoded words,
    /// RFC 2047 §6.2). 45 bytes of UTF-8 make 60 characters of base64, 72 with the wrapper.
    ///
    /// A word ends after a space of the text when the last 45 bytes hold one, the space inside
    /// the word: a conforming decoder gives the text back exactly, and one that keeps the
    /// whitespace between words (Python's address parser does) shows a double space rather than a
    /// word cut in two.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [Character] = []
        var bytes = 0
        func flush(_ characters: ArraySlice<Character>) {
            words.append("=?UTF-8?B?" + Data(String(characters).utf8).base64EncodedString() + "?=")
        }
        for character in text {
            let size = String(character).utf8.count
            if bytes + size > 45, !chunk.isEmpty {
                if let space = chunk.lastIndex(of: " "), space > 0 {
                    flush(chunk[...space])
                    chunk = Array(chunk[(space + 1)...])
                } else {
                    flush(chunk[...])
                    chunk = []
                }
                bytes = chunk.reduce(0) { $0 + String($1).utf8.count }
            }
            chunk.append(character)
            bytes += size
        }
        if !chunk.isEmpty { flush(chunk[...]) }
        return words.joined(separator: " ")
    }

    /// Escapes `\` and `"` for a quoted string.
    static func quotedParameter(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// Folds a header line at spaces so no line passes 78 characters where a space allows it
    /// (RFC 5322 §2.2.3); continuation lines start with a space.
    static func fold(_ line: String) -> String {
        guard line.count > 78 else { return line }
        var out: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count > 78 {
                out.append(current)
                current = " " + word
            } else {
                current += " " + word
            }
        }
        out.append(current)
        return out.joined(separator: "\r\n")
    }

    /// RFC 5322 date in UTC: `Wed, 02 Dec 2026 00:31:11 +0000`.
    public static func date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }

    /// Dot-stuffing for SMTP DATA (RFC 5321 §4.5.2): a line that starts with "." gets another.
    /// `data` must end in CRLF.
    public static func dotStuffed(_ data: Data) -> Data {
        var out = Data(capacity: data.count + 64)
        var atLineStart = true
        for byte in data {
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        return out
    }
}
