import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganReport
import GiaiNganStore
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdCore
import Logging
import NIOCore

/// How the portal runs.
public struct PortalConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Sends the session cookie with `Secure`: on by default, since the portal belongs behind a
    /// TLS reverse proxy; turn off only for plain-HTTP use on one machine.
    public var secureCookies: Bool = true
    public var rules: RuleSet?
    /// Today's date, for the default as-of date (the server reads the clock here only).
    public var today: @Sendable () -> CivilDate
    /// Timeouts per connection phase, the connection cap and the size limits.
    public var limits = ConnectionLimits()
    /// Addresses (IPv4 or IPv6, as written by the proxy's operating system) of reverse proxies
    /// whose `clientAddressHeader` is believed; from any other peer the header is ignored.
    public var trustedProxies: Set<String> = []
    /// The header a trusted proxy puts the client's address in (`X-Forwarded-For` with nginx's
    /// `$proxy_add_x_forwarded_for`, or `X-Real-IP`).
    public var clientAddressHeader: String = "X-Forwarded-For"
    /// A writable store for schedules investors submit (`serve --accept-schedules`); without one
    /// the portal only reads, and the schedule form says so.
    public var scheduleStore: Store?

    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = true, rules: RuleSet? = nil,
                today: @escaping @Sendable () -> CivilDate) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.rules = rules
        self.today = today
    }
}

extension PortalConfiguration {
    /// `text` as an IPv4 or IPv6 address in the form the portal compares peers in, or nil when it
    /// is not an address (for `--trusted-proxy`).
    public static func normalizedAddress(_ text: String) -> String? { Web.normalizedIP(text) }

    /// Whether `text` can name an HTTP header field (for `--client-address-header`).
    public static func isHeaderName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && HTTPField.Name(text) != nil
    }
}

/// The request context: who is asking, from where.
public struct PortalContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: SessionUser?
    public var sessionToken: String?
    /// The connection's peer: the client, or the reverse proxy in front of the portal.
    public var remoteAddress: String
    /// The client as sign-in throttling counts it: `remoteAddress`, or the address a trusted
    /// proxy reported (`PortalConfiguration.trustedProxies`).
    public var clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress.flatMap(Web.normalizedIP) ?? "unknown"
        clientAddress = remoteAddress
    }
}

/// `giaingan serve`: the investor portal.
///
/// Every route checks the role and the investor binding on the server, before it reads any
/// figure. An investor asking for another investor's or project's page gets the same 404 as for
/// one that does not exist, after the same work (one indexed lookup).
public final class Portal: Sendable {
    public static let cookieName = "giaingan_session"
    /// bcrypt cost for new passwords (2^11 rounds, about 0.1–0.2 s on this class of machine).
    public static let bcryptCost: UInt8 = 11
    /// bcrypt reads at most this many bytes of a password; `users add` refuses longer ones.
    public static let maxPasswordBytes = 72

    let store: Store
    let configuration: PortalConfiguration
    let sessions = SessionStore()
    let throttle = LoginThrottle()
    let passwords = PasswordPool()
    let cache = ViewCache()
    let health: HealthMonitor
    let logger: Logger
    /// Told of each costly step a request takes (tests check what a refused request did).
    let observe: (@Sendable (Work) -> Void)?
    /// Verifying against this when the login does not exist keeps the timing the same.
    static let dummyHash = Bcrypt.hash("giaingan-no-such-user", cost: bcryptCost)

    /// A costly step of a request: reading a project's entries, evaluating a plan year.
    enum Work: Sendable, Equatable {
        case projectDetail(code: String)
        case evaluation(planYear: Int, asOf: CivilDate)
        case investorView(InvestorID)
    }

    /// A portal over `store`; it only reads the database.
    public convenience init(store: Store, configuration: PortalConfiguration, logger: Logger) {
        self.init(store: store, configuration: configuration, logger: logger, observe: nil)
    }

