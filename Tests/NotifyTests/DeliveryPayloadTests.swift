import Foundation
import HTTP
import Testing
import TimeSeries
@testable import Notify

/// What the sinks put on the wire, as a real HTTP server receives it: bodies, URLs and credentials from files
/// read at send time, auth headers, and the PagerDuty routing key substituted only there.
@Suite struct DeliveryPayloadTests {
    static let alert = DeliveryFixture.alert(["alertname": "Down", "instance": "a", "job": "api"])

    /// Starts a service on `yaml`, submits one flush with `alerts`, and waits until the outbox is empty.
    static func deliver(_ yaml: String, _ alerts: [NotifyAlert] = [alert], dir: ScratchDirectory) async throws
        -> (NotificationPipeline, DeliveryCounters)
    {
        let config = try DeliveryFixture.config(yaml)
        let store = try DeliveryStore(path: dir.file("n.db"))
        let service = DeliveryService(config: config, store: store, policy: DeliveryFixture.fastPolicy)
        let pipeline = NotificationPipeline(config: config, store: store, externalURL: "http://vigil.example", enqueued: service.wake)
        try await service.start()
        try pipeline.submit(DeliveryFixture.flush("team", alerts))
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()
        return (pipeline, service.counters)
    }

    @Test func everyIntegrationArrivesWithItsFormatAndCredentials() async throws {
        let sink = try SinkServer()
        let dir = try ScratchDirectory()
        let hookURL = try dir.write("hook-url", sink.url("/hook?token=abc") + "\n")
        let credentials = try dir.write("credentials", "  cred-from-file\n")
        let password = try dir.write("password", "pw-from-file")
        let slackURL = try dir.write("slack-url", sink.url("/services/T0/B0/XYZ"))
        let routingKey = try dir.write("routing-key", "rk-from-file\n")
        let yaml = """
            route: {receiver: team, group_by: [alertname]}
            receivers:
              - name: team
                webhook_configs:
                  - url_file: \(hookURL)
                    http_config: {authorization: {type: Token, credentials_file: \(credentials)}}
                  - url: \(sink.url("/basic"))
                    http_config: {basic_auth: {username: user, password_file: \(password)}}
                  - url: \(sink.url("/legacy"))
                    max_alerts: 1
                    http_config: {bearer_token: legacy-token}
                slack_configs: [{api_url_file: \(slackURL), channel: '#ops'}]
                pagerduty_configs: [{routing_key_file: \(routingKey), url: \(sink.url("/pd"))}]
            """
        let (pipeline, counters) = try await Self.deliver(yaml, dir: dir)
        let byPath = Dictionary(sink.requests.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(sink.requests.count == 5)
        #expect(Set(byPath.keys) == ["/hook", "/basic", "/legacy", "/services/T0/B0/XYZ", "/pd"])
        for request in sink.requests {
            #expect(request.method == "POST")
            #expect(request.headers["Content-Type"] == "application/json")
            #expect(request.headers["User-Agent"] == "Vigil")
        }
        #expect(byPath["/hook"]?.headers["Authorization"] == "Token cred-from-file")
        #expect(byPath["/basic"]?.headers["Authorization"] == "Basic " + Data("user:pw-from-file".utf8).base64EncodedString())
        #expect(byPath["/legacy"]?.headers["Authorization"] == "Bearer legacy-token")
        #expect(byPath["/pd"]?.headers["Authorization"] == nil)
        #expect(byPath["/services/T0/B0/XYZ"]?.headers["Authorization"] == nil)

        // Webhook v4, byte for byte as Alertmanager marshals it, then field by field.
        let flush = DeliveryFixture.flush("team", [Self.alert])
        let expected = WebhookPayload(receiver: "team", groupKey: flush.key, alerts: [Self.alert], externalURL: "http://vigil.example")
        #expect(byPath["/hook"]?.text == expected.body)
        let hook = try #require(byPath["/hook"]?.json)
        #expect(hook["version"] as? String == "4")
        #expect(hook["status"] as? String == "firing")
        #expect(hook["receiver"] as? String == "team")
        #expect(hook["groupKey"] as? String == #"{}:{alertname="Down"}"#)
        #expect(hook["externalURL"] as? String == "http://vigil.example")
        #expect(hook["truncatedAlerts"] as? Int == 0)
        #expect(hook["groupLabels"] as? [String: String] == ["alertname": "Down"])
        #expect(hook["commonLabels"] as? [String: String] == ["alertname": "Down", "instance": "a", "job": "api"])
        let alerts = try #require(hook["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        #expect(alerts.first?["status"] as? String == "firing")
        #expect(alerts.first?["fingerprint"] as? String == Self.alert.fingerprint)
        #expect(alerts.first?["startsAt"] as? String == "2023-11-14T22:13:20Z")
        #expect(alerts.first?["endsAt"] as? String == "0001-01-01T00:00:00Z")

        // Slack: the rendered message, as rendered.
        let group = NotificationPlan.Group(receiver: "team", key: flush.key, alerts: flush.alerts)
        let rendered = NotificationPlan.entries(group, pipeline.config.receiver(named: "team")!, "http://vigil.example")
        let slackBody = try #require(rendered.first { $0.integration == "slack" }).payload.text + "\n"
        #expect(byPath["/services/T0/B0/XYZ"]?.text == slackBody)
        #expect(byPath["/services/T0/B0/XYZ"]?.json["channel"] as? String == "#ops")

        // PagerDuty Events API v2 with the real key from the file, everything else as rendered.
        let pd = try #require(byPath["/pd"]?.json)
        #expect(pd["routing_key"] as? String == "rk-from-file")
        #expect(pd["event_action"] as? String == "trigger")
        #expect(pd["dedup_key"] as? String == SHA256.hex(#"{}:{alertname="Down"}"#))
        let pdRendered = try #require(rendered.first { $0.integration == "pagerduty" }).payload.text + "\n"
        #expect(byPath["/pd"]?.text.replacingOccurrences(of: #""routing_key":"rk-from-file""#, with: #""routing_key":"\u003csecret\u003e""#)
            == pdRendered)

        #expect(counters.counts(receiver: "team", integration: .webhook) == .init(sent: 3))
        #expect(counters.counts(receiver: "team", integration: .slack) == .init(sent: 1))
        #expect(counters.counts(receiver: "team", integration: .pagerduty) == .init(sent: 1))
    }

