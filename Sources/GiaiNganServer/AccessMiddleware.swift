import Foundation
import GiaiNganReport
import GiaiNganStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Every request passes here: method and size checks, the same-origin check on form posts, the
/// session, errors turned into pages, HEAD answered like GET without a body, and one log line.
///
/// Logged: method, path, status, user, client address, time; every field escaped
/// (`Web.logField`), never a password, a cookie or a query string.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let portal: Portal

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        let configuration = portal.configuration
        context.clientAddress = Web.clientAddress(
            peer: context.remoteAddress,
            headerValues: HTTPField.Name(configuration.clientAddressHeader).map { request.headers[values: $0] } ?? [],
            trusted: configuration.trustedProxies)
        var response: Response
        if let refusal = refusal(request) {
            response = refusal
        } else {
            if let (user, token) = try? await portal.currentUser(request) {
                context.user = user
                context.sessionToken = token
            }
            response = await respond(request, context, next)
        }
        if request.method == .head { response = response.createHeadResponse() }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        let user = context.user.map { Web.logField($0.login) } ?? "-"
        portal.logger.info("\(request.method.rawValue) \(Web.logField(request.uri.path, limit: 300)) \(response.status.code) user=\(user) from=\(Web.logField(context.clientAddress)) \(String(format: "%.1f", ms))ms")
        return response
    }

    /// The answer to a request refused before any handler runs, or nil to go on.
    func refusal(_ request: Request) -> Response? {
        let lang = portal.language(request)
        // Methods: only GET, HEAD and POST exist here; a route answers only its own.
        let allowed = Portal.allowedMethods(path: request.uri.path)
        if ![.get, .head, .post].contains(request.method) || (allowed.map { !$0.contains(request.method) } ?? false) {
            let methods = allowed ?? [.get, .head, .post]
            var r = portal.html(Pages.error(status: 405, message: lang.t("Phương thức này không dùng được ở đây.",
                                                                        "This method is not allowed here."), lang: lang),
                                status: .methodNotAllowed)
            r.headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
            r.headers[.connection] = "close"
            return r
        }
        // Bodies: a declared length over the limit is refused unread; the connection then closes.
        // A schedule form carries a table, not a password: it has its own larger limit.
        let bodyLimit = request.uri.path == "/schedules" ? Portal.maxScheduleBytes : portal.configuration.limits.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > bodyLimit {
            return tooLarge(lang)
        }
        // Form posts must come from the portal's own pages (login CSRF, forced sign-out).
        if request.method == .post, !Web.isSameOrigin(request.headers, host: request.head.authority) {
            portal.logger.notice("cross-site post refused", metadata: [
                "path": .string(Web.logField(request.uri.path)),
                "origin": .string(Web.logField(request.headers[HTTPField.Name("Origin")!] ?? "-")),
                "site": .string(Web.logField(request.headers[HTTPField.Name("Sec-Fetch-Site")!] ?? "-")),
            ])
            return portal.html(Pages.error(status: 403, message: lang.t("Yêu cầu này không đến từ trang của GiaiNgan: hãy mở trang đăng nhập và thử lại.",
                                                                       "This request did not come from a GiaiNgan page: open the sign-in page and try again."),
                                           lang: lang), status: .forbidden)
        }
        return nil
    }

    func tooLarge(_ lang: Language) -> Response {
        var r = portal.html(Pages.error(status: 413, message: lang.t("Nội dung gửi lên quá lớn.", "The request body is too large."), lang: lang),
                            status: .contentTooLarge)
        r.headers[.connection] = "close"
        return r
    }

    /// Runs the handler and turns whatever it throws into a page that names no internal type,
    /// file or path; the details go to the log, under an id the page shows.
    func respond(_ request: Request, _ context: PortalContext, _ next: (Request, PortalContext) async throws -> Response) async -> Response {
        let lang = portal.language(request)
        do {
            return try await next(request, context)
        } catch let r as Redirect {
            return portal.redirect(r.location)
        } catch let e as HTTPError {
            let message = e.status == .notFound ? lang.t("Không tìm thấy trang này.", "There is no such page.")
                                                : (e.body ?? e.status.reasonPhrase)
            return portal.html(Pages.error(status: Int(e.status.code), message: message, lang: lang), status: e.status)
        } catch is NIOTooManyBytesError {
            return tooLarge(lang)
        } catch is PasswordPool.Busy {
            var r = portal.html(Pages.error(status: 503, message: lang.t("Máy chủ đang bận kiểm tra mật khẩu. Thử lại sau vài giây.",
                                                                        "The server is busy checking passwords. Try again in a few seconds."),
                                            lang: lang), status: .serviceUnavailable)
            r.headers[.retryAfter] = "5"
            return r
        } catch {
            let incident = String(UInt32.random(in: 0...UInt32.max), radix: 16).leftPadded(to: 8)
            if error is StoreError { portal.health.databaseFailed() }
            portal.logger.error("request failed", metadata: [
                "incident": .string(incident), "path": .string(Web.logField(request.uri.path)),
                "error": .string(Web.logField("\(error)", limit: 1000)),
            ])
            return portal.html(Pages.error(status: 500, message: lang.t("Lỗi máy chủ (mã \(incident)). Quản trị viên xem chi tiết trong nhật ký của máy chủ.",
                                                                       "Server error (incident \(incident)). The administrator finds the details in the server log."),
                                           lang: lang), status: .internalServerError)
        }
    }
}
