import Foundation
import XCTest

/// A minimal HTTP/1.1 client over a plain socket: it sends exactly what it is told and never
/// follows redirects or keeps cookies on its own, so tests see what a browser would be sent.
struct HTTP {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        func headers(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    }

    let port: Int

    func request(_ method: String, _ path: String, cookie: String? = nil, form: [String: String]? = nil,
                 headers extra: [String: String] = [:]) throws -> Response {
        var body = Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let cookie { head += "Cookie: \(cookie)\r\n" }
        for (k, v) in extra { head += "\(k): \(v)\r\n" }
        if let form {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            body = Data(form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
        }
        if method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let raw = try exchange(Data((head + "\r\n").utf8) + body)
        return try parse(raw)
    }

    func get(_ path: String, cookie: String? = nil) throws -> Response { try request("GET", path, cookie: cookie) }

    private func exchange(_ data: Data) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "socket", code: 1) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { throw NSError(domain: "connect", code: Int(errno)) }
        _ = data.withUnsafeBytes { send(fd, $0.baseAddress, data.count, 0) }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    private func parse(_ raw: Data) throws -> Response {
        guard let split = raw.range(of: Data("\r\n\r\n".utf8)) else { throw NSError(domain: "no header end", code: 2) }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        let headers = head.dropFirst().compactMap { line -> (String, String)? in
            guard let i = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<i]), line[line.index(after: i)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Data(raw[split.upperBound...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = dechunk(body)
        }
        return Response(status: status, headers: headers, body: body)
    }

    private func dechunk(_ data: Data) -> Data {
        var out = Data()
        var i = data.startIndex
        while i < data.endIndex {
            guard let lineEnd = data[i...].range(of: Data("\r\n".utf8)) else { break }
            let size = Int(String(decoding: data[i..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0]
                .trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd.upperBound
            out.append(data[start..<(start + size)])
            i = start + size + 2
        }
        return out
    }
}

/// The real `giaingan serve` on a free loopback port, over a database holding the bundled province
/// and three accounts.
final class PortalServer {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    static var binary: String {
        let candidates = [Bundle.main.bundleURL.appendingPathComponent("giaingan").path,
                          Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("giaingan").path,
                          repository + "/.build/debug/giaingan"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    let directory: String
    let database: String
    let process = Process()
    let port: Int
    let errors: String
    var http: HTTP { HTTP(port: port) }

    static let accounts: [(login: String, password: String, args: [String])] = [
        ("dpi", "dpi-password-123", ["--role", "dpi"]),
        ("namcan", "namcan-password-1", ["--role", "investor", "--investor", "UBND huyện Năm Căn"]),
        ("yte", "yte-password-123", ["--role", "investor", "--investor", "Sở Y tế"]),
    ]

    init(extraArguments: [String] = ["--insecure-cookies"]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-portal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = directory + "/db.sqlite"
        errors = directory + "/serve.err"
        let p = Self.repository + "/fixtures/province"
        try Self.cli(["import", "projects", p + "/projects.csv", "--db", database])
        try Self.cli(["import", "plan", p + "/plan.csv", "--db", database])
        try Self.cli(["import", "disbursements", p + "/disbursements-2022.csv", p + "/disbursements-2023-h1.csv", p + "/disbursements-2023-h2.csv", "--db", database])
        for a in Self.accounts { try Self.cli(["users", "add", a.login, "--db", database] + a.args, input: a.password + "\n") }

        let out = directory + "/serve.out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--db", database, "--port", "0"] + extraArguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        var found: Int?
        for _ in 0..<200 {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if let r = text.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                found = Int(text[r].split(separator: ":").last!.dropLast())
                break
            }
            usleep(50_000)
        }
        guard let found else {
            process.terminate()
            throw NSError(domain: "portal did not start: " + ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""), code: 3)
        }
        port = found
    }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    /// Signs in and returns the Cookie header value.
    func signIn(_ login: String, _ password: String? = nil) throws -> String {
        let pw = password ?? Self.accounts.first { $0.login == login }!.password
        let r = try http.request("POST", "/login", form: ["login": login, "password": pw])
        guard r.status == 303, let set = r.header("Set-Cookie") else { throw NSError(domain: "login failed \(r.status)", code: 4) }
        return String(set.split(separator: ";")[0])
    }

    @discardableResult
    static func cli(_ arguments: [String], input: String? = nil) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        let stdin = Pipe()
        p.standardInput = stdin
        try p.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw NSError(domain: "giaingan \(arguments.joined(separator: " ")) failed", code: Int(p.terminationStatus)) }
        return p.terminationStatus
    }
}
