import Foundation
import HTTP
import Notify
import Testing

/// `vigil notify send` through the built binary: killed with SIGKILL while a sink hangs, then run again, every
/// notification is delivered exactly once; a run that times out exits 1 and keeps what is left.
@Suite struct NotifySendCommandTests {
    /// A webhook receiver that records each request and either answers `status` or hangs (answering nothing) until
    /// released; a hung request never counts as delivered, even after release, nor does a non-2xx answer.
    final class Sink: @unchecked Sendable {
        struct Request {
            var path: String
            var groupKey: String
            var delivered: Bool
        }

        private let condition = NSCondition()
        private var hanging = true
        private var status = 200
        private var released = false
        private var received: [Request] = []
        private var server: HTTPServer!

        init(hanging: Bool, status: Int = 200) throws {
            self.hanging = hanging
            self.status = status
            server = HTTPServer { [self] request in try handle(request) }
            try server.start()
        }

        var port: Int { server.port }
        var requests: [Request] { condition.withLock { received } }

        /// Makes later requests get `status` (requests already hanging stay unanswered).
        func answer(status: Int = 200) {
            condition.withLock {
                hanging = false
                self.status = status
            }
        }

        /// Waits until `count` requests arrived or `timeout` seconds passed.
        func waitForRequests(_ count: Int, timeout: Double = 30) -> Bool {
            let deadline = Date() + timeout
            return condition.withLock {
                while received.count < count { if !condition.wait(until: deadline) { break } }
                return received.count >= count
            }
        }

        /// Releases hung requests and stops the server.
        func stop() {
            condition.withLock {
                released = true
                condition.broadcast()
            }
            server.stop(timeout: .seconds(2))
        }

        private func handle(_ request: HTTPRequest) throws -> HTTPResponse {
            let json = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
            let groupKey = json?["groupKey"] as? String ?? ""
            let (hang, status) = condition.withLock { () -> (Bool, Int) in
                received.append(Request(path: request.path, groupKey: groupKey,
                                        delivered: !hanging && (200..<300).contains(self.status)))
                condition.broadcast()
                return (hanging, self.status)
            }
            guard hang else { return HTTPResponse(status: status, text: "answer\n") }
            condition.withLock { while !released { condition.wait() } }
            throw HTTPError(503, "released")
        }
    }

    static func config(port: Int, timeout: String) -> String {
        """
        route: {receiver: team, group_by: [alertname]}
        receivers:
          - name: team
            webhook_configs: [{url: 'http://127.0.0.1:\(port)/hook-secret-path', timeout: \(timeout)}]
        """
    }

    static let alerts = ["--alert", "alertname=DiskFull,instance=a", "--alert", "alertname=HighErrors,service=api"]

    /// A directory holding a config that sends to `sink`, and the `vigil notify send` arguments for it and a
    /// database beside it.
    static func prepare(sink: Sink, timeout: String) throws -> (TemporaryDirectory, [String]) {
        let dir = try TemporaryDirectory()
        let config = dir.file("am.yml")
        try Self.config(port: sink.port, timeout: timeout).write(toFile: config, atomically: true, encoding: .utf8)
        return (dir, ["notify", "send", "--config", config, "--db", dir.file("notify.db")] + Self.alerts)
    }