    init(store: Store, configuration: PortalConfiguration, logger: Logger, observe: (@Sendable (Work) -> Void)?) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.observe = observe
        self.health = HealthMonitor(store: store)
    }

    /// Hashes a password for storage.
    public static func hashPassword(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    /// Why `password` cannot be stored, or nil when it can: bcrypt reads only its first 72 bytes
    /// (the rest would be ignored without a word) and stops at a NUL byte.
    public static func passwordProblem(_ password: String) -> String? {
        let bytes = password.utf8.count
        if bytes > maxPasswordBytes {
            return "a password is at most \(maxPasswordBytes) bytes (bcrypt ignores the rest); this one is \(bytes) bytes "
                + "(a Vietnamese letter with a diacritic such as ệ takes 2 or 3): choose a shorter one"
        }
        if password.utf8.contains(0) { return "a password cannot contain a NUL character" }
        return nil
    }

    /// The routes and the methods each answers (HEAD wherever GET is).
    static let routes: [(path: String, methods: [HTTPRequest.Method])] = [
        ("/healthz", [.get]), ("/login", [.get, .post]), ("/logout", [.post]), ("/", [.get]),
        ("/province.csv", [.get]), ("/province.json", [.get]), ("/province.xlsx", [.get]),
        ("/investors/:slug", [.get]), ("/investors/:slug/report.csv", [.get]), ("/investors/:slug/report.json", [.get]),
        ("/investors/:slug/report.xlsx", [.get]),
        ("/projects/:code", [.get]), ("/projects/:code/entries.csv", [.get]),
        ("/schedules", [.get, .post]),
    ]

    /// The methods the route at `path` answers, or nil when no route matches it.
    static func allowedMethods(path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for route in routes {
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard pattern.count == segments.count else { continue }
            if zip(pattern, segments).allSatisfy({ $0.0.hasPrefix(":") ? !$0.1.isEmpty : $0.0 == $0.1 }) {
                return route.methods.contains(.get) ? route.methods + [.head] : route.methods
            }
        }
        return nil
    }

    /// Builds the application; `onRunning` receives the bound port (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: PortalContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: AccessMiddleware(portal: self))
        router.get("/healthz") { _, _ in await self.healthz() }
        router.get("/login") { request, context in try await self.loginPage(request, context) }
        router.post("/login") { request, context in try await self.login(request, context) }
        router.post("/logout") { request, context in try await self.logout(request, context) }
        router.get("/") { request, context in try await self.home(request, context) }
        router.get("/province.csv") { request, context in try await self.provinceDownload(request, context, .csv) }
        router.get("/province.json") { request, context in try await self.provinceDownload(request, context, .json) }
        router.get("/province.xlsx") { request, context in try await self.provinceDownload(request, context, .xlsx) }
        router.get("/investors/:slug") { request, context in try await self.investorPage(request, context, format: .html) }
        router.get("/investors/:slug/report.csv") { request, context in try await self.investorPage(request, context, format: .csv) }
        router.get("/investors/:slug/report.json") { request, context in try await self.investorPage(request, context, format: .json) }
        router.get("/investors/:slug/report.xlsx") { request, context in try await self.investorPage(request, context, format: .xlsx) }
        router.get("/projects/:code") { request, context in try await self.projectPage(request, context, csv: false) }
        router.get("/projects/:code/entries.csv") { request, context in try await self.projectPage(request, context, csv: true) }
        router.get("/schedules") { request, context in try await self.schedulesPage(request, context) }
        router.post("/schedules") { request, context in try await self.submitSchedule(request, context) }
        let limits = configuration.limits
        let maxConnections = limits.effectiveMaxConnections()
        if maxConnections < limits.maxConnections {
            logger.warning("the open-file limit allows \(maxConnections) connections, not \(limits.maxConnections): raise `ulimit -n`")
        }
        let configuration = ApplicationConfiguration(address: .hostname(self.configuration.host, port: self.configuration.port),
                                                     serverName: "GiaiNgan", backlog: ConnectionLimits.backlog,
                                                     availableConnectionsDelegate: MaximumAvailableConnections(maxConnections))
        let server = HTTPServerBuilder { responder in GuardedHTTP1Channel(responder: responder, limits: limits) }
        return Application(router: router, server: server, configuration: configuration,
                           onServerRunning: { channel in
                               self.health.start()
                               await onRunning(channel.localAddress?.port ?? 0)
                           },
                           logger: logger)
    }

    // MARK: - Health

    func healthz() async -> Response {
        if let problem = await health.problem() {
            logger.error("health check failed", metadata: ["problem": .string(Web.logField(problem, limit: 500))])
            return text("database unavailable\n", status: .serviceUnavailable)
        }
        return text("ok\n", status: .ok)
    }

    // MARK: - Authentication

    func currentUser(_ request: Request) async throws -> (SessionUser, String)? {
        guard let token = request.cookies[Portal.cookieName]?.value, token.count == 64 else { return nil }
        guard let user = await sessions.user(for: token) else { return nil }
        // An account removed or given a new password since the session began ends the session.
        guard let stored = try store.user(login: user.login), stored.passwordHash == user.passwordHash else {
            await sessions.remove(token)
            return nil
        }
        return (user, token)
    }

    func loginPage(_ request: Request, _ context: PortalContext) async throws -> Response {
        if context.user != nil { return redirect("/") }
        return html(Pages.login(lang: language(request), message: nil), status: .ok)
    }

    func login(_ request: Request, _ context: PortalContext) async throws -> Response {
        let lang = language(request)
        var request = request
        let body = try await request.collectBody(upTo: configuration.limits.maxBodyBytes)
        let form = Pages.parseForm(String(buffer: body))
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let address = context.clientAddress
        if case .refused(let wait) = await throttle.begin(login: login, address: address) {
            logger.warning("login throttled", metadata: ["login": .string(loggedLogin(login)), "address": .string(Web.logField(address))])
            var r = html(Pages.login(lang: lang, message: lang.t("Quá nhiều lần đăng nhập sai. Thử lại sau \(wait / 60 + 1) phút.",
                                                                 "Too many failed sign-ins. Try again in \(wait / 60 + 1) minutes.")),
                         status: .tooManyRequests)
            r.headers[.retryAfter] = String(wait)
            return r
        }
        let stored: PortalUser?
        let ok: Bool
        do {
            stored = try store.user(login: login)
            // A password longer than bcrypt reads is checked like any other (an account made
            // before the 72-byte limit may have one); a NUL would cut it short in C, so it fails.
            let checked = try await passwords.verify(password, hash: stored?.passwordHash ?? Portal.dummyHash)
            ok = checked && stored != nil && !password.utf8.contains(0)
        } catch {
            await throttle.end(login: login, address: address, outcome: .notChecked)
            throw error
        }
        guard ok, let user = stored else {
            await throttle.end(login: login, address: address, outcome: .failed)
            logger.notice("login failed", metadata: ["login": .string(loggedLogin(login)), "address": .string(Web.logField(address))])
            return html(Pages.login(lang: lang, message: lang.t("Sai tên đăng nhập hoặc mật khẩu.", "Wrong login or password.")),
                        status: .unauthorized)
        }
        await throttle.end(login: login, address: address, outcome: .succeeded)
        let session = SessionUser(login: user.login, role: user.role, investor: user.investor.map(InvestorID.init),
                                  passwordHash: user.passwordHash)
        let token = await sessions.create(for: session)
        var response = redirect("/")
        response.setCookie(Cookie(name: Portal.cookieName, value: token, path: "/", secure: configuration.secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    /// The login of a failed sign-in as the log shows it: an existing account's name (escaped),
    /// or no text at all, since people type passwords into the login field.
    func loggedLogin(_ login: String) -> String {
        guard !login.isEmpty, Portal.isLoginName(login), (try? store.user(login: login)) != nil else { return "(not an account)" }
        return Web.logField(login)
    }

    /// Whether `text` has the shape `users add` allows for a login.
    static func isLoginName(_ text: String) -> Bool {
        text.range(of: "^[A-Za-z0-9._@-]{1,64}$", options: .regularExpression) != nil
    }

    func logout(_ request: Request, _ context: PortalContext) async throws -> Response {
        if let token = context.sessionToken { await sessions.remove(token) }
        var response = redirect("/login")
        response.setCookie(Cookie(name: Portal.cookieName, value: "", maxAge: 0, path: "/", secure: configuration.secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: - Pages

    struct Query {
        var asOf: CivilDate
        var rules: RuleSet
        var lang: Language
        /// The `?year=` the request named, kept in every link of the page it gets.
        var year: Int?
    }

    /// Reads `as_of`, `year` and `lang`. A date or year that is malformed or outside
    /// `SupportedRange` is a 400 page saying what is accepted, before anything is computed.
    func query(_ request: Request) throws -> Query {
        let q = request.uri.queryParameters
        let L = language(request)
        let range = "\(SupportedRange.firstDate)…\(SupportedRange.lastDate)"
        let years = "\(SupportedRange.planYears.lowerBound)–\(SupportedRange.planYears.upperBound)"
        var asOf = configuration.today()
        if let text = q.get("as_of"), !text.isEmpty {
            guard let d = CivilDate(iso: text) else {
                throw HTTPError(.badRequest, message: L.t("as_of phải là một ngày có dạng yyyy-MM-dd trong khoảng \(range), ví dụ 2023-09-15.",
                                                          "as_of must be a date yyyy-MM-dd within \(range), for example 2023-09-15."))
            }
            guard SupportedRange.problem(date: d) == nil else {
                throw HTTPError(.badRequest, message: L.t("Ngày \(d) nằm ngoài khoảng GiaiNgan hỗ trợ (\(range)).",
                                                          "The date \(d) is outside the range GiaiNgan supports (\(range))."))
            }
            asOf = d
        }
        var year: Int?
        if let text = q.get("year"), !text.isEmpty {
            guard text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }), let y = Int(text),
                  SupportedRange.problem(planYear: y) == nil else {
                throw HTTPError(.badRequest, message: L.t("year phải là một năm kế hoạch trong khoảng \(years).",
                                                          "year must be a plan year within \(years)."))
            }
            year = y
        }
        let rules: RuleSet
        if let configured = configuration.rules {
            if let year, year != configured.planYear {
                throw HTTPError(.badRequest, message: L.t("Cổng này dùng bộ quy tắc của năm kế hoạch \(configured.planYear); không xem được năm \(year).",
                                                          "This portal runs the rules for plan year \(configured.planYear); it cannot show \(year)."))
            }
            rules = configured
        } else {
            let planYear = year ?? RuleSet.defaultPlanYear(asOf: asOf)
            guard SupportedRange.problem(planYear: planYear) == nil else {
                throw HTTPError(.badRequest, message: L.t("Ngày \(asOf) thuộc năm kế hoạch \(planYear), ngoài khoảng \(years): thêm &year=.",
                                                          "The date \(asOf) belongs to plan year \(planYear), outside \(years): add &year=."))
            }
            rules = RuleSet.footnote4(planYear: planYear)
        }
        return Query(asOf: asOf, rules: rules, lang: L, year: year)
    }

    func language(_ request: Request) -> Language {
        request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) ?? .vi
    }

    func entry(_ q: Query) throws -> ViewCache.Entry {
        let key = ViewCache.Key(version: try store.dataVersion(), planYear: q.rules.planYear, asOf: q.asOf)
        return try cache.entry(for: key) {
            observe?(.evaluation(planYear: q.rules.planYear, asOf: q.asOf))
            // The check pipeline every command shares: envelope, comparisons and all.
            var (province, snapshots) = try CheckService.evaluateProvince(store: store, rules: q.rules, asOf: q.asOf)
            let baselines = try CheckService.baselines(store: store, rules: q.rules, asOf: q.asOf, since: nil)
            try baselines.attach(to: &province, investor: nil)
            return ViewCache.Entry(province: province, snapshots: snapshots, baselines: baselines)
        }
    }

    func investorView(_ entry: ViewCache.Entry, _ investor: InvestorID) throws -> Evaluation {
        try cache.investorView(entry, investor) {
            observe?(.investorView(investor))
            let p = entry.province
            var view = try Evaluator.evaluate(request: p.request, snapshots: entry.snapshots.filter { $0.project.investor == investor },
                                              profile: p.profile, provinceAverage: .some(p.province.rate))
            try entry.baselines.attach(to: &view, investor: investor)
            view.schedule = p.schedule?.only(investor)
            return view
        }
    }

    func requireUser(_ context: PortalContext) throws -> SessionUser {
        guard let user = context.user else { throw Redirect(location: "/login") }
        return user
    }

    /// When the plan year asked about has no capital plan (every new install looks at today's
    /// year first), a note saying so with links to the years that have one; nil otherwise.
    func noPlanNotice(_ q: Query, investor: InvestorID?, basePath: String) throws -> String? {
        let years = try store.planYearsWithPlans(investor: investor)
        let planYear = q.rules.planYear
        guard !years.contains(planYear) else { return nil }
        let L = q.lang
        var text = L.t("Chưa có kế hoạch vốn năm \(planYear) trong cơ sở dữ liệu.",
                       "There is no capital plan for \(planYear) in the database.")
        if years.isEmpty {
            text = Pages.escape(text) + " " + Pages.escape(L.t("Hãy nhập kế hoạch vốn trước (giaingan import plan …).",
                                                               "Import a capital plan first (giaingan import plan …)."))
        } else if configuration.rules != nil {
            text = Pages.escape(text) + " " + Pages.escape(L.t("Các năm có kế hoạch: ", "Years with a plan: ")
                + years.map(String.init).joined(separator: ", ")
                + L.t(". Cổng này chạy theo tệp quy tắc của năm \(planYear).", ". This portal runs the rules file for \(planYear)."))
        } else {
            let today = configuration.today()
            let links = years.map { y -> String in
                // The year's last checkpoint (31 January after it), or today while it runs.
                let yearEnd = CivilDate(year: y + 1, month: 1, day: 31) ?? SupportedRange.lastDate
                let start = CivilDate(year: y, month: 1, day: 1) ?? SupportedRange.firstDate
                let asOf = max(start, min(today, yearEnd))
                let href = basePath + "?" + Pages.queryString(Query(asOf: asOf, rules: q.rules, lang: L, year: y))
                return "<a href=\"\(Pages.escape(href))\">\(y)</a>"
            }
            text = Pages.escape(text) + " " + Pages.escape(L.t("Các năm có kế hoạch: ", "Years with a plan: ")) + links.joined(separator: ", ")
        }
        return "<p class=\"gn-notice\" role=\"status\">\(text)</p>"
    }

    /// When projects of `investor` passed to another investor on or before the as-of date
    /// (README "Reorganisation"), a note naming them, each with a link to the day before it
    /// passed on: the investor's page shows what it holds on the date asked, and that link shows
    /// what it held before.
    func passedOnNotice(_ q: Query, investor: InvestorID, basePath: String) throws -> String? {
        let passed = try store.successions(from: investor).filter { $0.effectiveOn <= q.asOf }
        guard !passed.isEmpty else { return nil }
        let L = q.lang
        let groups = Dictionary(grouping: passed) { "\($0.effectiveOn)|\($0.to.name)|\($0.decisionRef)" }
        let items = groups.values.map { list -> (CivilDate, String) in
            let s = list[0]
            var before = q
            before.asOf = s.until
            before.year = q.rules.planYear
            let codes = list.map(\.projectCode).sorted().joined(separator: ", ")
            let text = L.t("Từ \(Format.date(s.effectiveOn, L)), dự án \(codes) chuyển cho \(s.to.name) (\(s.decisionRef)). ",
                           "From \(Format.date(s.effectiveOn, L)), projects \(codes) passed to \(s.to.name) (\(s.decisionRef)). ")
            let link = L.t("Số liệu đến ngày \(Format.date(s.until, L))", "Figures as of \(Format.date(s.until, L))")
            return (s.effectiveOn, Pages.escape(text) + "<a href=\"\(Pages.escape(basePath + "?" + Pages.queryString(before)))\">"
                + Pages.escape(link) + "</a>")
        }
        return items.sorted { $0.0 < $1.0 }.map { "<p class=\"gn-notice\" role=\"status\">\($0.1)</p>" }.joined(separator: "\n")
    }

    func home(_ request: Request, _ context: PortalContext) async throws -> Response {
        let user = try requireUser(context)
        let q = try query(request)
        if let investor = user.investor, !user.isDPI {
            guard let slug = try store.investorKeys().first(where: { $0.investor == investor })?.slug else {
                throw HTTPError(.notFound)
            }
            return redirect(Pages.investorPath(slug) + "?" + Pages.queryString(q))
        }
        let e = try entry(q)
        let slugs = try PerInvestorReports.slugs(store)
        let page = try cache.page(e, "province|\(q.lang.rawValue)|\(q.year ?? 0)|\(user.login)") {
            Pages.withNavigation(Pages.province(e.province, lang: q.lang), user: user, query: q,
                                 downloads: [("CSV", "/province.csv"), ("JSON", "/province.json"), ("Excel", "/province.xlsx")],
                                 links: e.province.investors.compactMap { i in
                                     slugs[i.investor].map { (i.investor.name, Pages.investorPath($0)) }
                                 },
                                 notice: try noPlanNotice(q, investor: nil, basePath: "/"))
        }
        return html(page, status: .ok)
    }

    func provinceDownload(_ request: Request, _ context: PortalContext, _ format: ReportFormat) async throws -> Response {
        let user = try requireUser(context)
        guard user.isDPI else { throw HTTPError(.notFound) }
        let q = try query(request)
        let e = try entry(q)
        let bytes = try cache.bytes(e, "province.\(format.rawValue)|\(q.lang.rawValue)") {
            ByteBuffer(bytes: try format.data(e.province, lang: q.lang, scope: .province))
        }
        return download(bytes, format: format, name: "giaingan-\(q.asOf).\(format.fileExtension)")
    }

    /// Resolves a slug to an investor the user may see; anything else is the same 404.
    func investor(slug: String, for user: SessionUser) throws -> InvestorID {
        guard let id = try store.investor(slug: slug), user.maySee(id) else { throw HTTPError(.notFound) }
        return id
    }

    /// A route parameter decoded back from its percent-encoding; a broken encoding names nothing.
    func parameter(_ name: String, _ context: PortalContext) throws -> String {
        guard let raw = context.parameters.get(name), let text = Web.decodedSegment(raw) else { throw HTTPError(.notFound) }
        return text
    }

    func investorPage(_ request: Request, _ context: PortalContext, format: ReportFormat) async throws -> Response {
        let user = try requireUser(context)
        let slug = try parameter("slug", context)
        let investor = try investor(slug: slug, for: user)
        let q = try query(request)
        let e = try entry(q)
        let view = try investorView(e, investor)
        if format != .html {
            let bytes = try cache.bytes(e, "investor.\(format.rawValue)|\(investor.name)|\(q.lang.rawValue)") {
                ByteBuffer(bytes: try format.data(view, lang: q.lang, scope: .investor(investor)))
            }
            return download(bytes, format: format, name: "\(slug)-\(q.asOf).\(format.fileExtension)")
        }
        let base = Pages.investorPath(slug)
        let page = try cache.page(e, "investor|\(investor.name)|\(q.lang.rawValue)|\(q.year ?? 0)|\(user.login)") {
            Pages.withNavigation(HTMLReport.render(view, lang: q.lang, scope: .investor(investor)), user: user, query: q,
                                 downloads: [("CSV", base + "/report.csv"), ("JSON", base + "/report.json"), ("Excel", base + "/report.xlsx")],
                                 links: view.projects.map { ("\($0.project.code) \($0.project.name)", Pages.projectPath($0.project.code)) },
                                 notice: [try noPlanNotice(q, investor: investor, basePath: base),
                                          try passedOnNotice(q, investor: investor, basePath: base)].compactMap { $0 }
                                     .joined(separator: "\n").nilIfEmpty)
        }
        return html(page, status: .ok)
    }

    func projectPage(_ request: Request, _ context: PortalContext, csv: Bool) async throws -> Response {
        let user = try requireUser(context)
        let code = try parameter("code", context)
        // Who may see it is decided first, on one indexed row: another investor's project costs
        // what a missing code costs, and neither reads an entry or evaluates anything.
        guard let owner = try store.projectInvestor(code: code) else { throw HTTPError(.notFound) }
        // A former investor (README "Reorganisation") keeps read access to the project's history
        // up to the day before it passed on: a later as-of date is clamped to that day, and the
        // plan lines and entries listed stop there.
        var through: CivilDate?
        if !user.maySee(owner) {
            guard let investor = user.investor, let until = try store.heldUntil(code: code, investor: investor) else {
                throw HTTPError(.notFound)
            }
            through = until
        }
        var q = try query(request)
        if let through, q.asOf > through {
            q.year = q.rules.planYear
            q.asOf = through
            return redirect(Pages.projectPath(code) + (csv ? "/entries.csv" : "") + "?" + Pages.queryString(q))
        }
        observe?(.projectDetail(code: code))
        guard let detail = try store.projectDetail(code: code, planYear: q.rules.planYear, through: through),
              through != nil || user.maySee(detail.project.investor) else { throw HTTPError(.notFound) }
        if csv {
            return download(Pages.entriesCSV(detail), format: .csv, name: "\(code)-\(q.rules.planYear).csv")
        }
        let e = try entry(q)
        // The investor that held the project on the as-of date: the old one before a succession.
        let holder = e.snapshots.first { $0.project.code == code }?.project.investor ?? detail.project.investor
        let view = try investorView(e, holder)
        let result = view.projects.first { $0.project.code == code }
        let page = Pages.project(detail, result: result, evaluation: view, lang: q.lang)
        return html(Pages.withNavigation(page, user: user, query: q,
                                         downloads: [("CSV", Pages.projectPath(code) + "/entries.csv")],
                                         links: try store.investorKeys().filter { $0.investor == holder && user.maySee(holder) }
                                             .map { (holder.name, Pages.investorPath($0.slug)) }),
                    status: .ok)
    }

    // MARK: - Responses

    func html(_ text: String, status: HTTPResponse.Status) -> Response {
        html(ByteBuffer(string: text), status: status)
    }

    func html(_ bytes: ByteBuffer, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: Portal.pageHeaders(contentType: "text/html; charset=utf-8"),
                 body: .init(byteBuffer: bytes))
    }

    func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: Portal.pageHeaders(contentType: "text/plain; charset=utf-8"),
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func download(_ text: String, format: ReportFormat, name: String) -> Response {
        download(ByteBuffer(string: text), format: format, name: name)
    }

    func download(_ bytes: ByteBuffer, format: ReportFormat, name: String) -> Response {
        var headers = Portal.pageHeaders(contentType: format.contentType)
        headers[.contentDisposition] = Web.attachment(filename: name)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }

    func redirect(_ location: String) -> Response {
        var headers = Portal.pageHeaders(contentType: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func pageHeaders(contentType: String) -> HTTPFields {
        var h = HTTPFields()
        h[.contentType] = contentType
        h[.cacheControl] = "no-store"
        h[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        h[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        h[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return h
    }
}

/// Thrown by a handler to send the browser elsewhere (to the login page).
struct Redirect: Error { let location: String }

extension String {
    /// Nil for the empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
