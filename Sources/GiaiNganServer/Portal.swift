import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganReport
import GiaiNganStore
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
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

    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = true, rules: RuleSet? = nil,
                today: @escaping @Sendable () -> CivilDate) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.rules = rules
        self.today = today
    }
}

/// The request context: who is asking, from where.
public struct PortalContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: SessionUser?
    public var sessionToken: String?
    public var remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// `giaingan serve`: the investor portal.
///
/// Every route checks the role and the investor binding on the server. An investor asking for
/// another investor's or project's page gets the same 404 as for one that does not exist.
public final class Portal: Sendable {
    public static let cookieName = "giaingan_session"
    /// bcrypt cost for new passwords (2^11 rounds, about 0.1–0.2 s on this class of machine).
    public static let bcryptCost: UInt8 = 11

    let store: Store
    let configuration: PortalConfiguration
    let sessions = SessionStore()
    let throttle = LoginThrottle()
    let cache = ViewCache()
    let logger: Logger
    /// Verifying against this when the login does not exist keeps the timing the same.
    static let dummyHash = Bcrypt.hash("giaingan-no-such-user", cost: bcryptCost)

    public init(store: Store, configuration: PortalConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Hashes a password for storage.
    public static func hashPassword(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    /// Builds the application; `onRunning` receives the bound port (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: PortalContext.self)
        router.add(middleware: AccessMiddleware(portal: self))
        router.get("/healthz") { _, _ in "ok" }
        router.get("/login") { request, context in try await self.loginPage(request, context) }
        router.post("/login") { request, context in try await self.login(request, context) }
        router.post("/logout") { request, context in try await self.logout(request, context) }
        router.get("/") { request, context in try await self.home(request, context) }
        router.get("/province.csv") { request, context in try await self.provinceDownload(request, context, .csv) }
        router.get("/province.json") { request, context in try await self.provinceDownload(request, context, .json) }
        router.get("/investors/:slug") { request, context in try await self.investorPage(request, context, format: .html) }
        router.get("/investors/:slug/report.csv") { request, context in try await self.investorPage(request, context, format: .csv) }
        router.get("/investors/:slug/report.json") { request, context in try await self.investorPage(request, context, format: .json) }
        router.get("/projects/:code") { request, context in try await self.projectPage(request, context, csv: false) }
        router.get("/projects/:code/entries.csv") { request, context in try await self.projectPage(request, context, csv: true) }
        let configuration = ApplicationConfiguration(address: .hostname(self.configuration.host, port: self.configuration.port),
                                                     serverName: "GiaiNgan")
        return Application(router: router, configuration: configuration,
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                           logger: logger)
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
        let body = try await request.collectBody(upTo: 16 * 1024)
        let form = Pages.parseForm(String(buffer: body))
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        if let wait = await throttle.retryAfter(login: login, address: context.remoteAddress) {
            logger.warning("login throttled", metadata: ["login": .string(login), "address": .string(context.remoteAddress)])
            var r = html(Pages.login(lang: lang, message: lang.t("Quá nhiều lần đăng nhập sai. Thử lại sau \(wait / 60 + 1) phút.",
                                                                 "Too many failed sign-ins. Try again in \(wait / 60 + 1) minutes.")),
                         status: .tooManyRequests)
            r.headers[.retryAfter] = String(wait)
            return r
        }
        let stored = try store.user(login: login)
        let ok = Bcrypt.verify(password, hash: stored?.passwordHash ?? Portal.dummyHash) && stored != nil
        guard ok, let user = stored else {
            await throttle.recordFailure(login: login, address: context.remoteAddress)
            logger.notice("login failed", metadata: ["login": .string(login), "address": .string(context.remoteAddress)])
            return html(Pages.login(lang: lang, message: lang.t("Sai tên đăng nhập hoặc mật khẩu.", "Wrong login or password.")),
                        status: .unauthorized)
        }
        await throttle.recordSuccess(login: login)
        let session = SessionUser(login: user.login, role: user.role, investor: user.investor.map(InvestorID.init),
                                  passwordHash: user.passwordHash)
        let token = await sessions.create(for: session)
        var response = redirect("/")
        response.setCookie(Cookie(name: Portal.cookieName, value: token, path: "/", secure: configuration.secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
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
    }

    func query(_ request: Request) throws -> Query {
        let q = request.uri.queryParameters
        var asOf = configuration.today()
        if let text = q.get("as_of"), !text.isEmpty {
            guard let d = CivilDate(iso: text) else { throw HTTPError(.badRequest, message: "as_of must be a date yyyy-MM-dd") }
            asOf = d
        }
        var rules = configuration.rules ?? RuleSet.footnote4(planYear: RuleSet.defaultPlanYear(asOf: asOf))
        if configuration.rules == nil, let y = q.get("year").flatMap(Int.init), (1900...9999).contains(y) {
            rules = RuleSet.footnote4(planYear: y)
        }
        return Query(asOf: asOf, rules: rules, lang: language(request))
    }

    func language(_ request: Request) -> Language {
        request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) ?? .vi
    }

    func entry(_ q: Query) throws -> ViewCache.Entry {
        let key = ViewCache.Key(version: try store.dataVersion(), planYear: q.rules.planYear, asOf: q.asOf)
        return try cache.entry(for: key) {
            let request = EvaluationRequest(planYear: q.rules.planYear, asOf: q.asOf, rules: q.rules)
            let snapshots = try store.snapshots(for: request)
            let profile = try store.seasonalProfile(for: request)
            let province = try Evaluator.evaluate(request: request, snapshots: snapshots, profile: profile)
            return ViewCache.Entry(province: province, snapshots: snapshots)
        }
    }

    func investorView(_ entry: ViewCache.Entry, _ investor: InvestorID) throws -> Evaluation {
        try cache.investorView(entry, investor) {
            let p = entry.province
            return try Evaluator.evaluate(request: p.request, snapshots: entry.snapshots.filter { $0.project.investor == investor },
                                          profile: p.profile, provinceAverage: .some(p.province.rate))
        }
    }

    func requireUser(_ context: PortalContext) throws -> SessionUser {
        guard let user = context.user else { throw Redirect(location: "/login") }
        return user
    }

    func home(_ request: Request, _ context: PortalContext) async throws -> Response {
        let user = try requireUser(context)
        let q = try query(request)
        if let investor = user.investor, !user.isDPI {
            guard let slug = try store.investorKeys().first(where: { $0.investor == investor })?.slug else {
                throw HTTPError(.notFound)
            }
            return redirect("/investors/\(slug)?" + Pages.queryString(q.asOf, q.lang))
        }
        let e = try entry(q)
        let slugs = try PerInvestorReports.slugs(store)
        let page = cache.page(e, "province|\(q.lang.rawValue)|\(user.login)") {
            Pages.withNavigation(Pages.province(e.province, lang: q.lang), user: user, query: q,
                                 downloads: [("CSV", "/province.csv"), ("JSON", "/province.json")],
                                 links: e.province.investors.compactMap { i in
                                     slugs[i.investor].map { (i.investor.name, "/investors/\($0)") }
                                 })
        }
        return html(page, status: .ok)
    }

    func provinceDownload(_ request: Request, _ context: PortalContext, _ format: ReportFormat) async throws -> Response {
        let user = try requireUser(context)
        guard user.isDPI else { throw HTTPError(.notFound) }
        let q = try query(request)
        let e = try entry(q)
        let text = cache.page(e, "province.\(format.rawValue)|\(q.lang.rawValue)") {
            format.render(e.province, lang: q.lang, scope: .province)
        }
        return download(text, format: format, name: "giaingan-\(q.asOf).\(format.fileExtension)")
    }

    /// Resolves a slug to an investor the user may see; anything else is the same 404.
    func investor(slug: String, for user: SessionUser) throws -> InvestorID {
        guard let id = try store.investor(slug: slug), user.maySee(id) else { throw HTTPError(.notFound) }
        return id
    }

    func investorPage(_ request: Request, _ context: PortalContext, format: ReportFormat) async throws -> Response {
        let user = try requireUser(context)
        let slug = try context.parameters.require("slug")
        let investor = try investor(slug: slug, for: user)
        let q = try query(request)
        let e = try entry(q)
        let view = try investorView(e, investor)
        if format != .html {
            let text = cache.page(e, "investor.\(format.rawValue)|\(investor.name)|\(q.lang.rawValue)") {
                format.render(view, lang: q.lang, scope: .investor(investor))
            }
            return download(text, format: format, name: "\(slug)-\(q.asOf).\(format.fileExtension)")
        }
        let base = "/investors/\(slug)"
        let page = cache.page(e, "investor|\(investor.name)|\(q.lang.rawValue)|\(user.login)") {
            Pages.withNavigation(HTMLReport.render(view, lang: q.lang, scope: .investor(investor)), user: user, query: q,
                                 downloads: [("CSV", base + "/report.csv"), ("JSON", base + "/report.json")],
                                 links: view.projects.map { ("\($0.project.code) \($0.project.name)", "/projects/\($0.project.code)") })
        }
        return html(page, status: .ok)
    }

    func projectPage(_ request: Request, _ context: PortalContext, csv: Bool) async throws -> Response {
        let user = try requireUser(context)
        let code = try context.parameters.require("code")
        let q = try query(request)
        guard let detail = try store.projectDetail(code: code, planYear: q.rules.planYear),
              user.maySee(detail.project.investor) else { throw HTTPError(.notFound) }
        if csv {
            return download(Pages.entriesCSV(detail), format: .csv, name: "\(code)-\(q.rules.planYear).csv")
        }
        let e = try entry(q)
        let view = try investorView(e, detail.project.investor)
        let result = view.projects.first { $0.project.code == code }
        let page = Pages.project(detail, result: result, evaluation: view, lang: q.lang)
        return html(Pages.withNavigation(page, user: user, query: q,
                                         downloads: [("CSV", "/projects/\(code)/entries.csv")],
                                         links: try store.investorKeys().filter { $0.investor == detail.project.investor }
                                             .map { (detail.project.investor.name, "/investors/\($0.slug)") }),
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

    func download(_ text: String, format: ReportFormat, name: String) -> Response {
        download(ByteBuffer(string: text), format: format, name: name)
    }

    func download(_ bytes: ByteBuffer, format: ReportFormat, name: String) -> Response {
        let type = format == .csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"
        var headers = Portal.pageHeaders(contentType: type)
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
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

/// Resolves the session, turns errors into pages, and logs every request: method, path,
/// status, user, time. Passwords and cookies are never logged.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let portal: Portal

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        if let (user, token) = try? await portal.currentUser(request) {
            context.user = user
            context.sessionToken = token
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let r as Redirect {
            response = portal.redirect(r.location)
        } catch let e as HTTPError {
            let lang = portal.language(request)
            let message = e.status == .notFound ? lang.t("Không tìm thấy trang này.", "There is no such page.")
                                                : (e.body ?? e.status.reasonPhrase)
            response = portal.html(Pages.error(status: Int(e.status.code), message: message, lang: lang), status: e.status)
        } catch {
            portal.logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            response = portal.html(Pages.error(status: 500, message: "\(error)", lang: portal.language(request)), status: .internalServerError)
        }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        portal.logger.info("\(request.method.rawValue) \(request.uri.path) \(response.status.code) user=\(context.user?.login ?? "-") \(String(format: "%.1f", ms))ms")
        return response
    }
}
