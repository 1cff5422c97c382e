import Foundation
import HTTP
import Testing
import TimeSeries
import YAML
@testable import Notify

/// A loopback HTTP server that records every request and answers with a settable status; it can also hold
/// requests until released, to stand in for a stalled peer.
final class LoopbackSink: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private var answer: Int
    private var gate: DispatchSemaphore?
    private var server: HTTPServer!

    /// Starts a sink on 127.0.0.1 at an ephemeral port answering `status`; with `holding`, every request waits
    /// until `release()`.
    init(status: Int = 200, holding: Bool = false) throws {
        answer = status
        gate = holding ? DispatchSemaphore(value: 0) : nil
        server = HTTPServer(configuration: .init(readTimeout: .seconds(5), idleTimeout: .seconds(5))) { [self] request in
            let (status, gate) = lock.withLock { () -> (Int, DispatchSemaphore?) in
                recorded.append(request)
                return (answer, self.gate)
            }
            if let gate {
                gate.wait()
                gate.signal()  // stay open for every later request once released
            }
            return HTTPResponse(status: status, text: status < 300 ? "ok\n" : "failed\n")
        }
        try server.start()
    }

    var port: Int { server.port }
    var address: String { "127.0.0.1:\(port)" }
    var requests: [HTTPRequest] { lock.withLock { recorded } }
    func release() { lock.withLock { gate }?.signal() }
    func stop() {
        release()
        server.stop(timeout: .seconds(1))
    }

    /// Waits (polling, bounded) until at least `count` requests arrived, then returns them all.
    func waitForRequests(_ count: Int, timeout: Duration = .seconds(60)) async -> [HTTPRequest] {
        let deadline = ContinuousClock.now + timeout
        while requests.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return requests
    }

    /// A port that was free a moment ago: bound, read, released.
    static func unusedPort() throws -> Int {
        let probe = HTTPServer { _ in HTTPResponse() }
        try probe.start()
        defer { probe.stop(timeout: .zero) }
        return probe.port
    }
}

/// Collects log lines so tests can check what failures print.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    var sink: @Sendable (String) -> Void { { [self] line in lock.withLock { stored.append(line) } } }
}

@Suite struct AlertmanagerForwardTests {
    static func alert(_ name: String, _ extra: [String: String] = [:], startsAt: Timestamp = 1_700_000_000_123,
                      status: NotifyAlert.Status = .firing, endsAt: Timestamp? = nil) -> NotifyAlert {
        NotifyAlert(labels: Labels(["alertname": name].merging(extra) { $1 }),
                    annotations: Labels(["summary": "\(name) is bad"]), status: status, startsAt: startsAt,
                    endsAt: endsAt, generatorURL: "http://vigil:9090/graph?g0.expr=up+%3D%3D+0")
    }

    static func bodyArray(_ request: HTTPRequest) throws -> [[String: Any]] {
        try #require(JSONSerialization.jsonObject(with: Data(request.body)) as? [[String: Any]])
    }

    // MARK: payload

