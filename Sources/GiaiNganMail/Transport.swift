import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a message was not delivered, in words for the operator.
public struct MailFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// How messages leave the machine.
public enum MailTransport: Sendable {
    /// The system's sendmail (`PATH -t -oi`, the cron convention): recipients from the headers,
    /// a line holding one dot is not the end. Postfix, Exim, OpenSMTPD and msmtp all provide it.
    case sendmail(path: String)
    /// SMTP to a relay (RFC 5321), plain: for a relay on the same host or a trusted network.
    case smtp(SMTPRelay)

    /// Hands over one message; returns only when the transport accepted it for every recipient.
    public func send(_ message: MailMessage, envelopeFrom: String) throws(MailFailure) {
        switch self {
        case .sendmail(let path): try Sendmail.send(message, path: path, envelopeFrom: envelopeFrom)
        case .smtp(let relay): try SMTPClient(relay: relay).send(message, envelopeFrom: envelopeFrom)
        }
    }
}

/// Where an SMTP relay listens.
public struct SMTPRelay: Sendable, Equatable {
    public var host: String
    public var port: UInt16
    /// Seconds to wait for each reply of the relay.
    public var timeout: Int

    public init(host: String, port: UInt16 = 25, timeout: Int = 30) {
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    /// Reads `HOST`, `HOST:PORT` or `[IPv6]:PORT`.
    public static func parse(_ text: String) -> SMTPRelay? {
        var host = text, portText: Substring?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }) else { return nil }
        var port: UInt16 = 25
        if let portText {
            guard let p = UInt16(portText), p > 0 else { return nil }
            port = p
        }
        return SMTPRelay(host: host, port: port)
    }
}

/// The system's sendmail program, given the message on standard input.
enum Sendmail {
    static func send(_ message: MailMessage, path: String, envelopeFrom: String) throws(MailFailure) {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw MailFailure("\(path) is not an executable sendmail program: install a mail transfer agent "
                + "(postfix, exim4, msmtp-mta) or give --sendmail PATH or --smtp HOST:PORT")
        }
        // A sendmail that exits without reading its input must fail the delivery, not kill this
        // process with SIGPIPE: the write then fails with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        // -t: recipients from To/Cc; -oi: a lone "." is not the end of the message; -f: the
        // envelope sender, where bounces go.
        process.arguments = ["-t", "-oi", "-f", envelopeFrom]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch { throw MailFailure("cannot start \(path): \(error.localizedDescription)") }
        // sendmail reads all its input before it exits, so writing first cannot deadlock;
        // standard error is read after, and is short.
        var data = message.rendered()
        // The local convention is LF line ends; sendmail converts them for the network.
        data = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        let writeFailed = (try? input.fileHandleForWriting.write(contentsOf: data)) == nil
        try? input.fileHandleForWriting.close()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0, !writeFailed else {
            let how = process.terminationReason == .exit ? "exited with status \(process.terminationStatus)" : "was killed by a signal"
            let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw MailFailure("\(path) \(how)" + (said.isEmpty ? "" : ": " + String(said.prefix(500))))
        }
    }
}

/// A small SMTP client (RFC 5321) over a POSIX socket, blocking, one message per connection.
///
/// Written by hand because no Swift package of the project's mirror speaks SMTP (checked in
/// `swift-packages-b.md`: SwiftNIO has the sockets, not the protocol), and what the weekly mail
/// needs is small: EHLO (HELO when refused), MAIL FROM, one RCPT TO per recipient, DATA with
/// dot-stuffing, QUIT. Every recipient must be accepted before DATA is sent: if the relay refuses
/// one, the transaction is reset and nobody receives the message, so a retry never mails anyone
/// twice. Not supported: STARTTLS and AUTH (point it at a local relay, such as Postfix on
/// 127.0.0.1, that holds the credentials of the provider's submission server).
struct SMTPClient {
    var relay: SMTPRelay

    func send(_ message: MailMessage, envelopeFrom: String) throws(MailFailure) {
        let connection = try Connection(relay: relay)
        defer { connection.close() }
        try connection.expect(220, after: "connecting")
        let helloName = MailHost.name
        do {
            try connection.command("EHLO \(helloName)", expect: 250)
        } catch {
            try connection.command("HELO \(helloName)", expect: 250)
        }
        try connection.command("MAIL FROM:<\(envelopeFrom)>", expect: 250)
        var refused: [String] = []
        for recipient in message.recipients {
            let reply = try connection.command("RCPT TO:<\(recipient)>")
            if reply.code != 250 && reply.code != 251 { refused.append("\(recipient): \(reply.text)") }
        }
        if !refused.isEmpty {
            _ = try? connection.command("RSET")
            _ = try? connection.command("QUIT")
            throw MailFailure("the relay \(relay.host):\(relay.port) refused " + refused.joined(separator: "; ")
                + " (nothing was sent to the other recipients of this message)")
        }
        try connection.command("DATA", expect: 354)
        var data = message.rendered()
        if !data.isEmpty && data.last != UInt8(ascii: "\n") { data.append(contentsOf: Array("\r\n".utf8)) }
        try connection.write(MIME.dotStuffed(data) + Data(".\r\n".utf8))
        try connection.expect(250, after: "the message")
        _ = try? connection.command("QUIT")
    }

