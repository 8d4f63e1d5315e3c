import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganServer
import GiaiNganStore
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the investor portal: a web view where each investor sees only its own projects.",
        discussion: """
        Serves the database read-only (imports and weekly runs may write it meanwhile). DPI accounts see \
        the province, every investor and every project; an investor account sees only its own investor's \
        pages, and any other address gives 404. Accounts: `giaingan users add`.

        The session cookie is sent with Secure, HttpOnly and SameSite=Strict: run the portal behind a \
        reverse proxy with TLS (README "Investor portal"), or pass --insecure-cookies for plain HTTP on \
        one machine. Behind a proxy, name it with --trusted-proxy so that sign-in throttling counts each \
        client by the address the proxy reports (--client-address-header), not the proxy's own.

        Every phase of a connection has a time limit (--idle-timeout, --header-timeout, --body-timeout, \
        --response-timeout) and at most --max-connections are open at once, so slow or idle clients \
        cannot exhaust the server. Each request is logged (method, path, status, user, client address, \
        time) on standard error. SIGTERM or Ctrl-C stops it cleanly. --port 0 picks a free port; the \
        address is printed.
        """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "HOST"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on (0: any free port).", valueName: "PORT"))
    var port = 8080

    @Option(help: ArgumentHelp("A rules file (TOML); default the built-in rules.", valueName: "FILE"))
    var rules: String?

    @Flag(name: .customLong("insecure-cookies"), help: "Send the session cookie without Secure (plain HTTP, no TLS proxy).")
    var insecureCookies = false

    @Option(name: .customLong("trusted-proxy"), parsing: .singleValue,
            help: ArgumentHelp("The address of a reverse proxy whose client-address header is believed (repeatable).", valueName: "IP"))
    var trustedProxies: [String] = []

    @Option(name: .customLong("client-address-header"),
            help: ArgumentHelp("The header a trusted proxy writes the client's address in.", valueName: "NAME"))
    var clientAddressHeader = "X-Forwarded-For"

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a connection may wait for its next request.", valueName: "SECONDS"))
    var idleTimeout: Double = 30

    @Option(name: .customLong("header-timeout"), help: ArgumentHelp("Seconds from a request's first byte to the end of its headers.", valueName: "SECONDS"))
    var headerTimeout: Double = 10

    @Option(name: .customLong("body-timeout"), help: ArgumentHelp("Seconds from the end of a request's headers to the end of its body.", valueName: "SECONDS"))
    var bodyTimeout: Double = 10

    @Option(name: .customLong("response-timeout"), help: ArgumentHelp("Seconds to compute and send a response.", valueName: "SECONDS"))
    var responseTimeout: Double = 60

    @Option(name: .customLong("max-connections"), help: ArgumentHelp("Connections open at once; more wait to be accepted.", valueName: "N"))
    var maxConnections = 512

    func validate() throws {
        for (name, value) in [("--idle-timeout", idleTimeout), ("--header-timeout", headerTimeout),
                              ("--body-timeout", bodyTimeout), ("--response-timeout", responseTimeout)] {
            guard value.isFinite, value >= 0.1, value <= 86_400 else {
                throw ValidationError("\(name) must be a number of seconds from 0.1 to 86400, not \(value)")
            }
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be from 1 to 1000000, not \(maxConnections)")
        }
        for proxy in trustedProxies where PortalConfiguration.normalizedAddress(proxy) == nil {
            throw ValidationError("--trusted-proxy \(proxy) is not an IPv4 or IPv6 address")
        }
        guard PortalConfiguration.isHeaderName(clientAddressHeader) else {
            throw ValidationError("--client-address-header \"\(clientAddressHeader)\" is not an HTTP header name")
        }
    }

    @Flag(name: .customLong("accept-schedules"),
          help: "Let signed-in investors submit their projects' disbursement schedules (the portal then writes schedule rows).")
    var acceptSchedules = false

    func run() async throws {
        let store = try openExisting(database)
        let ruleSet = try rules.map { try CheckService.rules(path: $0, year: nil, asOf: Dates.today()) }
        if try store.users().isEmpty {
            printErr("giaingan: no portal accounts yet: add one with `giaingan users add LOGIN --role dpi`")
        }
        var logger = Logger(label: "giaingan.serve")
        logger.logLevel = .info
        var configuration = PortalConfiguration(host: host, port: port, secureCookies: !insecureCookies, rules: ruleSet,
                                                today: { Dates.today() })
        configuration.limits.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        configuration.limits.headerTimeout = .milliseconds(Int64(headerTimeout * 1000))
        configuration.limits.bodyTimeout = .milliseconds(Int64(bodyTimeout * 1000))
        configuration.limits.responseTimeout = .milliseconds(Int64(responseTimeout * 1000))
        configuration.limits.maxConnections = maxConnections
        configuration.trustedProxies = Set(trustedProxies.compactMap(PortalConfiguration.normalizedAddress))
        configuration.clientAddressHeader = clientAddressHeader
        if acceptSchedules { configuration.scheduleStore = try database.open() }
        let portal = Portal(store: store, configuration: configuration, logger: logger)
        let host = self.host
        let app = portal.application { port in
            FileHandle.standardOutput.write(Data("GiaiNgan portal on http://\(host):\(port)/\n".utf8))
        }
        try await app.runService()
    }
}

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage portal accounts.",
        discussion: """
        A DPI account sees everything; an investor account is bound to one investor (chủ đầu tư) and sees \
        only its projects. Passwords are read from standard input when it is not a terminal (one line), so \
        scripts can provision accounts; otherwise they are asked for twice without echo. A password has \
        10 characters or more and at most 72 bytes in UTF-8 (bcrypt reads no further; a Vietnamese \
        letter with a diacritic takes 2 or 3 bytes). Passwords are stored as bcrypt hashes only.

        Examples:
          giaingan users add so-khdt --role dpi
          echo 's3cret-passphrase' | giaingan users add bqlda-namcan --role investor --investor "UBND huyện Năm Căn"
          giaingan users list
        """,
        subcommands: [Add.self, List.self, Remove.self, Passwd.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account.")
        @Argument(help: "The login name.") var login: String
        @Option(help: "dpi or investor.") var role: PortalUser.Role
        @Option(help: ArgumentHelp("The investor an investor account sees (required for --role investor).", valueName: "NAME"))
        var investor: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard login.range(of: "^[A-Za-z0-9._@-]{1,64}$", options: .regularExpression) != nil else {
                throw ValidationError("a login is 1–64 letters, digits, '.', '_', '@' or '-'")
            }
            if role == .investor && investor == nil { throw ValidationError("--role investor needs --investor NAME") }
            if role == .dpi && investor != nil { throw ValidationError("a dpi account sees every investor: drop --investor") }
        }

        func run() throws {
            let store = try database.open()
            let bound = try investor.map { try CheckService.matchInvestor($0, among: try store.investorNames()) }
            let password = try readPassword()
            try store.addUser(login: login, passwordHash: Portal.hashPassword(password), role: role, investor: bound?.name)
            print("added \(login) (\(role.rawValue)\(bound.map { ", \($0.name)" } ?? ""))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts (never their passwords).")
        @OptionGroup var database: DatabaseOptions
        func run() throws {
            for u in try openExisting(database).users() {
                print([u.login, u.role.rawValue, u.investor ?? "", u.createdAt].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account; its sessions end at their next request.")
        @Argument var login: String
        @OptionGroup var database: DatabaseOptions
        func run() throws {
            try database.open().removeUser(login: login)
            print("removed \(login)")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password; the account's sessions end.")
        @Argument var login: String
        @OptionGroup var database: DatabaseOptions
        func run() throws {
            let store = try database.open()
            guard try store.user(login: login) != nil else { throw CommandError("no user \"\(login)\"") }
            try store.setPassword(login: login, passwordHash: Portal.hashPassword(try readPassword()))
            print("password changed for \(login)")
        }
    }
}

extension PortalUser.Role: ExpressibleByArgument {}

/// Reads a password: one line from standard input when it is not a terminal, else twice without echo.
func readPassword() throws -> String {
    let password: String
    if isatty(0) == 0 {
        guard let line = readLine(strippingNewline: true) else { throw CommandError("no password on standard input") }
        password = line
    } else {
        guard let first = getpass("Password: ").map({ String(cString: $0) }),
              let second = getpass("Again: ").map({ String(cString: $0) }) else { throw CommandError("no password given") }
        guard first == second else { throw CommandError("the two passwords differ") }
        password = first
    }
    guard password.count >= 10 else { throw CommandError("a password needs at least 10 characters") }
    if let problem = Portal.passwordProblem(password) { throw CommandError(problem) }
    return password
}
