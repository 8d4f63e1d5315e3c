import Foundation
import HTTPTypes
import Hummingbird

/// Small pieces of HTTP the portal needs to get exactly right: URL path segments, download names,
/// log fields, the client's address behind a proxy and the same-origin check on forms.
enum Web {
    // MARK: - URLs

    /// Bytes left as they are in a path segment: RFC 3986 "unreserved" only, so `/`, `%`, `?`,
    /// `#`, `"`, `<`, spaces and every non-ASCII letter are percent-encoded.
    static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))

    /// `text` as one URL path segment (UTF-8, percent-encoded).
    static func pathSegment(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// A path segment as the router hands it over (still percent-encoded) decoded back to the
    /// text it names, or nil when its encoding is broken (a lone `%`, bytes that are not UTF-8).
    /// `+` stays a plus: it means a space only in form bodies and query strings.
    static func decodedSegment(_ raw: String) -> String? {
        raw.contains("%") ? raw.removingPercentEncoding : raw
    }

    // MARK: - Downloads

    /// A `Content-Disposition: attachment` value for `name` (RFC 6266): a plain-ASCII
    /// `filename="…"` for old clients, with every byte outside letters, digits, `-`, `.` and `_`
    /// replaced by `_`, and the exact name as UTF-8 in `filename*=UTF-8''…`.
    static func attachment(filename name: String) -> String {
        let fallback = String(name.unicodeScalars.map { u -> Character in
            (u.isASCII && (CharacterSet.alphanumerics.contains(u) || u == "-" || u == "." || u == "_")) ? Character(u) : "_"
        })
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(pathSegment(name))"
    }

    // MARK: - Logs

    /// `text` made safe for one log field: control characters (line breaks among them), the
    /// Unicode line and paragraph separators, quotes and backslashes are written as escapes, so
    /// a value can neither start a forged log line nor run into the next field.
    static func logField(_ text: String, limit: Int = 200) -> String {
        var out = ""
        var count = 0
        for u in text.unicodeScalars {
            if count >= limit { out += "…"; break }
            count += 1
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 {
                    out += "\\u{" + String(u.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    // MARK: - Client address

    /// The address sign-in throttling counts a request against.
    ///
    /// The connection's peer, unless that peer is one of the `trusted` proxies: then the
    /// right-most address in `header` (for example `X-Forwarded-For`, to which nginx appends the
    /// address it saw) that is not itself a trusted proxy. Anything a client wrote further left in
    /// that header is ignored, and an entry that is not an IP address ends the walk at the last
    /// trusted hop, so a client can never choose the address it is counted under.
    static func clientAddress(peer: String, headerValues: [String], trusted: Set<String>) -> String {
        guard trusted.contains(peer) else { return peer }
        let hops = headerValues.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var address = peer
        for hop in hops.reversed() {
            guard let ip = normalizedIP(hop) else { break }
            address = ip
            if !trusted.contains(ip) { break }
        }
        return address
    }

    /// `text` as an IPv4 or IPv6 address in its canonical form, or nil when it is not one. An
    /// IPv4 address mapped into IPv6 (`::ffff:127.0.0.1`, how a dual-stack socket reports an IPv4
    /// peer) is the IPv4 address, so `--trusted-proxy 127.0.0.1` matches it.
    static func normalizedIP(_ text: String) -> String? {
        let lowered = text.lowercased()
        if lowered.hasPrefix("::ffff:"), lowered.contains("."), let v4 = normalizedIP(String(text.dropFirst(7))), !v4.contains(":") {
            return v4
        }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            guard inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        var v6 = in6_addr()
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }

    // MARK: - Cross-site requests

    /// Whether a state-changing request (a form post) comes from the portal's own pages.
    ///
    /// Browsers send `Sec-Fetch-Site` on every request (Chromium, Firefox and Safari since 2023):
    /// only `same-origin` (and `none`, a request the user made directly) pass. A browser that does
    /// not send it still sends `Origin` on a cross-site POST: it must name the host the request was
    /// sent to (`Host`), and `Origin: null` (sandboxed frames, some redirects) is refused. A client
    /// that sends neither is not a browser, so it cannot be made to post by another site.
    static func isSameOrigin(_ headers: HTTPFields, host: String?) -> Bool {
        if let site = headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased() {
            return site == "same-origin" || site == "none"
        }
        guard let origin = headers[HTTPField.Name("Origin")!] else { return true }
        guard let host, let url = URL(string: origin), let scheme = url.scheme, scheme == "http" || scheme == "https",
              let originHost = url.host else { return false }
        let bracketed = originHost.contains(":") && !originHost.hasPrefix("[") ? "[\(originHost)]" : originHost
        let originAuthority = bracketed + (url.port.map { ":\($0)" } ?? "")
        return originAuthority.lowercased() == host.lowercased()
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