    @Test func maxAlertsTruncatesOnTheWire() async throws {
        let sink = try SinkServer()
        let dir = try ScratchDirectory()
        let yaml = """
            route: {receiver: team}
            receivers:
              - {name: team, webhook_configs: [{url: \(sink.url("/hook")), max_alerts: 1}]}
            """
        let second = DeliveryFixture.alert(["alertname": "Down", "instance": "b", "job": "api"])
        _ = try await Self.deliver(yaml, [Self.alert, second], dir: dir)
        let hook = try #require(sink.delivered.first?.json)
        #expect((hook["alerts"] as? [Any])?.count == 1)
        #expect(hook["truncatedAlerts"] as? Int == 1)
    }

    @Test func missingURLFileIsRetriedNamingTheFileThenDeliveredOnceItAppears() async throws {
        let sink = try SinkServer()
        let dir = try ScratchDirectory()
        let urlFile = dir.file("hook-url")
        let config = try DeliveryFixture.config("""
            route: {receiver: team}
            receivers:
              - {name: team, webhook_configs: [{url_file: \(urlFile)}]}
            """)
        let store = try DeliveryStore(path: dir.file("n.db"))
        let events = EventRecorder()
        let service = DeliveryService(config: config, store: store, policy: DeliveryFixture.fastPolicy, events: events.record)
        try await service.start()
        try NotificationPipeline(config: config, store: store, externalURL: "", enqueued: service.wake)
            .submit(DeliveryFixture.flush("team", [Self.alert]))
        #expect(await eventually { events.events.count >= 2 })
        let first = events.events.first
        if case .retrying(1, let reason, _)? = first?.kind {
            #expect(reason == "cannot read url file \(urlFile): no such file")
        } else {
            Issue.record("expected a retry first, got \(String(describing: first))")
        }
        try dir.write("hook-url", sink.url("/secret-path-123"))
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()
        #expect(sink.delivered.count == 1)
        #expect(!events.events.contains { "\($0)".contains("secret-path-123") })
    }

