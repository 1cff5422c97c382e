import Foundation
import Glibc
import Testing
@testable import HTTP

/// Collects values from server and worker threads for a test to inspect afterwards.
final class Recorded<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []
    func append(_ value: Value) { lock.withLock { values.append(value) } }
    var all: [Value] { lock.withLock { values } }
}

/// A listener that completes TCP handshakes (kernel backlog) but never accepts: a server that hangs.
func withSilentServer(_ body: (Int) async throws -> Void) async throws {
    let (socket, port) = try Socket.listen(host: "127.0.0.1", port: 0)
    defer { socket.close() }
    try await body(port)
}

/// The secret-looking path used to check that error descriptions never echo the URL's path or query.
let secretPath = "/secret-token-123?key=hunter2"

func expectNoSecret(_ error: any Error, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = "\(error) \(String(reflecting: error))"
    #expect(!text.contains("secret-token"), sourceLocation: sourceLocation)
    #expect(!text.contains("hunter2"), sourceLocation: sourceLocation)
}

/// Sends `request` and returns the error it throws (nil if it succeeded).
func sendError(_ request: HTTPClientRequest) async -> (any Error)? {
    await sendError(client: SocketHTTPClient(), request)
}

/// Sends `request` with `client` and returns the error it throws (nil if it succeeded).
func sendError(client: SocketHTTPClient, _ request: HTTPClientRequest) async -> (any Error)? {
    do {
        _ = try await client.send(request)
        return nil
    } catch {
        return error
    }
}

