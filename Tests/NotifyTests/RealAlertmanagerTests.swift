import Foundation
import HTTP
import Testing
import TimeSeries
@testable import Notify

/// A `prometheus-alertmanager` child process on a free loopback port, clustering off, state in a temp dir.
final class AlertmanagerProcess {
    let process = Process()
    let port: Int
    let directory: URL
    var externalURL: String { "http://127.0.0.1:\(port)" }
    var logPath: String { directory.appendingPathComponent("alertmanager.log").path }

    /// The binary on PATH or in /usr/bin, or nil when the package is not installed.
    static let binary: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return dirs.map { $0 + "/prometheus-alertmanager" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Writes `config` and starts Alertmanager on it; call `terminate()` when done.
    init(binary: String, config: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-am-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configPath = directory.appendingPathComponent("alertmanager.yml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        port = try LoopbackSink.unusedPort()
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--config.file=\(configPath)", "--storage.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--web.external-url=\(externalURL)",
            "--cluster.listen-address=",
        ]
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Waits for `/-/ready`; false if the process died or did not become ready in time.
    func waitUntilReady(timeout: Duration = .seconds(60)) async -> Bool {
        let client = URLSessionHTTPClient()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, process.isRunning {
            let request = HTTPClientRequest(method: "GET", url: URL(string: "\(externalURL)/-/ready")!, timeout: .seconds(1))
            if let response = try? await client.send(request), response.status == 200 { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Alertmanager's own output, for failure messages.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL after two seconds; removes the temp dir.
    func terminate() {
        if process.isRunning {
            process.terminate()
            let deadline = Date() + 2
            while process.isRunning, Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The parts of a webhook message both sides must agree on, read back from JSON text.
struct WebhookView: Equatable, CustomStringConvertible {
    struct Alert: Equatable {
        var status: String
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String
        var generatorURL: String
        var fingerprint: String
    }

    var receiver: String
    var status: String
    var groupKey: String
    var groupLabels: [String: String]
    var commonLabels: [String: String]
    var commonAnnotations: [String: String]
    var externalURL: String
    var truncatedAlerts: Int
    var alerts: [Alert]

    init(json: [UInt8]) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        func map(_ value: Any?) -> [String: String] { value as? [String: String] ?? [:] }
        receiver = object["receiver"] as? String ?? "?"
        status = object["status"] as? String ?? "?"
        groupKey = object["groupKey"] as? String ?? "?"
        groupLabels = map(object["groupLabels"])
        commonLabels = map(object["commonLabels"])
        commonAnnotations = map(object["commonAnnotations"])
        externalURL = object["externalURL"] as? String ?? "?"
        truncatedAlerts = object["truncatedAlerts"] as? Int ?? -1
        alerts = (object["alerts"] as? [[String: Any]] ?? []).map { a in
            Alert(status: a["status"] as? String ?? "?", labels: map(a["labels"]), annotations: map(a["annotations"]),
                  startsAt: a["startsAt"] as? String ?? "?", endsAt: a["endsAt"] as? String ?? "?",
                  generatorURL: a["generatorURL"] as? String ?? "?", fingerprint: a["fingerprint"] as? String ?? "?")
        }
    }

    var description: String {
        "\(receiver) \(status) \(groupKey) truncated=\(truncatedAlerts) alerts=\(alerts.map { "\($0.labels["instance"] ?? "?")/\($0.status)" })"
    }
}

@Suite(.serialized) struct RealAlertmanagerTests {
    static func config(sinkPort: Int) -> String {
        """
        route:
          receiver: default
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
          routes:
            - matchers: ['severity="critical"']
              receiver: critical
              continue: true
            - matchers: ['service=~"api|web"']
              receiver: api
              group_by: [alertname, service, severity]
        receivers:
          - name: default
            webhook_configs: [{url: 'http://127.0.0.1:\(sinkPort)/default'}]
          - name: critical
            webhook_configs: [{url: 'http://127.0.0.1:\(sinkPort)/critical', max_alerts: 1}]
          - name: api
            webhook_configs: [{url: 'http://127.0.0.1:\(sinkPort)/api'}]
        """
    }

    static func alerts(startsAt: Timestamp) -> [NotifyAlert] {
        func alert(_ labels: [String: String], _ summary: String) -> NotifyAlert {
            var annotations = ["summary": summary]
            if labels["alertname"] == "HighLatency" { annotations["runbook"] = "https://runbooks/latency?x=1&y=<2>" }
            return NotifyAlert(labels: Labels(labels), annotations: Labels(annotations), startsAt: startsAt,
                               generatorURL: "http://vigil:9090/graph?g0.expr=latency+%3E+1&g0.tab=1")
        }
        return [
            alert(["alertname": "HighLatency", "service": "api", "severity": "critical", "instance": "b", "job": "web"], "b slow"),
            alert(["alertname": "HighLatency", "service": "api", "severity": "critical", "instance": "a", "job": "web"], "a slow"),
            alert(["alertname": "HighLatency", "service": "api", "severity": "warning", "instance": "c"], "c slowish"),
            alert(["alertname": "DiskFull", "service": "db", "severity": "critical", "instance": "db1"], "db1 full"),
            alert(["alertname": "DiskFull", "service": "db", "severity": "warning", "instance": "db2"], "db2 filling"),
        ]
    }

    static func nowMilliseconds() -> Timestamp { Timestamp((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// A webhook message: its body as sent and the fields compared.
    struct Message {
        var body: String
        var view: WebhookView
    }

    /// Vigil's webhook messages for `alerts`, keyed by `/receiver groupKey` (the sink path is the receiver name).
    static func vigilMessages(_ config: AlertmanagerConfig, _ alerts: [NotifyAlert], externalURL: String) throws -> [String: Message] {
        let plan = NotificationPlan(config: config, alerts: alerts, externalURL: externalURL)
        var out: [String: Message] = [:]
        for entry in plan.entries where entry.integration == "webhook" {
            let body = entry.payload.text + "\n"  // Go's json.Encoder ends the body with a newline
            out["/\(entry.receiver) \(entry.groupKey.description)"] = Message(body: body, view: try WebhookView(json: Array(body.utf8)))
        }
        return out
    }

    /// Alertmanager's latest message per key among the sink's requests from `start` on.
    static func alertmanagerMessages(_ requests: some Sequence<HTTPRequest>) throws -> [String: Message] {
        var out: [String: Message] = [:]
        for request in requests {
            let view = try WebhookView(json: request.body)
            out["\(request.path) \(view.groupKey)"] = Message(body: String(decoding: request.body, as: UTF8.self), view: view)
        }
        return out
    }

    /// Waits (bounded) until Alertmanager's latest message for every expected key has the expected status and
    /// alert count: a group flushed while a batch was half inserted is followed by a complete message.
    static func awaitMessages(_ sink: LoopbackSink, from start: Int, like expected: [String: Message]) async throws -> [String: Message] {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let latest = try alertmanagerMessages(sink.requests.dropFirst(start))
            let complete = expected.allSatisfy { key, message in
                latest[key].map { $0.view.status == message.view.status && $0.view.alerts.count == message.view.alerts.count
                    && $0.view.truncatedAlerts == message.view.truncatedAlerts } ?? false
            }
            if complete || ContinuousClock.now > deadline { return latest }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Compares message by message so a mismatch names the field, then byte for byte.
    static func expectAgreement(vigil: [String: Message], alertmanager: [String: Message]) {
        #expect(vigil.keys.sorted() == alertmanager.keys.sorted())
        for (key, message) in vigil.sorted(by: { $0.key < $1.key }) {
            guard let other = alertmanager[key] else { continue }
            let (mine, theirs) = (message.view, other.view)
            #expect(mine.receiver == theirs.receiver, "\(key)")
            #expect(mine.status == theirs.status, "\(key)")
            #expect(mine.groupLabels == theirs.groupLabels, "\(key)")
            #expect(mine.commonLabels == theirs.commonLabels, "\(key)")
            #expect(mine.commonAnnotations == theirs.commonAnnotations, "\(key)")
            #expect(mine.externalURL == theirs.externalURL, "\(key)")
            #expect(mine.truncatedAlerts == theirs.truncatedAlerts, "\(key)")
            #expect(mine.alerts.map(\.labels) == theirs.alerts.map(\.labels), "\(key): alert order")
            #expect(mine.alerts.map(\.annotations) == theirs.alerts.map(\.annotations), "\(key)")
            #expect(mine.alerts.map(\.fingerprint) == theirs.alerts.map(\.fingerprint), "\(key)")
            #expect(mine.alerts.map(\.status) == theirs.alerts.map(\.status), "\(key)")
            #expect(mine.alerts.map(\.startsAt) == theirs.alerts.map(\.startsAt), "\(key)")
            #expect(mine.alerts.map(\.endsAt) == theirs.alerts.map(\.endsAt), "\(key)")
            #expect(mine.alerts.map(\.generatorURL) == theirs.alerts.map(\.generatorURL), "\(key)")
            #expect(mine == theirs, "\(key)")
            // Key order, escaping (`\u0026`, `\u003c`) and time formats too: Vigil's body is Alertmanager's.
            #expect(message.body == other.body, "\(key)")
        }
    }

    @Test(.enabled(if: AlertmanagerProcess.binary != nil, "prometheus-alertmanager not installed: .ci/run installs it"),
          .timeLimit(.minutes(1)))
    func forwardedAlertsReachAlertmanagerAndItsWebhooksMatchVigilsPlan() async throws {
        let sink = try LoopbackSink()
        defer { sink.stop() }
        let yaml = Self.config(sinkPort: sink.port)
        let am = try AlertmanagerProcess(binary: try #require(AlertmanagerProcess.binary), config: yaml)
        defer { am.terminate() }
        try #require(await am.waitUntilReady(), "Alertmanager did not become ready:\n\(am.log)")

        let forwarder = AlertmanagerForwarder(targets: [AlertmanagerTarget(hosts: ["127.0.0.1:\(am.port)"])])
        let now = Self.nowMilliseconds()
        // Fresh alerts, so Alertmanager waits group_wait (1s) and flushes each group once with all its alerts.
        let alerts = Self.alerts(startsAt: now)
        let posted = await forwarder.evaluated(alerts, source: "latency", at: now, interval: 1000)
        await forwarder.waitUntilIdle()
        let stats = await forwarder.statistics()
        #expect(stats.map(\.sent) == [alerts.count], "\(stats)")

        // 1. Alertmanager holds the alerts as sent, routed to the receivers Vigil's tree picks.
        let config = try AlertmanagerConfig.parse(yaml)
        let listed = try await URLSessionHTTPClient().send(
            HTTPClientRequest(method: "GET", url: URL(string: "\(am.externalURL)/api/v2/alerts")!))
        #expect(listed.status == 200)
        let held = try #require(try JSONSerialization.jsonObject(with: Data(listed.body)) as? [[String: Any]])
        #expect(held.count == alerts.count)
        for alert in alerts {
            let labels = Dictionary(uniqueKeysWithValues: alert.labels.map { ($0.name, $0.value) })
            let found = try #require(held.first { $0["labels"] as? [String: String] == labels }, "\(labels) missing")
            #expect(found["annotations"] as? [String: String]
                == Dictionary(uniqueKeysWithValues: alert.annotations.map { ($0.name, $0.value) }))
            #expect(Self.milliseconds(found["startsAt"]) == alert.startsAt)
            #expect(Self.milliseconds(found["endsAt"]) == now + 4 * 60_000)
            #expect(found["generatorURL"] as? String == alert.generatorURL)
            #expect(found["fingerprint"] as? String == alert.fingerprint)
            #expect((found["status"] as? [String: Any])?["state"] as? String == "active")
            let receivers = (found["receivers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(receivers.sorted() == config.route.match(alert.labels).map(\.receiver).sorted(), "\(labels)")
        }

        // 2. Alertmanager's firing notifications equal Vigil's plan for the same alerts, given with the endsAt they
        // were forwarded with: both print the zero time for alerts still firing at flush time.
        #expect(posted.map(\.endsAt) == Array(repeating: now + 4 * 60_000, count: alerts.count))
        let forwarded = alerts.map { alert -> NotifyAlert in
            var a = alert
            a.endsAt = now + 4 * 60_000
            return a
        }
        let firing = try Self.vigilMessages(config, forwarded, externalURL: am.externalURL)
        #expect(firing.count == 5)
        let firstRound = try await Self.awaitMessages(sink, from: 0, like: firing)
        try #require(firstRound.count == firing.count, "Alertmanager sent \(firstRound.keys.sorted()):\n\(am.log)")
        Self.expectAgreement(vigil: firing, alertmanager: firstRound)
        #expect(firing.values.allSatisfy { $0.view.status == "firing" })
        let resolveFrom = sink.requests.count

        // 3. Resolve every alert (endsAt in the past) and compare the resolved notifications.
        // The evaluator resolves after its last send; 300 ms later keeps the resolve time after it, yet in the past.
        try await Task.sleep(for: .milliseconds(300))
        let resolveTime = Self.nowMilliseconds()
        try #require(resolveTime - 100 > now)
        let resolvedAt = resolveTime - 100
        var resolved = alerts
        for i in resolved.indices {
            resolved[i].status = .resolved
            resolved[i].endsAt = resolvedAt
        }
        let sentResolved = await forwarder.evaluated(resolved, source: "latency", at: resolveTime, interval: 1000)
        #expect(sentResolved.map(\.endsAt) == Array(repeating: resolvedAt, count: alerts.count))
        await forwarder.waitUntilIdle()
        await forwarder.stop()
        let expectedResolved = try Self.vigilMessages(config, resolved, externalURL: am.externalURL)
        let secondRound = try await Self.awaitMessages(sink, from: resolveFrom, like: expectedResolved)
        try #require(secondRound.count == expectedResolved.count, "Alertmanager sent \(secondRound.keys.sorted()):\n\(am.log)")
        Self.expectAgreement(vigil: expectedResolved, alertmanager: secondRound)
        #expect(expectedResolved.values.allSatisfy { $0.view.status == "resolved" })
    }

    /// Unix milliseconds of an RFC3339 string with optional fraction.
    static func milliseconds(_ value: Any?) -> Timestamp? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Timestamp((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Timestamp(($0.timeIntervalSince1970 * 1000).rounded()) }
    }
}
