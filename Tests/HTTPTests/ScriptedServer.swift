import Foundation
import Glibc
@testable import HTTP

/// A raw loopback TCP server whose replies a test scripts byte by byte, for responses `HTTPServer`
/// never produces (chunked, truncated, malformed, silent). Each connection runs the script on its own thread.
final class ScriptedServer: @unchecked Sendable {
    /// One accepted connection, handed to the script.
    struct Connection: Sendable {
        let fd: Int32
        let server: ScriptedServer

        /// Reads the request head and (unless `includingBody` is false) any Content-Length body; returns it as text.
        @discardableResult
        func readRequest(includingBody: Bool = true) -> String {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let text = String(decoding: received, as: UTF8.self)
                if let end = text.range(of: "\r\n\r\n") {
                    let head = text[..<end.lowerBound].lowercased()
                    let length = head.split(separator: "\r\n")
                        .first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if !includingBody || text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length {
                        return text
                    }
                }
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return text }
                received += buffer[0..<count]
            }
        }

        /// Sends text as UTF-8.
        func write(_ text: String) { write(Array(text.utf8)) }

        /// Sends bytes, ignoring a vanished peer.
        func write(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { return }
                offset += sent
            }
        }

        /// Sleeps between writes, to split a response across reads.
        func pause(milliseconds: Int) { Thread.sleep(forTimeInterval: Double(milliseconds) / 1000) }

        /// Keeps the connection open and silent until the server stops.
        func holdOpen() { server.waitUntilStopped() }
    }

    /// The bound port.
    let port: Int
    private let listener: Int32
    private let condition = NSCondition()
    private var stopped = false
    private var open: Set<Int32> = []

    /// Whether an IPv6 loopback listener can be bound here.
    static let ipv6Available: Bool = {
        guard let server = try? ScriptedServer(ipv6: true, script: { _ in }) else { return false }
        server.stop()
        return true
    }()

    /// Listens on 127.0.0.1 (or ::1) on an ephemeral port and runs `script` for every connection.
    init(ipv6: Bool = false, script: @escaping @Sendable (Connection) -> Void) throws {
        let family = ipv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(code: errno, call: "socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        var length: socklen_t
        if ipv6 {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                inet_pton(AF_INET6, "::1", &address.pointee.sin6_addr)
            }
        } else {
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                inet_pton(AF_INET, "127.0.0.1", &address.pointee.sin_addr)
            }
        }
        let bound = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 16) == 0 }
        }
        guard bound else {
            let code = errno
            close(fd)
            throw SocketError(code: code, call: "bind/listen")
        }
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let portBigEndian = withUnsafeBytes(of: storage) { raw in
            ipv6 ? raw.load(as: sockaddr_in6.self).sin6_port : raw.load(as: sockaddr_in.self).sin_port
        }
        port = Int(UInt16(bigEndian: portBigEndian))
        listener = fd
        Thread { [self] in acceptLoop(script) }.start()
    }

    deinit { close(listener) }

    /// Stops accepting and releases every held connection (each thread closes its own descriptor).
    func stop() {
        condition.withLock {
            stopped = true
            for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
            condition.broadcast()
        }
        shutdown(listener, Int32(SHUT_RDWR))  // wakes the blocked accept
    }

    fileprivate func waitUntilStopped() {
        condition.withLock { while !stopped { condition.wait() } }
    }

    private func acceptLoop(_ script: @escaping @Sendable (Connection) -> Void) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            // A safety net so a test with a broken client fails instead of hanging.
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let admitted = condition.withLock { () -> Bool in
                if !stopped { open.insert(client) }
                return !stopped
            }
            guard admitted else {
                close(client)
                return
            }
            Thread { [self] in
                script(Connection(fd: client, server: self))
                condition.withLock {
                    open.remove(client)
                    close(client)
                }
            }.start()
        }
    }
}

/// Runs `body` with a scripted server, stopping it afterwards.
func withScriptedServer(
    ipv6: Bool = false, script: @escaping @Sendable (ScriptedServer.Connection) -> Void,
    _ body: (ScriptedServer) async throws -> Void
) async throws {
    let server = try ScriptedServer(ipv6: ipv6, script: script)
    defer { server.stop() }
    try await body(server)
}