    @Test func postsPrometheusPayloadToTheV2EndpointUnderThePathPrefix() async throws {
        let sink = try LoopbackSink()
        defer { sink.stop() }
        let target = AlertmanagerTarget(hosts: [sink.address], pathPrefix: "/am/",
                                        authorization: .basic(username: .inline("vigil"), password: .inline("pa55")))
        let forwarder = AlertmanagerForwarder(targets: [target], client: URLSessionHTTPClient())
        var bare = Self.alert("NoLink", ["severity": "info"])
        bare.generatorURL = ""
        bare.annotations = .empty
        let queued = await forwarder.evaluated(
            [Self.alert("HighLatency", ["service": "api"]), bare], at: 1_700_000_000_500, interval: 15_000)
        #expect(queued.count == 2)
        await forwarder.waitUntilIdle()
        await forwarder.stop()

        let requests = sink.requests
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.path == "/am/api/v2/alerts")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Authorization"] == "Basic " + Data("vigil:pa55".utf8).base64EncodedString())
        // Exactly Prometheus's document: field order, sorted label keys, RFC3339 with trimmed milliseconds,
        // endsAt = now + 4 × max(resend delay 1m, interval 15s), generatorURL left out when empty.
        #expect(String(decoding: request.body, as: UTF8.self) == """
            [{"labels":{"alertname":"HighLatency","service":"api"},"annotations":{"summary":"HighLatency is bad"},\
            "startsAt":"2023-11-14T22:13:20.123Z","endsAt":"2023-11-14T22:17:20.5Z",\
            "generatorURL":"http://vigil:9090/graph?g0.expr=up+%3D%3D+0"},\
            {"labels":{"alertname":"NoLink","severity":"info"},"annotations":{},\
            "startsAt":"2023-11-14T22:13:20.123Z","endsAt":"2023-11-14T22:17:20.5Z"}]
            """)
        #expect(await forwarder.statistics().map(\.sent) == [2])
    }

    @Test func externalLabelsAreAddedWithoutOverridingAlertLabels() async throws {
        let sink = try LoopbackSink()
        defer { sink.stop() }
        let forwarder = AlertmanagerForwarder(
            targets: [AlertmanagerTarget(hosts: [sink.address])],
            options: .init(externalLabels: Labels(["cluster": "eu1", "service": "fallback"])))
        await forwarder.evaluated([Self.alert("A", ["service": "api"])], at: 1_700_000_000_000, interval: 60_000)
        await forwarder.waitUntilIdle()
        await forwarder.stop()
        let labels = try Self.bodyArray(try #require(sink.requests.first))[0]["labels"] as? [String: String]
        #expect(labels == ["alertname": "A", "cluster": "eu1", "service": "api"])
    }

    // MARK: resend schedule

    @Test func firingAlertsAreResentOnlyAfterTheResendDelay() {
        var schedule = AlertResendSchedule(resendDelay: 60_000)
        let a = Self.alert("A", startsAt: 0)
        var sentAt: [Timestamp] = []
        var endsAt: [Timestamp] = []
        for t in stride(from: Int64(0), through: 150_000, by: 15_000) {
            let due = schedule.due([a], at: t, interval: 15_000)
            if let first = due.first {
                sentAt.append(t)
                endsAt.append(first.endsAt)
            }
        }
        // Prometheus resends when last send + delay is strictly before now: not at 60s, at 75s, then at 150s.
        #expect(sentAt == [0, 75_000, 150_000])
        #expect(endsAt == sentAt.map { $0 + 240_000 })
        // A group interval longer than the delay sets the validity: 4 × 2m.
        var slow = AlertResendSchedule(resendDelay: 60_000)
        #expect(slow.due([a], at: 0, interval: 120_000).first?.endsAt == 480_000)
    }

    @Test func resolvedAlertGoesOutAtOnceWithItsResolveTimeThenEveryResendDelay() {
        var schedule = AlertResendSchedule()
        let firing = Self.alert("A", startsAt: 0)
        var resolved = firing
        resolved.status = .resolved
        resolved.endsAt = 15_000
        #expect(schedule.due([firing], at: 0, interval: 15_000).count == 1)
        // Resolved 15 s after the last send: announced at once, though the resend delay has not passed.
        let announced = schedule.due([resolved], at: 15_000, interval: 15_000)
        #expect(announced.map(\.endsAt) == [15_000])
        #expect(schedule.due([resolved], at: 30_000, interval: 15_000).isEmpty)
        #expect(schedule.due([resolved], at: 75_000, interval: 15_000).isEmpty)
        #expect(schedule.due([resolved], at: 90_000, interval: 15_000).map(\.endsAt) == [15_000])
        // Dropped by the evaluator (its 15 minutes are over), then firing again: a new alert, sent at once.
        #expect(schedule.due([], at: 105_000, interval: 15_000).isEmpty)
        let again = Self.alert("A", startsAt: 120_000)
        #expect(schedule.due([again], at: 120_000, interval: 15_000).map(\.startsAt) == [120_000])
    }

    @Test func resendCadenceReachesTheAlertmanager() async throws {
        let sink = try LoopbackSink()
        defer { sink.stop() }
        let forwarder = AlertmanagerForwarder(targets: [AlertmanagerTarget(hosts: [sink.address])],
                                              options: .init(resendDelay: 60_000))
        let t0: Timestamp = 1_700_000_000_000
        let a = Self.alert("A", startsAt: t0)
        var resolved = a
        resolved.status = .resolved
        resolved.endsAt = t0 + 90_000
        // Explicit evaluation times stand for 1m45s of a group evaluating every 15s.
        for (offset, alerts) in [(0, [a]), (30_000, [a]), (60_000, [a]), (61_000, [a]), (90_000, [resolved]),
                                 (105_000, [resolved])] as [(Int64, [NotifyAlert])] {
            await forwarder.evaluated(alerts, source: "group", at: t0 + offset, interval: 15_000)
            await forwarder.waitUntilIdle()
        }
        await forwarder.stop()
        let bodies = try sink.requests.map { try Self.bodyArray($0) }
        #expect(bodies.count == 3)
        #expect(bodies.map { $0[0]["endsAt"] as? String } == [
            WebhookPayload.rfc3339(t0 + 240_000), WebhookPayload.rfc3339(t0 + 61_000 + 240_000),
            WebhookPayload.rfc3339(t0 + 90_000),
        ])
    }

    // MARK: targets

    @Test func failingTargetsNeitherBlockTheHealthyOneNorLeakCredentials() async throws {
        let healthy = try LoopbackSink()
        let broken = try LoopbackSink(status: 500)
        let stalled = try LoopbackSink(holding: true)
        defer {
            healthy.stop()
            broken.stop()
            stalled.stop()
        }
        let refused = try LoopbackSink.unusedPort()
        let token = "t0ken-that-must-not-leak"
        let auth = AlertmanagerTarget.Authorization.credentials(type: "Bearer", credentials: .inline(token))
        let log = LogLines()
        let forwarder = AlertmanagerForwarder(
            targets: [
                AlertmanagerTarget(hosts: [broken.address, "127.0.0.1:\(refused)"], timeout: 2000, authorization: auth),
                AlertmanagerTarget(hosts: [stalled.address], timeout: 10_000, authorization: auth),
                AlertmanagerTarget(hosts: [healthy.address], authorization: auth),
            ],
            log: log.sink)
        let clock = ContinuousClock()
        let start = clock.now
        await forwarder.evaluated([Self.alert("A"), Self.alert("B")], at: 1_700_000_000_000, interval: 15_000)
        #expect(clock.now - start < .seconds(5))  // queuing never waits for the network (the stalled peer's timeout is 10 s)
        let got = await healthy.waitForRequests(1)
        #expect(got.count == 1)
        #expect(got.first?.headers["Authorization"] == "Bearer " + token)
        _ = await stalled.waitForRequests(1)
        // The stalled peer still holds its request while the others are already settled.
        let deadline = ContinuousClock.now + .seconds(60)
        var stats = await forwarder.statistics()
        while stats[0].errors + stats[1].errors < 4 || stats[3].sent < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            stats = await forwarder.statistics()
        }
        #expect(stats[3].sent == 2 && stats[3].errors == 0)
        #expect(stats[2].sent == 0 && stats[2].errors == 0)  // still in flight
        stalled.release()
        await forwarder.waitUntilIdle()
        stats = await forwarder.statistics()
        await forwarder.stop()

        #expect(stats.map(\.url) == [
            "http://\(broken.address)/api/v2/alerts", "http://127.0.0.1:\(refused)/api/v2/alerts",
            "http://\(stalled.address)/api/v2/alerts", "http://\(healthy.address)/api/v2/alerts",
        ])
        #expect(stats.map(\.sent) == [0, 0, 2, 2])
        #expect(stats.map(\.errors) == [2, 2, 0, 0])
        #expect(stats[0].lastError == .badStatus(500))
        if case .transport = stats[1].lastError {} else { Issue.record("refused connection: \(String(describing: stats[1].lastError))") }
        let lines = log.lines
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains(broken.address) && $0.contains("bad response status 500") })
        #expect(lines.contains { $0.contains("127.0.0.1:\(refused)") && $0.contains("sending 2 alerts failed") })
        #expect(!lines.joined().contains(token))
    }

    @Test func credentialsFileIsReadAtEachRequest() async throws {
        let sink = try LoopbackSink()
        defer { sink.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-forward-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("token").path
        try "first\n".write(toFile: file, atomically: true, encoding: .utf8)
        let target = AlertmanagerTarget(hosts: [sink.address],
                                        authorization: .credentials(type: "Bearer", credentials: .file(file)))
        let log = LogLines()
        let forwarder = AlertmanagerForwarder(targets: [target], log: log.sink)
        let a = Self.alert("A")
        await forwarder.send([PostableAlert(labels: a.labels, startsAt: 0, endsAt: 1)])
        await forwarder.waitUntilIdle()
        try "second".write(toFile: file, atomically: true, encoding: .utf8)
        await forwarder.send([PostableAlert(labels: a.labels, startsAt: 0, endsAt: 2)])
        await forwarder.waitUntilIdle()
        try FileManager.default.removeItem(atPath: file)
        await forwarder.send([PostableAlert(labels: a.labels, startsAt: 0, endsAt: 3)])
        await forwarder.waitUntilIdle()
        let stats = await forwarder.statistics()
        await forwarder.stop()
        #expect(sink.requests.map { $0.headers["Authorization"] } == ["Bearer first", "Bearer second"])
        #expect(stats[0].errors == 1 && stats[0].lastError == .unreadableSecretFile(file))
        #expect(log.lines.count == 1 && log.lines[0].contains("cannot read credentials file \(file)"))
    }

    // MARK: batching and the queue

    @Test func batchesHoldAtMostMaxBatchSizeAlertsInOrder() async throws {
        let sink = try LoopbackSink()
        defer { sink.stop() }
        let forwarder = AlertmanagerForwarder(targets: [AlertmanagerTarget(hosts: [sink.address])])
        let alerts = (0..<600).map { PostableAlert(labels: Labels(["alertname": "A", "n": String($0)]), startsAt: 0, endsAt: 1) }
        await forwarder.send(alerts)
        await forwarder.waitUntilIdle()
        let stats = await forwarder.statistics()
        await forwarder.stop()
        let bodies = try sink.requests.map { try Self.bodyArray($0) }
        #expect(bodies.map(\.count) == [256, 256, 88])
        let numbers = bodies.flatMap { $0 }.compactMap { ($0["labels"] as? [String: String])?["n"] }
        #expect(numbers == (0..<600).map(String.init))
        #expect(stats[0].sent == 600 && stats[0].dropped == 0)
    }

    @Test func aFullQueueDropsTheOldestAlertsAndCountsThem() async throws {
        let sink = try LoopbackSink(holding: true)
        defer { sink.stop() }
        let log = LogLines()
        let forwarder = AlertmanagerForwarder(targets: [AlertmanagerTarget(hosts: [sink.address])],
                                              options: .init(queueCapacity: 3, maxBatchSize: 2), log: log.sink)
        func batch(_ range: Range<Int>) -> [PostableAlert] {
            range.map { PostableAlert(labels: Labels(["alertname": "A", "n": String($0)]), startsAt: 0, endsAt: 1) }
        }
        await forwarder.send(batch(0..<2))
        _ = await sink.waitForRequests(1)  // alerts 0 and 1 are now in flight, held by the sink
        await forwarder.send(batch(2..<7))  // five into a queue of three: 2 and 3 are dropped
        var stats = await forwarder.statistics()
        #expect(stats[0].dropped == 2 && stats[0].queued == 3)
        sink.release()
        await forwarder.waitUntilIdle()
        stats = await forwarder.statistics()
        await forwarder.stop()
        let numbers = try sink.requests.map { try Self.bodyArray($0).compactMap { ($0["labels"] as? [String: String])?["n"] } }
        #expect(numbers == [["0", "1"], ["4", "5"], ["6"]])
        #expect(stats[0].sent == 5 && stats[0].dropped == 2 && stats[0].queued == 0)
        #expect(log.lines.contains { $0.contains("queue full, dropped 2 alerts") })
    }

    @Test func stopEndsWorkersAndLaterAlertsAreIgnored() async throws {
        let sink = try LoopbackSink()
        defer { sink.stop() }
        let forwarder = AlertmanagerForwarder(targets: [AlertmanagerTarget(hosts: [sink.address])])
        await forwarder.send([PostableAlert(labels: Labels(["alertname": "A"]), startsAt: 0, endsAt: 1)])
        await forwarder.waitUntilIdle()
        await forwarder.stop()
        await forwarder.send([PostableAlert(labels: Labels(["alertname": "B"]), startsAt: 0, endsAt: 1)])
        await forwarder.waitUntilIdle()
        try await Task.sleep(for: .milliseconds(50))
        #expect(sink.requests.count == 1)
    }
}