    struct Reply {
        var code: Int
        var text: String
    }

    /// A connected socket with a read buffer.
    final class Connection {
        let fd: Int32
        let relay: SMTPRelay
        var buffer: [UInt8] = []

        init(relay: SMTPRelay) throws(MailFailure) {
            self.relay = relay
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_family = AF_UNSPEC
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(relay.host, String(relay.port), &hints, &list)
            guard status == 0, let first = list else {
                throw MailFailure("cannot find the relay \(relay.host): \(String(cString: gai_strerror(status)))")
            }
            defer { freeaddrinfo(list) }
            var lastError = "no address"
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            var connected: Int32 = -1
            while let info = cursor {
                let s = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
                if s >= 0 {
                    var tv = timeval(tv_sec: relay.timeout, tv_usec: 0)
                    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                    if connect(s, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                        connected = s
                        break
                    }
                    lastError = String(cString: strerror(errno))
                    Glibc.close(s)
                }
                cursor = info.pointee.ai_next
            }
            guard connected >= 0 else {
                throw MailFailure("cannot connect to the relay \(relay.host):\(relay.port): \(lastError)")
            }
            fd = connected
        }

        func close() { Glibc.close(fd) }

        func write(_ data: Data) throws(MailFailure) {
            let ok = data.withUnsafeBytes { raw -> Bool in
                guard let base = raw.baseAddress else { return true }
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return false }
                    offset += n
                }
                return true
            }
            guard ok else { throw MailFailure("the relay \(relay.host):\(relay.port) closed the connection: \(String(cString: strerror(errno)))") }
        }

        /// One line without its CRLF; at most 4096 bytes are kept of a line.
        func readLine() throws(MailFailure) -> String {
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = Array(buffer[..<newline])
                    buffer.removeSubrange(...newline)
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    return String(decoding: line.prefix(4096), as: UTF8.self)
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = recv(fd, &chunk, chunk.count, 0)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    let why = n == 0 ? "closed the connection" : (errno == EAGAIN || errno == EWOULDBLOCK
                        ? "did not answer within \(relay.timeout) s" : String(cString: strerror(errno)))
                    throw MailFailure("the relay \(relay.host):\(relay.port) \(why)")
                }
                buffer.append(contentsOf: chunk[..<n])
                guard buffer.count < 1 << 16 else { throw MailFailure("the relay \(relay.host):\(relay.port) sent a line too long") }
            }
        }

        /// A reply, possibly of several lines (`250-…` then `250 …`).
        func reply() throws(MailFailure) -> Reply {
            var texts: [String] = []
            while true {
                let line = try readLine()
                let scalars = Array(line.utf8)
                guard scalars.count >= 3, let code = Int(String(decoding: scalars[0..<3], as: UTF8.self)) else {
                    throw MailFailure("the relay \(relay.host):\(relay.port) answered something that is not SMTP: \(line.prefix(200))")
                }
                texts.append(line)
                if scalars.count == 3 || scalars[3] != UInt8(ascii: "-") { return Reply(code: code, text: texts.joined(separator: " / ")) }
            }
        }

        func expect(_ code: Int, after what: String) throws(MailFailure) {
            let r = try reply()
            guard r.code == code else { throw MailFailure("the relay \(relay.host):\(relay.port) refused \(what): \(r.text)") }
        }

        @discardableResult
        func command(_ line: String, expect code: Int? = nil) throws(MailFailure) -> Reply {
            try write(Data((line + "\r\n").utf8))
            let r = try reply()
            if let code, r.code != code {
                throw MailFailure("the relay \(relay.host):\(relay.port) refused \(line.split(separator: " ").first ?? ""): \(r.text)")
            }
            return r
        }
    }
}

/// This machine's name, for EHLO and Message-ID.
public enum MailHost {
    public static var name: String {
        var bytes = [CChar](repeating: 0, count: 256)
        guard gethostname(&bytes, bytes.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let clean = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        return clean.isEmpty ? "localhost" : clean
    }
}
