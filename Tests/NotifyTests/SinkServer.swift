import Foundation
@testable import HTTP

/// A notification sink on 127.0.0.1 for delivery tests: records every request and answers each according to a
/// script (status, hang, or close without answering), then with a default reply.
final class SinkServer: @unchecked Sendable {
    /// How to answer one request.
    enum Reply: Sendable, Equatable {
        /// Answer with this status and an empty body.
        case status(Int)
        /// Never answer; the connection stays open until the client gives up or the server stops.
        case hang
        /// Close the connection without answering.
        case close
    }

    /// One request as it arrived over the wire, with the reply it got.
    struct Received: Sendable {
        var method: String
        var path: String
        var headers: HTTPHeaders
        var body: [UInt8]
        var reply: Reply

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as a JSON object.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }
    }

    private let condition = NSCondition()
    private var script: [Reply]
    private var fallback: Reply
    private var received: [Received] = []
    private var stopping = false
    private var connections: Set<Int32> = []
    private let listener: Socket
    /// The bound port.
    let port: Int

    /// Starts listening; requests get `script` in order, then `then`.
    init(_ script: [Reply] = [], then fallback: Reply = .status(200)) throws {
        self.script = script
        self.fallback = fallback
        (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "sink-accept"
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT/path`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Replaces the script and the default reply for later requests (hanging ones stay hung).
    func reply(_ script: [Reply], then fallback: Reply) {
        condition.withLock {
            self.script = script
            self.fallback = fallback
        }
    }

    /// Every request so far, in arrival order.
    var requests: [Received] { condition.withLock { received } }

    /// The requests answered with a 2xx: the notifications delivered.
    var delivered: [Received] {
        requests.filter { if case .status(let s) = $0.reply { (200..<300).contains(s) } else { false } }
    }

    /// Waits until `count` requests arrived or `timeout` passed; returns whether they did. Polls with task
    /// sleeps, so waiting never blocks a thread of the (small) cooperative pool the code under test needs.
    func waitForRequests(_ count: Int, timeout: Duration = .seconds(60)) async -> Bool {
        await eventually(timeout: timeout) { requests.count >= count }
    }

    /// Stops accepting and drops every connection, hung ones included. Idempotent.
    func stop() {
        let open = condition.withLock { () -> Set<Int32>? in
            guard !stopping else { return nil }
            stopping = true
            condition.broadcast()
            return connections
        }
        guard let open else { return }
        listener.shutdown()
        for fd in open { Socket(fd: fd).shutdown() }
    }

    private var isStopping: Bool { condition.withLock { stopping } }

    private func acceptLoop() {
        defer { listener.close() }
        while true {
            switch listener.waitReadable(timeout: .seconds(3600), shouldStop: { isStopping }) {
            case .stopped: return
            case .timedOut: continue
            case .readable: break
            }
            guard let client = listener.accept() else { continue }
            let admitted = condition.withLock { () -> Bool in
                guard !stopping else { return false }
                connections.insert(client.fd)
                return true
            }
            guard admitted else {
                client.close()
                return
            }
            let thread = Thread { [self] in
                serve(client)
                condition.withLock { connections.remove(client.fd) }
                client.close()
            }
            thread.name = "sink-conn"
            thread.start()
        }
    }

    /// Reads requests off one connection and answers each as scripted.
    private func serve(_ socket: Socket) {
        var parser = HTTPRequestParser()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            guard let request = try? parser.next() else {
                if case .readable = socket.waitReadable(timeout: .seconds(30), shouldStop: { isStopping }) {
                    let n = socket.read(into: &buffer)
                    guard n > 0 else { return }
                    parser.append(buffer[0..<n])
                    continue
                }
                return
            }
            let reply = condition.withLock { () -> Reply in
                let reply = script.isEmpty ? fallback : script.removeFirst()
                received.append(Received(method: request.method, path: request.path, headers: request.headers,
                                         body: request.body, reply: reply))
                condition.broadcast()
                return reply
            }
            switch reply {
            case .status(let status):
                // One request per connection: a client may silently retry a request whose reused keep-alive
                // connection died, which would hide a scripted `.close` from the test.
                let head = "HTTP/1.1 \(status) Sink\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                socket.write(Array(head.utf8))
                return
            case .close:
                return
            case .hang:
                // Hold the connection until the client gives up (EOF) or the server stops.
                var scratch = [UInt8](repeating: 0, count: 4096)
                while case .readable = socket.waitReadable(timeout: .seconds(3600), shouldStop: { isStopping }) {
                    if socket.read(into: &scratch) <= 0 { return }
                }
                return
            }
        }
    }
}
