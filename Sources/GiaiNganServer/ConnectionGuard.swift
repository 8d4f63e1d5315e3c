import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// How long each phase of a connection may take, and how many connections may be open.
public struct ConnectionLimits: Sendable, Equatable {
    /// A connection with no request in progress (just opened, or after a response) is closed
    /// after this long without a byte.
    public var idleTimeout: Duration = .seconds(30)
    /// From the first byte of a request to the end of its head (request line and headers).
    public var headerTimeout: Duration = .seconds(10)
    /// From the end of a request's head to the end of its body, however steadily bytes arrive.
    public var bodyTimeout: Duration = .seconds(10)
    /// From the end of a request to the end of its response being handed to the network: it
    /// covers the portal's work and a client that stops reading.
    public var responseTimeout: Duration = .seconds(60)
    /// Connections open at once; further clients wait in the listen queue until one closes.
    /// Never more than the process's file limit allows (see `effectiveMaxConnections`).
    public var maxConnections: Int = 512
    /// Largest request body read (a sign-in form is well under 1 KiB); larger is 413.
    public var maxBodyBytes: Int = 16 * 1024
    /// Largest request head (request line and all header fields); larger is a 400 and the
    /// connection closes (SwiftNIO's parser stops there).
    public var maxHeaderBytes: Int = 32 * 1024

    /// The defaults given on each limit (what `giaingan serve` uses without options).
    public init() {}

    /// Connections the kernel may hold waiting to be accepted (clamped to `net.core.somaxconn`):
    /// a burst above the connection cap, or faster than accepting, waits here instead of having
    /// its connection attempts dropped (Hummingbird's default is 256).
    static let backlog = 1024

    /// File descriptors kept free for the database, the log and the listening socket.
    static let reservedFiles = 64

    /// `maxConnections`, lowered to fit the open-file limit (which is first raised to its hard
    /// maximum, as far as needed): running out of descriptors makes `accept` fail and every
    /// client, `/healthz` included, wait.
    func effectiveMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return maxConnections }
        let wanted = rlim_t(maxConnections + Self.reservedFiles)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = min(wanted, limit.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = Int(min(limit.rlim_cur, rlim_t(Int32.max))) - Self.reservedFiles
        return max(1, min(maxConnections, available))
    }
}

/// HTTP/1.1 as Hummingbird serves it, with a deadline on every phase of a connection.
///
/// Hummingbird 2.28.1's own `idleTimeout` (`HTTPConnectionStateHandler`) restarts at every
/// request part, so a client sending one body byte per interval, or a request head one header
/// at a time, keeps a connection forever; and SwiftNIO's `IdleStateHandler` likewise measures
/// time since the last read. Neither bounds a phase as a whole, so this adds two handlers
/// around Hummingbird's HTTP/1 pipeline: one before the HTTP decoder that notices raw bytes
/// arriving (the start of a request head), and `PhaseDeadlines` after it.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits) {
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [PhaseDeadlines(limits: limits)],
            idleTimeout: nil,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes,
                                            maxHeaderFieldCount: 100))
        inner = HTTP1Channel(responder: responder, configuration: configuration)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(BytesArrivedNotifier())
        }.flatMap { self.inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Sent along the pipeline whenever bytes arrive from the client.
struct BytesArrived {}

/// Sits before the HTTP decoder and tells `PhaseDeadlines` that bytes arrived, before they are
/// decoded (a request head in progress produces no HTTP part until it is complete).
final class BytesArrivedNotifier: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(BytesArrived())
        context.fireChannelRead(data)
    }
}

/// Closes a connection whose current phase outlasts its limit (`ConnectionLimits`), answers
/// `CONNECT` with 405 and closes (the HTTP decoder treats the rest of such a connection as a
/// tunnel, so no request end would ever come), and closes after any response sent with
/// `Connection: close` (413, 405: the rest of that request is not read).
final class PhaseDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    enum Phase { case idle, head, body, responding }

    let limits: ConnectionLimits
    private(set) var phase = Phase.idle
    /// Requests whose head was read and whose response has not ended.
    private var pending = 0
    private var closeAfterResponse = false
    private var refused = false
    private var timer: Scheduled<Void>?

    init(limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is BytesArrived {
            if phase == .idle {
                phase = .head
                arm(context)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            if head.method == .connect {
                refuse(context)
                return
            }
            pending += 1
            phase = .body
            arm(context)
        case .body:
            break
        case .end:
            phase = pending > 0 ? .responding : .idle
            arm(context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            pending = max(0, pending - 1)
            if closeAfterResponse {
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
                return
            }
            context.write(data, promise: promise)
            if phase == .responding {
                if pending == 0 { phase = .idle }
                arm(context)
            }
        }
    }

    private func limit(for phase: Phase) -> Duration {
        switch phase {
        case .idle: limits.idleTimeout
        case .head: limits.headerTimeout
        case .body: limits.bodyTimeout
        case .responding: limits.responseTimeout
        }
    }

    /// Starts the clock for the current phase (every phase change restarts it).
    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let phase = self.phase
        let components = limit(for: phase).components
        let nanoseconds = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
            let (handler, context) = loopBound.value
            guard handler.phase == phase else { return }
            handler.timer = nil
            if phase == .head && handler.pending == 0 {
                // No request is being answered: tell the client why before closing.
                handler.sendStatus(context, .requestTimeout)
            } else {
                context.close(promise: nil)
            }
        }
    }

    private func refuse(_ context: ChannelHandlerContext) {
        refused = true
        var fields = HTTPFields()
        fields[.allow] = "GET, HEAD, POST"
        sendStatus(context, .methodNotAllowed, extra: fields)
    }

    /// Writes a bodiless status answer with `Connection: close`, then closes.
    private func sendStatus(_ context: ChannelHandlerContext, _ status: HTTPResponse.Status, extra: HTTPFields = [:]) {
        var fields = extra
        fields[.connection] = "close"
        fields[.contentLength] = "0"
        let head = HTTPResponse(status: status, headerFields: fields)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(promise: nil)
    }
}
