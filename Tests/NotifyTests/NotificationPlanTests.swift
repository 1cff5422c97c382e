import Testing
import TimeSeries
@testable import Notify

@Suite struct NotificationPlanTests {
    @Test func sha256Vectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)).count == 64)
    }

    static let config = try! AlertmanagerConfig.parse("""
        route:
          receiver: hook
          group_by: [alertname, service]
          routes:
            - matchers: ['severity=~"critical|high"']
              receiver: pager
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [alertname, service]
        receivers:
          - name: hook
            webhook_configs: [{url: 'http://127.0.0.1:9/a', send_resolved: false}]
          - name: pager
            pagerduty_configs: [{routing_key: k}]
            slack_configs: [{api_url: 'http://127.0.0.1:9/s', channel: '#oncall'}]
        """)

    static func alert(_ labels: [String: String], _ status: NotifyAlert.Status = .firing) -> NotifyAlert {
        NotifyAlert(labels: Labels(labels), status: status, startsAt: 0, endsAt: status == .resolved ? 60_000 : nil)
    }

    @Test func groupsInhibitsAndRendersEachIntegration() throws {
        let alerts = [
            Self.alert(["alertname": "X", "service": "api", "severity": "critical", "instance": "a"]),
            Self.alert(["alertname": "X", "service": "api", "severity": "critical", "instance": "b"], .resolved),
            Self.alert(["alertname": "X", "service": "api", "severity": "warning"]),  // inhibited
            Self.alert(["alertname": "X", "service": "web", "severity": "warning"]),
            Self.alert(["alertname": "Y", "severity": "info"], .resolved),  // send_resolved false ⇒ nothing
        ]
        let plan = NotificationPlan(config: Self.config, alerts: alerts, externalURL: "http://vigil")
        #expect(plan.inhibited.map(\.labels) == [alerts[2].labels])
        #expect(plan.groups.map(\.key.description) == [
            #"{}/{severity=~"critical|high"}:{alertname="X", service="api"}"#,
            #"{}:{alertname="X", service="web"}"#,
            #"{}:{alertname="Y"}"#,
        ])
        #expect(plan.groups[0].alerts.count == 2)
        #expect(plan.entries.map { "\($0.receiver)/\($0.integration)" } == ["pager/slack", "pager/pagerduty", "hook/webhook"])
        let pd = plan.entries[1].payload.text
        // Slack has send_resolved off by default, so only the firing alert of the group is listed.
        #expect(!plan.entries[0].payload.text.contains(#"instance=\"b\""#))
        #expect(pd.contains(#""event_action":"trigger","dedup_key":"\#(SHA256.hex(plan.groups[0].key.description))""#))
        #expect(pd.contains(#""routing_key":"\u003csecret\u003e""#))
        // PagerDuty sends resolved alerts too, so both alerts' common labels add `(critical)` to the subject.
        #expect(pd.contains(#""summary":"[FIRING:1] X api (critical)""#))
        #expect(plan.entries[2].payload.text.contains(#""groupKey":"{}:{alertname=\"X\", service=\"web\"}""#))
        #expect(plan.entries[2].json.text.hasPrefix(#"{"receiver":"hook","integration":"webhook","payload":{"receiver":"hook""#))
    }

    @Test func slackDefaultsToFiringOnlyAndResolvesPagerDuty() {
        let resolved = [Self.alert(["alertname": "Z", "severity": "high"], .resolved)]
        let plan = NotificationPlan(config: Self.config, alerts: resolved, externalURL: "")
        #expect(plan.entries.map(\.integration) == ["pagerduty"])
        #expect(plan.entries[0].payload.text.contains(#""event_action":"resolve""#))
        let firing = NotificationPlan(config: Self.config, alerts: [Self.alert(["alertname": "Z", "severity": "high"])], externalURL: "")
        #expect(firing.entries.map(\.integration) == ["slack", "pagerduty"])
        #expect(firing.entries[0].payload.text.hasPrefix(##"{"channel":"#oncall","attachments":[{"title":"[FIRING:1] Z (high)","##))
        #expect(firing.entries.allSatisfy { $0.renderErrors.isEmpty })
    }
}
