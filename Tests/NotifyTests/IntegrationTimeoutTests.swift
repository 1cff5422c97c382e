import Foundation
import HTTP
import Testing
@testable import Notify

/// `timeout` in slack_configs and pagerduty_configs bounds each request, as in webhook_configs; without it the
/// delivery policy's default applies.
@Suite struct IntegrationTimeoutTests {
    static let policy = DeliveryPolicy(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20),
                                       giveUpAge: .seconds(600), defaultTimeout: .seconds(120))

    static func config(_ url: String) throws -> AlertmanagerConfig {
        try AlertmanagerConfig.parse("""
            route: {receiver: team}
            receivers:
              - name: team
                slack_configs:
                  - {api_url: '\(url)/slack', timeout: 200ms}
                  - {api_url: '\(url)/slack'}
                pagerduty_configs:
                  - {routing_key: k, url: '\(url)/pd', timeout: 1500ms}
                  - {routing_key: k, url: '\(url)/pd'}
            """)
    }

    static func timeout(_ config: AlertmanagerConfig, _ kind: IntegrationKey.Kind, _ index: Int) throws -> Duration {
        let key = IntegrationKey(receiver: "team", kind: kind, index: index)
        let sink = try #require(NotificationSinks.sink(for: key, in: config, policy: policy))
        // A PagerDuty body must hold the routing-key placeholder the renderer writes.
        let body = Array("{".utf8) + PagerDutySink.placeholder + Array("}".utf8)
        return try sink.request(body: body).timeout
    }

    @Test func requestsCarryTheConfiguredTimeoutOrThePolicyDefault() throws {
        let config = try Self.config("http://127.0.0.1:9")
        #expect(try Self.timeout(config, .slack, 0) == .milliseconds(200))
        #expect(try Self.timeout(config, .slack, 1) == .seconds(120))
        #expect(try Self.timeout(config, .pagerduty, 0) == .milliseconds(1500))
        #expect(try Self.timeout(config, .pagerduty, 1) == .seconds(120))
    }

    @Test func aHangingSlackSinkIsRetriedAfterTheConfiguredTimeout() async throws {
        let sink = try SinkServer(then: .hang)
        let dir = try ScratchDirectory()
        let config = try AlertmanagerConfig.parse("""
            route: {receiver: team}
            receivers: [{name: team, slack_configs: [{api_url: '\(sink.url("/slack"))', timeout: 200ms}]}]
            """)
        let store = try DeliveryStore(path: dir.file("n.db"))
        let events = EventRecorder()
        let service = DeliveryService(config: config, store: store, policy: Self.policy, events: events.record)
        let pipeline = NotificationPipeline(config: config, store: store, externalURL: "", enqueued: service.wake)
        try await service.start()
        try pipeline.submit(DeliveryFixture.flush("team", [DeliveryFixture.alert(["alertname": "A"])]))
        // With the policy's two-minute default this would take far longer than the wait below allows.
        let retried = await eventually(timeout: .seconds(90)) {
            events.events.contains { if case .retrying = $0.kind { true } else { false } }
        }
        await service.stop()
        #expect(retried)
        let reason = events.events.compactMap { event -> String? in
            if case .retrying(_, let reason, _) = event.kind { reason } else { nil }
        }.first
        #expect(reason == "no response within 0.2 seconds")
    }
}
