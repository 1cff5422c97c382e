// Linux-only (Glibc), like Socket.swift.
import Foundation
import Glibc

/// One blocking HTTP/1.1 request/response on a fresh non-blocking socket, run on a dedicated thread.
///
/// Every wait is a poll() on the socket and `wakeFD`, bounded by `deadline`, so a request waiting on a
/// slow server sleeps in the kernel instead of spinning. `wakeFD` turns readable when the caller cancels.
struct HTTPClientExchange: Sendable {
    /// The request to send.
    var request: HTTPClientRequest
    /// Where it goes.
    var endpoint: HTTPClientEndpoint
    /// When the whole exchange must be over.
    var deadline: ContinuousClock.Instant
    /// Readable once the exchange should stop (cancellation or an external timeout).
    var wakeFD: Int32
    /// Header and body limits for the response.
    var maxHeaderBytes: Int
    var maxBodyBytes: Int

    private enum Readiness { case ready(revents: Int16), timedOut, woken }

    /// Runs the exchange; throws `HTTPClientError` or `CancellationError`.
    func run() throws -> HTTPClientResponse {
        let head = try requestHead()
        let fd = try connect()
        defer { _ = Glibc.close(fd) }
        guard let sendFailure = try sendAll(fd, head + request.body) else { return try receive(fd) }
        do {
            // The server stopped taking the request; it may still have answered (say 413), so read that.
            return try receive(fd)
        } catch let error as HTTPClientError where error != .timedOut {
            throw HTTPClientError.transport("sending the request to \(endpoint.label) failed: \(sendFailure)")
        }
    }

    // MARK: Request