func isTransport(_ error: (any Error)?) -> Bool {
    if case .transport = error as? HTTPClientError { return true }
    return false
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

@Suite struct SocketHTTPClientTests {
    // MARK: Normal exchanges against HTTPServer

    @Test func postArrivesIntactAndReplyIsReadBack() async throws {
        let seen = Recorded<HTTPRequest>()
        try await withServerAsync(handler: { request in
            seen.append(request)
            var headers = HTTPHeaders()
            headers.add("X-Reply", "first")
            headers.add("x-reply", "second")
            return HTTPResponse(status: 200, headers: headers, body: Array("thanks".utf8))
        }) { server in
            let body: [UInt8] = Array("{\"alerts\":[\"ü\"]}".utf8) + [0, 255, 13, 10]
            var headers = HTTPHeaders([("Content-Type", "application/json"), ("X-Trace", "abc")])
            headers.add("X-Evil", "a\r\nX-Injected: 1")
            headers.add("Content-Length", "999")  // framing is ours; a wrong caller value must not be sent
            let response = try await SocketHTTPClient().send(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)/hook/a%20b?x=1&y=%2F")!, headers: headers, body: body))
            #expect(response.status == 200)
            #expect(response.body == Array("thanks".utf8))
            #expect(response.headers.values(for: "x-reply") == ["first", "second"])
            #expect(response.headers["Content-Length"] == "6")

            let request = try #require(seen.all.first)
            #expect(request.method == "POST")
            #expect(request.target == "/hook/a%20b?x=1&y=%2F")
            #expect(request.headers["Host"] == "127.0.0.1:\(server.port)")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["X-Trace"] == "abc")
            #expect(request.headers["X-Evil"] == "aX-Injected: 1")
            #expect(request.headers["X-Injected"] == nil)
            #expect(request.headers.values(for: "Content-Length") == ["\(body.count)"])
            #expect(request.headers["Connection"] == "close")
            #expect(request.body == body)
        }
    }

    @Test(arguments: [200, 404, 500])
    func statusCodesAreResponsesNotErrors(status: Int) async throws {
        try await withServerAsync(handler: { _ in
            if status == 500 { throw CancellationError() }  // any non-HTTPError becomes a bare 500
            return HTTPResponse(status: status, text: "status \(status)")
        }) { server in
            let response = try await SocketHTTPClient().send(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)/x")!, body: Array("x".utf8)))
            #expect(response.status == status)
            #expect(response.body.isEmpty == false)
        }
    }

    @Test func getHeadAndNoContentNeedNoBody() async throws {
        try await withServerAsync(handler: { request in
            request.path == "/empty" ? HTTPResponse(status: 204) : HTTPResponse(text: "hello")
        }) { server in
            let client = SocketHTTPClient()
            let base = "http://127.0.0.1:\(server.port)"
            let get = try await client.send(HTTPClientRequest(method: "GET", url: URL(string: base + "/")!))
            #expect(get.status == 200 && get.body == Array("hello".utf8))
            // HEAD carries Content-Length but no body; waiting for one would time out.
            let head = try await client.send(HTTPClientRequest(
                method: "HEAD", url: URL(string: base + "/")!, timeout: .seconds(2)))
            #expect(head.status == 200 && head.body.isEmpty && head.headers["Content-Length"] == "5")
            let empty = try await client.send(HTTPClientRequest(
                method: "DELETE", url: URL(string: base + "/empty")!, timeout: .seconds(2)))
            #expect(empty.status == 204 && empty.body.isEmpty)
        }
    }

    @Test func resolvesLocalhostByName() async throws {
        try await withServerAsync(handler: { _ in HTTPResponse(text: "named") }) { server in
            let response = try await SocketHTTPClient().send(HTTPClientRequest(
                method: "GET", url: URL(string: "http://localhost:\(server.port)/")!, timeout: .seconds(5)))
            #expect(response.body == Array("named".utf8))
        }
    }

    // MARK: Response framing against scripted servers

    @Test func readsChunkedResponseSplitAcrossWrites() async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n")
            connection.write("5;name=value\r\nhello\r\n")
            connection.pause(milliseconds: 20)
            connection.write("8\r\n, wor")
            connection.pause(milliseconds: 20)
            connection.write("ld!\r\n0\r\nX-Trailer: t\r\n\r\n")
            connection.holdOpen()  // the terminating chunk, not the close, must end the body
        }) { server in
            let response = try await SocketHTTPClient().send(HTTPClientRequest(
                method: "GET", url: URL(string: "http://127.0.0.1:\(server.port)/")!, timeout: .seconds(5)))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello, world!")
            #expect(response.headers["x-a"] == "1")
        }
    }

    @Test func contentLengthEndsBodyWithoutWaitingForClose() async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest()
            connection.write("HTTP/1.1 201 Created\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nab")
            connection.pause(milliseconds: 20)
            connection.write("c")
            connection.holdOpen()
        }) { server in
            let response = try await SocketHTTPClient().send(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)/")!, timeout: .seconds(5)))
            #expect(response.status == 201 && response.body == Array("abc".utf8))
        }
    }

    @Test func earlyReplyWhileTheServerIgnoresTheBodyIsReturned() async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest(includingBody: false)
            connection.write("HTTP/1.1 413 Content Too Large\r\nContent-Length: 4\r\n\r\nbig!")
            connection.holdOpen()  // never reads the body, so the client's sends would block forever
        }) { server in
            let response = try await SocketHTTPClient().send(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)/")!, body: [UInt8](repeating: 7, count: 32 << 20),
                timeout: .seconds(5)))
            #expect(response.status == 413 && response.body == Array("big!".utf8))
        }
    }

    @Test func readsBodyUntilCloseAndSkipsInterimResponses() async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest()
            connection.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\nX-Bare-LF: yes\n\nuntil ")
            connection.pause(milliseconds: 20)
            connection.write("close")
        }) { server in
            let response = try await SocketHTTPClient().send(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)/")!, timeout: .seconds(5)))
            #expect(response.status == 200)
            #expect(response.headers["X-Bare-LF"] == "yes")
            #expect(String(decoding: response.body, as: UTF8.self) == "until close")
        }
    }

    @Test func ipv6Loopback() async throws {
        guard ScriptedServer.ipv6Available else {
            print("IPv6 loopback unavailable here; skipping")
            return
        }
        let requests = Recorded<String>()
        try await withScriptedServer(ipv6: true, script: { connection in
            requests.append(connection.readRequest())
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6")
        }) { server in
            let response = try await SocketHTTPClient().send(HTTPClientRequest(
                method: "GET", url: URL(string: "http://[::1]:\(server.port)/six")!, timeout: .seconds(5)))
            #expect(response.body == Array("v6".utf8))
            #expect(requests.all.first?.contains("Host: [::1]:\(server.port)\r\n") == true)
            #expect(requests.all.first?.hasPrefix("GET /six HTTP/1.1\r\n") == true)
        }
    }

    // MARK: Failures

    @Test func connectionRefusedIsTransportErrorNamingOnlyHostAndPort() async throws {
        let (socket, port) = try Socket.listen(host: "127.0.0.1", port: 0)
        socket.close()  // nothing listens there now
        let error = await sendError(HTTPClientRequest(
            url: URL(string: "http://127.0.0.1:\(port)\(secretPath)")!, timeout: .seconds(5)))
        #expect(isTransport(error))
        #expect("\(String(describing: error))".contains("127.0.0.1:\(port)"))
        if let error { expectNoSecret(error) }
    }

    @Test func silentServerTimesOutAfterRequestTimeout() async throws {
        try await withSilentServer { port in
            let started = ContinuousClock.now
            let error = await sendError(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(port)\(secretPath)")!, body: Array("x".utf8),
                timeout: .milliseconds(200)))
            let elapsed = ContinuousClock.now - started
            #expect(error as? HTTPClientError == .timedOut)
            #expect(elapsed >= .milliseconds(190))
            // No tight upper bound (a loaded CI machine is slow); the server stays silent until the test ends, so
            // returning at all means the deadline fired.
            #expect(elapsed < .seconds(60))
        }
    }

    @Test func serverStallingMidHeadersTimesOut() async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\nContent-")
            connection.holdOpen()
        }) { server in
            let error = await sendError(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)\(secretPath)")!, timeout: .milliseconds(200)))
            #expect(error as? HTTPClientError == .timedOut)
        }
    }

    static let brokenResponses = [
        "HTTP/1.1 200 OK\r\nContent-Ty",  // closed mid-headers
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",  // closed mid-body
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",  // closed mid-chunk
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  // bad chunk size
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",  // chunk overrun
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",  // conflicting lengths
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "NOT-HTTP 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "",  // closed without a response
    ]

    @Test(arguments: brokenResponses)
    func brokenResponseIsTransportError(raw: String) async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest()
            connection.write(raw)
        }) { server in
            let error = await sendError(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)\(secretPath)")!, timeout: .seconds(5)))
            #expect(isTransport(error), "got \(String(describing: error))")
            #expect("\(String(describing: error))".contains("127.0.0.1:\(server.port)"))
            if let error { expectNoSecret(error) }
        }
    }

    @Test func oversizedContentLengthFailsWithoutReadingTheBody() async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 9000000\r\n\r\n")
            connection.holdOpen()
        }) { server in
            let error = await sendError(HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)\(secretPath)")!, timeout: .seconds(5)))
            #expect(isTransport(error))
            #expect("\(String(describing: error))".contains("limit"))
            if let error { expectNoSecret(error) }
        }
    }

    @Test(arguments: ["chunked", "close"])
    func streamedBodyOverTheCapFails(framing: String) async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest()
            let piece = String(repeating: "z", count: 600)
            if framing == "chunked" {
                connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                for _ in 0..<4 { connection.write("258\r\n\(piece)\r\n") }  // 0x258 = 600
                connection.write("0\r\n\r\n")
            } else {
                connection.write("HTTP/1.1 200 OK\r\n\r\n")
                for _ in 0..<4 { connection.write(piece) }
            }
        }) { server in
            let client = SocketHTTPClient(maxResponseBodyBytes: 1024)
            let error = await sendError(client: client, HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)/")!, timeout: .seconds(5)))
            #expect(isTransport(error))
            #expect("\(String(describing: error))".contains("1024"))
        }
    }

    @Test func oversizedHeadersFail() async throws {
        try await withScriptedServer(script: { connection in
            connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\nX-Big: \(String(repeating: "h", count: 5000))\r\n\r\n")
            connection.holdOpen()
        }) { server in
            let client = SocketHTTPClient(maxResponseHeaderBytes: 1024)
            let error = await sendError(client: client, HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(server.port)/")!, timeout: .seconds(5)))
            #expect(isTransport(error))
        }
    }

    @Test func httpsAndOtherSchemesAreRefused() async throws {
        for url in ["https://127.0.0.1:1\(secretPath)", "ftp://127.0.0.1/\(secretPath)"] {
            let error = await sendError(HTTPClientRequest(url: URL(string: url)!))
            #expect(isTransport(error))
            #expect("\(String(describing: error))".contains("URLSessionHTTPClient"))
            if let error { expectNoSecret(error) }
        }
    }

    @Test func unresolvableHostIsTransportError() async throws {
        let error = await sendError(HTTPClientRequest(
            url: URL(string: "http://no-such-host.invalid\(secretPath)")!, timeout: .seconds(5)))
        // Without a resolver the lookup may also run out the clock; either way it is not a response.
        #expect(isTransport(error) || error as? HTTPClientError == .timedOut)
        if let error { expectNoSecret(error) }
    }

    // MARK: Cancellation and CPU

    @Test func cancellingAHangingRequestReturnsPromptly() async throws {
        try await withSilentServer { port in
            let task = Task {
                try await SocketHTTPClient().send(HTTPClientRequest(
                    url: URL(string: "http://127.0.0.1:\(port)/")!, timeout: .seconds(300)))
            }
            try await Task.sleep(for: .milliseconds(100))
            let cancelled = ContinuousClock.now
            task.cancel()
            let result = await task.result
            // Far below the request's 5-minute timeout, with room for a loaded machine.
            #expect(ContinuousClock.now - cancelled < .seconds(60))
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }

    @Test func alreadyCancelledTaskDoesNotSend() async throws {
        try await withSilentServer { port in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await SocketHTTPClient().send(HTTPClientRequest(
                    url: URL(string: "http://127.0.0.1:\(port)/")!, timeout: .seconds(10)))
            }
            await #expect(throws: CancellationError.self) { try await task.value }
        }
    }

    /// The reason this client exists: URLSession/libcurl used ~a core while waiting. The worker thread's
    /// own CPU clock is immune to other tests running in parallel in this process.
    @Test func hangingRequestSleepsInsteadOfSpinning() async throws {
        let cpu = Recorded<Duration>()
        var client = SocketHTTPClient()
        client.workerCPUObserver = { cpu.append($0) }
        try await withSilentServer { port in
            let started = ContinuousClock.now
            let error = await sendError(client: client, HTTPClientRequest(
                url: URL(string: "http://127.0.0.1:\(port)/")!, body: Array("x".utf8), timeout: .seconds(1)))
            #expect(error as? HTTPClientError == .timedOut)
            #expect(ContinuousClock.now - started >= .milliseconds(950))
        }
        let used = try #require(cpu.all.first)
        #expect(used < .milliseconds(100))
    }

    // MARK: Endpoint and router

    @Test func endpointSplitsURLs() throws {
        let plain = try HTTPClientEndpoint(url: URL(string: "http://example.com/a?b=c#frag")!)
        #expect(plain.host == "example.com" && plain.port == 80)
        #expect(plain.target == "/a?b=c" && plain.hostHeader == "example.com" && plain.label == "example.com:80")
        let bare = try HTTPClientEndpoint(url: URL(string: "http://u:p%40ss@10.0.0.1:9093")!)
        #expect(bare.target == "/" && bare.hostHeader == "10.0.0.1:9093")
        #expect(bare.authorization == "Basic " + Data("u:p@ss".utf8).base64EncodedString())
        let six = try HTTPClientEndpoint(url: URL(string: "http://[::1]:8080/x")!)
        #expect(six.host == "::1" && six.hostHeader == "[::1]:8080" && six.label == "[::1]:8080")
    }

    @Test func pollTimeoutRoundsUp() {
        #expect(HTTPClientExchange.pollMilliseconds(.microseconds(1)) == 1)
        #expect(HTTPClientExchange.pollMilliseconds(.milliseconds(200)) == 200)
        #expect(HTTPClientExchange.pollMilliseconds(.nanoseconds(200_000_001)) == 201)
        #expect(HTTPClientExchange.pollMilliseconds(.seconds(1e9)) == Int32.max)
    }
}