    @Test func killedMidDeliveryThenRerunDeliversEveryNotificationExactlyOnce() throws {
        let sink = try Sink(hanging: true)
        defer { sink.stop() }
        let (dir, args) = try Self.prepare(sink: sink, timeout: "60s")

        // Both notifications are stored before the first is sent; kill while the sink holds the first one.
        let child = try ChildProcess(args + ["--timeout", "60s"])
        let arrived = sink.waitForRequests(1)
        child.kill9()
        child.wait()
        #expect(arrived, "no request reached the sink; stderr: \(child.stderr)")
        #expect(child.process.terminationReason == .uncaughtSignal)
        let left = try DeliveryStore(path: dir.file("notify.db"))
        #expect(try left.pendingCount() == 2)
        left.close()

        // The same command again: nothing new is enqueued (the log has both), what was left is delivered.
        sink.answer()
        let rerun = try Vigil.run(args + ["--timeout", "20s"])
        #expect(rerun.status == 0, "stderr: \(rerun.stderr)")
        let lines = rerun.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("receiver team, webhook[0], group {}:{alertname=") && $0.hasSuffix(": delivered (HTTP 200)") })

        let delivered = sink.requests.filter(\.delivered).map(\.groupKey)
        #expect(delivered.sorted() == [#"{}:{alertname="DiskFull"}"#, #"{}:{alertname="HighErrors"}"#])
        // Only the notification in flight at the kill was seen twice, and its first copy was never answered.
        #expect(sink.requests.filter { !$0.delivered }.map(\.groupKey) == [delivered.sorted()[0]])

        // A third run has nothing to send: the notification log survived both processes.
        let third = try Vigil.run(args + ["--timeout", "5s"])
        #expect(third.status == 0 && third.stdout.isEmpty, "stderr: \(third.stderr)")
        #expect(third.stderr.contains("nothing to send"))
        #expect(sink.requests.count == 3)
    }

    @Test func timeoutExitsOneAndKeepsTheRestWithoutPrintingTheURL() throws {
        let sink = try Sink(hanging: true)
        defer { sink.stop() }
        let dir = try TemporaryDirectory()
        let config = dir.file("am.yml")
        try Self.config(port: sink.port, timeout: "200ms").write(toFile: config, atomically: true, encoding: .utf8)
        let db = dir.file("notify.db")
        let r = try Vigil.run(["notify", "send", "--config", config, "--db", db, "--timeout", "1s"] + Self.alerts)
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("Error: 2 notifications still undelivered after 1s; kept in \(db) for the next run"))
        #expect(r.stderr.contains("attempt 1 failed: no response within"))
        #expect(!r.stderr.contains("hook-secret-path"))
        #expect(sink.requests.count >= 2)
    }

    @Test func aRejectedRunExitsOneAndARerunDeliversTheSameAlerts() throws {
        let sink = try Sink(hanging: false, status: 404)
        defer { sink.stop() }
        let (dir, base) = try Self.prepare(sink: sink, timeout: "5s")
        defer { withExtendedLifetime(dir) {} }  // the database stays until both runs are checked
        let args = base + ["--timeout", "20s"]

        let rejected = try Vigil.run(args)
        #expect(rejected.status == 1, "stderr: \(rejected.stderr)")
        #expect(rejected.stdout.isEmpty)
        #expect(rejected.stderr.contains("not delivered: HTTP 404; not retried"))
        #expect(rejected.stderr.contains("Error: 2 notifications were rejected or dropped"), "stderr: \(rejected.stderr)")
        #expect(!rejected.stderr.contains("hook-secret-path"))
        #expect(sink.requests.count == 2)

        // The sink is fixed: the same alerts are sent again, since nothing was notified.
        sink.answer(status: 200)
        let rerun = try Vigil.run(args)
        #expect(rerun.status == 0, "stderr: \(rerun.stderr)")
        #expect(!rerun.stderr.contains("nothing to send"))
        #expect(rerun.stdout.split(separator: "\n").count == 2)
        #expect(sink.requests.filter(\.delivered).map(\.groupKey).sorted()
            == [#"{}:{alertname="DiskFull"}"#, #"{}:{alertname="HighErrors"}"#])
    }

    @Test func aSecondProcessDeliveringFromTheSameDatabaseExitsOne() throws {
        let sink = try Sink(hanging: true)
        defer { sink.stop() }
        let (dir, args) = try Self.prepare(sink: sink, timeout: "60s")

        // The first process holds a notification in flight at the hanging sink.
        let first = try ChildProcess(args + ["--timeout", "60s"])
        defer {
            first.kill9()
            first.wait()
        }
        #expect(sink.waitForRequests(1), "stderr: \(first.stderr)")
        let second = try Vigil.run(args + ["--timeout", "5s", "--alert", "alertname=Other"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("Error: another Vigil process is delivering from \(dir.file("notify.db"))"), "stderr: \(second.stderr)")
        // Nothing was sent twice: the only request is the first process's.
        #expect(sink.requests.count == 1)
    }

    @Test func usageErrorsNameTheOption() throws {
        let missingDB = try Vigil.run(["notify", "send", "--config", "x.yml", "--alert", "a=b"])
        #expect(missingDB.status == 64 && missingDB.stderr.contains("--db"))
        let badTimeout = try Vigil.run(["notify", "send", "--config", "x.yml", "--db", "n.db", "--alert", "a=b", "--timeout", "soon"])
        #expect(badTimeout.status == 64 && badTimeout.stderr.contains("--timeout"))
    }
}