    /// The request line and headers; we own framing, so caller-supplied framing headers are replaced.
    private func requestHead() throws(HTTPClientError) -> [UInt8] {
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .transport("request method is not a valid HTTP token")
        }
        var head = "\(request.method) \(endpoint.target) HTTP/1.1\r\n"
        if request.headers["Host"] == nil { head += "Host: \(endpoint.hostHeader)\r\n" }
        if let authorization = endpoint.authorization, request.headers["Authorization"] == nil {
            head += "Authorization: \(authorization)\r\n"
        }
        for (name, value) in request.headers.fields {
            if Self.framingHeaders.contains(where: { HTTPHeaders.same($0, name) }) { continue }
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .transport("request header name is not a valid HTTP token")
            }
            // Drop CR, LF and NUL so a value cannot inject header lines. Filter scalars, not Characters:
            // "\r\n" is a single Character and would slip past a Character comparison.
            let safe = String(String.UnicodeScalarView(
                value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }))
            head += "\(name): \(safe)\r\n"
        }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            head += "Content-Length: \(request.body.count)\r\n"
        }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8)
    }

    private static let framingHeaders = ["Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"]

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    // MARK: Connect

    /// Resolves the host and tries each address in order until one connects.
    private func connect() throws -> Int32 {
        let addresses = try resolve()
        try checkWoken()
        var lastFailure = "no usable address"
        for (index, address) in addresses.enumerated() {
            let now = ContinuousClock.now
            guard now < deadline else { throw HTTPClientError.timedOut }
            // Share the time left so one black-holed address (say, unrouted IPv6) cannot use it all.
            let attemptDeadline = now + (deadline - now) / (addresses.count - index)
            let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                | Int32(SOCK_CLOEXEC.rawValue), address.protocol)
            guard fd >= 0 else {
                lastFailure = Self.describe(errno)
                continue
            }
            var storage = address.storage
            let started = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, address.length) }
            }
            if started == 0 { return fd }
            let code = errno
            guard code == EINPROGRESS || code == EINTR else {
                lastFailure = Self.describe(code)
                _ = Glibc.close(fd)
                continue
            }
            switch try wait(fd, for: Int16(POLLOUT), until: attemptDeadline) {
            case .woken:
                _ = Glibc.close(fd)
                throw CancellationError()
            case .timedOut:
                lastFailure = "connect timed out"
                _ = Glibc.close(fd)
            case .ready:
                var failure: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                if getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) != 0 { failure = errno }
                if failure == 0 { return fd }
                lastFailure = Self.describe(failure)
                _ = Glibc.close(fd)
            }
        }
        if ContinuousClock.now >= deadline { throw HTTPClientError.timedOut }
        throw HTTPClientError.transport("cannot connect to \(endpoint.label): \(lastFailure)")
    }

    private struct ResolvedAddress {
        var family: Int32
        var `protocol`: Int32
        var storage: sockaddr_storage
        var length: socklen_t
    }

    /// getaddrinfo for IPv4 and IPv6 in the resolver's preferred order. It blocks without a timeout of its
    /// own, which is why `SocketHTTPClient` also enforces the deadline from outside this thread.
    private func resolve() throws(HTTPClientError) -> [ResolvedAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard code == 0, let list else {
            let reason = code == EAI_SYSTEM ? Self.describe(errno) : String(cString: gai_strerror(code))
            throw .transport("cannot resolve \(endpoint.host): \(reason)")
        }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = list
        while let info = next?.pointee {
            next = info.ai_next
            let length = Int(info.ai_addrlen)
            guard let source = info.ai_addr, length <= MemoryLayout<sockaddr_storage>.size else { continue }
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: source, count: length)) }
            addresses.append(ResolvedAddress(
                family: info.ai_family, protocol: info.ai_protocol, storage: storage, length: info.ai_addrlen))
        }
        guard !addresses.isEmpty else { throw .transport("cannot resolve \(endpoint.host): no addresses") }
        return addresses
    }

    // MARK: Transfer

    /// Sends every byte; returns a description if the peer stopped accepting them (its reply may still be readable).
    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws -> String? {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a vanished peer must give EPIPE, not kill the process with SIGPIPE.
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
                continue
            }
            let code = errno
            if sent < 0 && code == EINTR { continue }
            guard sent < 0 && (code == EAGAIN || code == EWOULDBLOCK) else { return Self.describe(code) }
            // Also watch for input: a server may answer (say 413) without reading the rest of the body,
            // and would then never make room for it.
            switch try wait(fd, for: Int16(POLLOUT) | Int16(POLLIN), until: deadline) {
            case .ready(let revents):
                if revents & Int16(POLLOUT) == 0 && revents & Int16(POLLIN) != 0 {
                    return "the server replied before reading the whole request"
                }
            case .timedOut: throw HTTPClientError.timedOut
            case .woken: throw CancellationError()
            }
        }
        return nil
    }

    /// Reads and parses the response until it is complete, the peer closes, or the deadline passes.
    private func receive(_ fd: Int32) throws -> HTTPClientResponse {
        var parser = HTTPResponseParser(
            requestMethod: request.method, maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        do {
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    if let response = try parser.append(chunk[0..<count]) { return response }
                    continue
                }
                if count == 0 { return try parser.finish() }
                let code = errno
                if code == EINTR { continue }
                guard code == EAGAIN || code == EWOULDBLOCK else {
                    let reason = Self.describe(code)
                    throw HTTPClientError.transport("reading the response from \(endpoint.label) failed: \(reason)")
                }
                switch try wait(fd, for: Int16(POLLIN), until: deadline) {
                case .ready: continue
                case .timedOut: throw HTTPClientError.timedOut
                case .woken: throw CancellationError()
                }
            }
        } catch let failure as HTTPResponseParser.Failure {
            throw HTTPClientError.transport("\(failure.message) from \(endpoint.label)")
        }
    }

    // MARK: Waiting

    /// Sleeps in poll() until `fd` is ready for `events`, the deadline passes, or `wakeFD` fires.
    private func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) throws -> Readiness {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return .timedOut }
            var fds = [
                pollfd(fd: fd, events: events, revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, Self.pollMilliseconds(left))
            if ready < 0 {
                let code = errno
                if code == EINTR { continue }
                throw HTTPClientError.transport("poll failed: \(Self.describe(code))")
            }
            if fds[1].revents != 0 { return .woken }
            // HUP and ERR count as ready: the following send/recv reports what happened.
            if fds[0].revents != 0 { return .ready(revents: fds[0].revents) }
        }
    }

    /// Throws CancellationError if the caller has already given up.
    private func checkWoken() throws {
        var wake = pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
        if poll(&wake, 1, 0) > 0 { throw CancellationError() }
    }

    /// Rounds up, so a wait never ends just short of the deadline and spins on zero-length polls.
    static func pollMilliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64(Int32.max / 1000) - 1 else { return Int32.max }
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(max(milliseconds, 1))
    }

    private static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}