    @Test func transportErrorsNeverShowTheURL() async throws {
        let dir = try ScratchDirectory()
        // Port 1 on loopback refuses connections; the path is the secret part of a Slack URL.
        let config = try DeliveryFixture.config("""
            route: {receiver: team}
            receivers:
              - {name: team, slack_configs: [{api_url: 'http://127.0.0.1:1/services/T0/B0/TOPSECRET'}]}
            """)
        let store = try DeliveryStore(path: dir.file("n.db"))
        let events = EventRecorder()
        let service = DeliveryService(config: config, store: store, policy: DeliveryFixture.fastPolicy, events: events.record)
        try await service.start()
        try NotificationPipeline(config: config, store: store, externalURL: "", enqueued: service.wake)
            .submit(DeliveryFixture.flush("team", [Self.alert]))
        #expect(await eventually { events.events.count >= 2 })
        await service.stop()
        let text = events.events.map(\.description).joined(separator: "\n")
        #expect(text.contains("connection failed"))
        #expect(!text.contains("TOPSECRET") && !text.contains("/services/"))
        #expect(try store.pendingCount() == 1)
    }

    @Test func routingKeySubstitutionEscapesTheKeyAndNeedsThePlaceholder() throws {
        let body = Array((#"{"routing_key":"\u003csecret\u003e","payload":{"summary":"x"}}"# + "\n").utf8)
        let out = try PagerDutySink.substitute(routingKey: #"k"<1>"#, in: body)
        #expect(String(decoding: out, as: UTF8.self) == #"{"routing_key":"k\"\u003c1\u003e","payload":{"summary":"x"}}"# + "\n")
        #expect(throws: SinkError.missingRoutingKeyPlaceholder) {
            try PagerDutySink.substitute(routingKey: "k", in: Array(#"{"summary":"routing_key"}"#.utf8))
        }
    }

    @Test(arguments: [
        ("{bearer_token: a, bearer_token_file: /f}", "at most one of bearer_token & bearer_token_file must be configured"),
        ("{bearer_token: a, basic_auth: {username: u}}", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file"),
        ("{bearer_token: a, authorization: {credentials: c}}", "authorization is not compatible with bearer_token"),
        ("{basic_auth: {username: u}, authorization: {credentials: c}}", "at most one of basic_auth, oauth2 & authorization"),
        ("{authorization: {credentials: c, credentials_file: /f}}", "at most one of authorization credentials & credentials_file"),
        ("{authorization: {type: Basic, credentials: c}}", #"authorization type cannot be set to "basic", use "basic_auth" instead"#),
        ("{basic_auth: {username: u, password: p, password_file: /f}}", "at most one of basic_auth password & password_file"),
        ("{tls_config: {insecure_skip_verify: true}}", "http_config.tls_config is not supported by Vigil"),
        ("{nonsense: 1}", #"unknown field "nonsense""#),
    ])
    func invalidHTTPConfigsAreRejectedAtLoad(httpConfig: String, message: String) {
        let yaml = """
            route: {receiver: team}
            receivers:
              - {name: team, webhook_configs: [{url: 'http://x/', http_config: \(httpConfig)}]}
            """
        #expect {
            try DeliveryFixture.config(yaml)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func httpConfigDecodesEveryAuthenticationForm() throws {
        func auth(_ httpConfig: String) throws -> IntegrationHTTPConfig.Authentication {
            let config = try DeliveryFixture.config("""
                route: {receiver: team}
                receivers:
                  - {name: team, pagerduty_configs: [{routing_key: k, http_config: \(httpConfig)}]}
                """)
            return config.receivers[0].pagerdutyConfigs[0].httpConfig.authentication
        }
        #expect(try auth("{}") == .none)
        #expect(try auth("{authorization: {credentials: c}}") == .credentials(scheme: "Bearer", .inline("c")))
        #expect(try auth("{authorization: {type: Token}}") == .none)
        #expect(try auth("{bearer_token_file: /t}") == .credentials(scheme: "Bearer", .file("/t")))
        #expect(try auth("{basic_auth: {username_file: /u}}") == .basic(username: .file("/u"), password: nil))
        #expect(try auth("{follow_redirects: true, enable_http2: false}") == .none)
        // A secret never prints.
        #expect("\(IntegrationHTTPConfig.Secret.inline("hunter2"))" == "<secret>")
    }
}
