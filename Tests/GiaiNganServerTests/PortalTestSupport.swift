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
    /// A request that gets no complete answer within this many seconds fails the test instead of
    /// hanging it.
    var timeout: Double = 20
    /// The loopback address requests come from (any of 127.0.0.0/8), as a second client would.
    var source: String?

    /// A browser's form post from the portal's own page sends these (Chromium, Firefox, Safari).
    var sameOrigin: [String: String] { ["Origin": "http://127.0.0.1:\(port)", "Sec-Fetch-Site": "same-origin"] }

    func request(_ method: String, _ path: String, cookie: String? = nil, form: [String: String]? = nil,
                 headers extra: [String: String] = [:]) throws -> Response {
        var body = Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let cookie { head += "Cookie: \(cookie)\r\n" }
        for (k, v) in extra { head += "\(k): \(v)\r\n" }
        if let form {
            body = Data(Self.formBody(form).utf8)
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
        }
        if method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let raw = try exchange(Data((head + "\r\n").utf8) + body)
        return try Self.parse(raw)
    }

    static func formBody(_ form: [String: String]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return form.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    func get(_ path: String, cookie: String? = nil) throws -> Response { try request("GET", path, cookie: cookie) }

    /// Sends `data` as it is and returns everything the server sent until it closed.
    func exchange(_ data: Data) throws -> Data {
        let connection = try RawConnection(port: port, receiveTimeout: timeout, from: source)
        defer { connection.close() }
        try connection.send(data)
        let (out, closed) = connection.receiveUntilClosed(within: timeout)
        guard closed else { throw NSError(domain: "no answer within \(timeout) s (the connection stayed open)", code: 5) }
        return out
    }

    static func parse(_ raw: Data) throws -> Response {
        guard let split = raw.range(of: Data("\r\n\r\n".utf8)) else { throw NSError(domain: "no header end", code: 2) }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        let headers = head.dropFirst().compactMap { line -> (String, String)? in
            guard let i = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<i]), line[line.index(after: i)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Data(raw[split.upperBound...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = Self.dechunk(body)
        }
        return Response(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: Data) -> Data {
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

private func closeDescriptor(_ fd: Int32) { close(fd) }
private func sendBytes(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int, _ flags: Int32) -> Int { send(fd, p, n, flags) }

/// One TCP connection to the portal, driven byte by byte: slow clients, pipelining, odd methods.
final class RawConnection {
    let fd: Int32

    init(port: Int, receiveTimeout: Double = 20, receiveBuffer: Int? = nil, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "socket", code: Int(errno)) }
        if var size = receiveBuffer.map(Int32.init) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            _ = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            let e = errno
            closeDescriptor(fd)
            open = false
            throw NSError(domain: "connect", code: Int(e))
        }
        // After connecting: on Linux a send timeout also bounds connect(), and a burst of
        // connections may wait a SYN retry (1 s) for the listen queue.
        var tv = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - receiveTimeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends all of `data`; throws when the server has closed the connection.
    func send(_ data: Data) throws {
        var sent = 0
        while sent < data.count {
            let n = data.withUnsafeBytes { sendBytes(fd, $0.baseAddress! + sent, data.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw NSError(domain: "send", code: Int(errno)) }
            sent += n
        }
    }

    func send(_ text: String) throws { try send(Data(text.utf8)) }

    /// Reads until the server closes the connection or `seconds` pass; says which.
    func receiveUntilClosed(within seconds: Double) -> (data: Data, closed: Bool) {
        let deadline = Date().addingTimeInterval(seconds)
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { out.append(contentsOf: buffer[0..<n]); continue }
            if n == 0 { return (out, true) }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
            return (out, true)  // ECONNRESET: closed too
        }
        return (out, false)
    }

    /// Whether the server has closed the connection, without waiting: pending bytes are read
    /// and dropped.
    func isClosedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n > 0 { continue }
            if n == 0 { return true }
            return !(errno == EAGAIN || errno == EWOULDBLOCK)
        }
    }

    private var open = true

    func close() {
        if open { closeDescriptor(fd) }
        open = false
    }

    deinit { close() }
}

/// The real `giaingan serve` on a free loopback port, over a database holding the bundled province
/// and three accounts.
final class PortalServer {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    /// The giaingan the tests run: the one built beside them, or `GIAINGAN_PORTAL_BINARY` (to run
    /// these tests against an older build and see which fail there).
    static var binary: String {
        if let chosen = ProcessInfo.processInfo.environment["GIAINGAN_PORTAL_BINARY"], !chosen.isEmpty { return chosen }
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

    /// `prepare` runs after the bundled province is imported and before the server starts, with
    /// the folder and the database path (for extra imports).
    /// `fileLimit` starts the server under `ulimit -n` of that many files (soft and hard).
    init(extraArguments: [String] = ["--insecure-cookies"], fileLimit: Int? = nil,
         prepare: (String, String) throws -> Void = { _, _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-portal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = directory + "/db.sqlite"
        errors = directory + "/serve.err"
        try Self.makeDatabase(database)
        try prepare(directory, database)

        let out = directory + "/serve.out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let arguments = ["serve", "--db", database, "--port", "0"] + extraArguments
        if let fileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(fileLimit) && exec \"$0\" \"$@\"", Self.binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = arguments
        }
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

    /// Imports the bundled province into `database` and adds the three accounts.
    static func makeDatabase(_ database: String) throws {
        let p = repository + "/fixtures/province"
        try cli(["import", "projects", p + "/projects.csv", "--db", database])
        try cli(["import", "plan", p + "/plan.csv", "--db", database])
        try cli(["import", "disbursements", p + "/disbursements-2022.csv", p + "/disbursements-2023-h1.csv", p + "/disbursements-2023-h2.csv", "--db", database])
        for a in accounts { try cli(["users", "add", a.login, "--db", database] + a.args, input: a.password + "\n") }
    }

    /// Whether the server process still runs (a trap in it ends it).
    var isRunning: Bool { process.isRunning }

    /// What the server wrote on standard error (its log) so far.
    var log: String { (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for the log to hold `text`.
    func waitForLog(_ text: String, seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.contains(text) { return true }
            usleep(20_000)
        }
        return log.contains(text)
    }

    /// The server's open file descriptors (sockets included), read from /proc.
    var openFiles: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd")) ?? []).count
    }

    /// Signs in as a browser would (a same-origin form post) and returns the Cookie header value.
    func signIn(_ login: String, _ password: String? = nil) throws -> String {
        let pw = password ?? Self.accounts.first { $0.login == login }?.password ?? ""
        let r = try http.request("POST", "/login", form: ["login": login, "password": pw], headers: http.sameOrigin)
        guard r.status == 303, let set = r.header("Set-Cookie") else { throw NSError(domain: "login failed \(r.status)", code: 4) }
        return String(set.split(separator: ";")[0])
    }

    /// Runs giaingan and returns its exit status and standard error, whatever the status.
    static func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        let stdin = Pipe(), stderr = Pipe()
        p.standardInput = stdin
        p.standardError = stderr
        try p.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
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