@Suite struct DefaultHTTPClientTests {
    @Test func plainHTTPGoesToTheSocketClient() async throws {
        try await withServerAsync(handler: { request in HTTPResponse(text: request.headers["Connection"] ?? "-") }) { server in
            let response = try await DefaultHTTPClient().send(HTTPClientRequest(
                method: "GET", url: URL(string: "http://127.0.0.1:\(server.port)/")!))
            // Only SocketHTTPClient sends `Connection: close`.
            #expect(response.body == Array("close".utf8))
        }
    }

    @Test func httpsGoesToURLSession() async throws {
        // A TLS handshake against a plain-HTTP listener fails inside URLSession, not with SocketHTTPClient's refusal.
        try await withServerAsync(handler: { _ in HTTPResponse(text: "plain") }) { server in
            let error = await {
                do {
                    _ = try await DefaultHTTPClient().send(HTTPClientRequest(
                        method: "GET", url: URL(string: "https://127.0.0.1:\(server.port)/")!, timeout: .seconds(1)))
                    return nil as (any Error)?
                } catch { return error }
            }()
            #expect(error != nil)
            #expect(!"\(String(describing: error))".contains("SocketHTTPClient"))
        }
    }

    @Test func otherSchemesAreRefused() async throws {
        await #expect(throws: HTTPClientError.transport("unsupported URL scheme file; use http or https")) {
            _ = try await DefaultHTTPClient().send(HTTPClientRequest(url: URL(fileURLWithPath: "/etc/passwd")))
        }
    }
}
