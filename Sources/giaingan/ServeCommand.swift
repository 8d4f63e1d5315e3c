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
        Serves the database read-only (imports and weekly runs may write it meanwhile). DPI accounts see
        the province, every investor and every project; an investor account sees only its own investor's
        pages, and any other address gives 404. Accounts: `giaingan users add`.

        The session cookie is sent with Secure, HttpOnly and SameSite=Strict: run the portal behind a
        reverse proxy with TLS (README "Investor portal"), or pass --insecure-cookies for plain HTTP on
        one machine. Each request is logged (method, path, status, user, time) on standard error.
        SIGTERM or Ctrl-C stops it cleanly. --port 0 picks a free port; the address is printed.
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

    func run() async throws {
        let store = try openExisting(database)
        let ruleSet = try rules.map { try CheckService.rules(path: $0, year: nil, asOf: Dates.today()) }
        if try store.users().isEmpty {
            printErr("giaingan: no portal accounts yet: add one with `giaingan users add LOGIN --role dpi`")
        }
        var logger = Logger(label: "giaingan.serve")
        logger.logLevel = .info
        let portal = Portal(store: store, configuration: PortalConfiguration(
            host: host, port: port, secureCookies: !insecureCookies, rules: ruleSet, today: { Dates.today() }), logger: logger)
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
        A DPI account sees everything; an investor account is bound to one investor (chủ đầu tư) and sees
        only its projects. Passwords are read from standard input when it is not a terminal (one line), so
        scripts can provision accounts; otherwise they are asked for twice without echo. Passwords are
        stored as bcrypt hashes only.

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
            for u in try database.open().users() {
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
    return password
}
