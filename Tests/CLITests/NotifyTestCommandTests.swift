import Foundation
import Testing

/// `vigil notify test` through the built binary: routing with continue, inhibition and the webhook payload.
@Suite struct NotifyTestCommandTests {
    static let config = """
        route:
          receiver: default
          group_by: [alertname, service]
          routes:
            - matchers: ['severity=~"critical|high"']
              receiver: pager
              continue: true
            - matchers: ['severity=~"critical|high|warning"']
              receiver: slack
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity="warning"']
            equal: [alertname, service]
        receivers:
          - name: default
            webhook_configs: [{url: "http://127.0.0.1:9/hook"}]
          - name: pager
            webhook_configs: [{url: "http://127.0.0.1:9/pager"}]
          - name: slack
            webhook_configs: [{url: "http://127.0.0.1:9/slack"}]
        """

    @Test func routesGroupsInhibitsAndPrintsPayloads() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("am.yml")
        try Self.config.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Vigil.run(["notify", "test", "--config", path, "--format", "json",
                               "--alert", "alertname=HighErrors,severity=critical,service=api",
                               "--alert", "alertname=HighErrors,severity=warning,service=api"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let entries = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        // The critical alert reaches pager (continue) and slack; the warning is inhibited.
        #expect(entries.map { $0["receiver"] as? String } == ["pager", "slack"])
        let payload = try #require(entries.first?["payload"] as? [String: Any])
        #expect(payload["version"] as? String == "4")
        #expect(payload["groupKey"] as? String == #"{}/{severity=~"critical|high"}:{alertname="HighErrors", service="api"}"#)
        let alerts = try #require(payload["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        #expect(alerts.first?["endsAt"] as? String == "0001-01-01T00:00:00Z")
    }

    @Test func badConfigAndBadAlertAreClearErrors() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("bad.yml")
        try "route:\n  receiver: nobody\nreceivers: []\n".write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try Vigil.run(["notify", "test", "--config", path, "--alert", "a=b"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.yml:"))
        let usage = try Vigil.run(["notify", "test", "--config", path, "--alert", "no-equals-sign"])
        #expect(usage.status == 64)
    }

    /// The routing shipped in systemd/alerting.yml, as the Notify issue asks for it.
    @Test func shippedRoutingSendsBySeverity() throws {
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../systemd/alerting.yml").standardized.path
        func receivers(_ alerts: [String]) throws -> [String] {
            let r = try Vigil.run(["notify", "test", "--config", config, "--format", "json"] + alerts.flatMap { ["--alert", $0] })
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let entries = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
            return entries.map { "\($0["receiver"] ?? "")/\($0["integration"] ?? "")" }
        }
        #expect(try Set(receivers(["alertname=A,severity=critical,service=api"])) == ["pagerduty-and-slack/slack", "pagerduty-and-slack/pagerduty"])
        #expect(try Set(receivers(["alertname=A,severity=high"])) == ["pagerduty-and-slack/slack", "pagerduty-and-slack/pagerduty"])
        #expect(try receivers(["alertname=A,severity=warning"]) == ["slack/slack"])
        #expect(try receivers(["alertname=A,severity=medium"]) == ["slack/slack"])
        #expect(try receivers(["alertname=A,severity=info"]) == ["email/webhook"])
        #expect(try receivers(["alertname=A,severity=low"]) == ["email/webhook"])
        // critical inhibits warning with the same alertname and service, but not another service's.
        let both = try receivers(["alertname=A,severity=critical,service=api", "alertname=A,severity=warning,service=api",
                                  "alertname=A,severity=warning,service=web"])
        #expect(both.filter { $0 == "slack/slack" }.count == 1)
        // No secret is printed.
        let text = try Vigil.run(["notify", "test", "--config", config, "--alert", "alertname=A,severity=critical"]).stdout
        #expect(text.contains("<secret>") || text.contains("\\u003csecret\\u003e"))
    }

    @Test func aBrokenTemplateFallsBackAndIsReportedOnStderr() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("am.yml")
        try """
            route: {receiver: chat}
            receivers:
              - name: chat
                slack_configs: [{api_url: "http://127.0.0.1:9/slack", title: '{{ .CommonLabels.alertname | nosuchfunction }}'}]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Vigil.run(["notify", "test", "--config", path, "--format", "json", "--alert", "alertname=X"])
        #expect(r.status == 0, "the notification still goes out with the default title")
        #expect(r.stderr.contains("warning: receiver \"chat\": slack_configs[0] title template failed"), "stderr: \(r.stderr)")
        // Alertmanager's default subject: no group labels here, the other common labels in brackets.
        #expect(r.stdout.contains(#""title":"[FIRING:1]  (X)""#), "the default title is used: \(r.stdout)")
    }
}
