import Template
import Testing
import TimeSeries
@testable import Notify

/// Slack and PagerDuty payloads rendered from config templates, with Vigil's Alertmanager-shaped defaults.
@Suite struct NotificationTemplateTests {
    /// A receiver `team` with one Slack config (`slack` adds fields to it) and one PagerDuty config.
    static func config(slack: String = "{}", pagerduty: String = "{routing_key: k}") -> AlertmanagerConfig {
        let extra = slack.dropFirst().dropLast()
        return try! AlertmanagerConfig.parse("""
            route:
              receiver: team
              group_by: [alertname, service]
            receivers:
              - name: team
                slack_configs:
                  - {api_url: 'http://127.0.0.1:9/s', send_resolved: true\(extra.isEmpty ? "" : ", " + extra)}
                pagerduty_configs:
                  - \(pagerduty)
            """)
    }

    static let firing = [
        NotifyAlert(labels: Labels(["alertname": "Down", "service": "api", "severity": "critical", "instance": "a"]),
                    annotations: Labels(["summary": "api a is down", "description": "no scrape for 5m"]),
                    startsAt: 1_700_000_000_000, generatorURL: "http://vigil/graph?g0.expr=up"),
        NotifyAlert(labels: Labels(["alertname": "Down", "service": "api", "severity": "critical", "instance": "b"]),
                    annotations: Labels(["summary": "api b is down"]), startsAt: 1_700_000_000_000),
    ]

    static func resolved(_ alerts: [NotifyAlert]) -> [NotifyAlert] {
        alerts.map { a in
            var r = a
            r.status = .resolved
            r.endsAt = a.startsAt + 60_000
            return r
        }
    }

    static func entries(_ config: AlertmanagerConfig, _ alerts: [NotifyAlert],
                        now: Timestamp = 1_700_000_060_000) -> [NotificationPlan.Entry] {
        NotificationPlan(config: config, alerts: alerts, externalURL: "http://vigil.example", now: now).entries
    }

    /// The object at `path` (object keys, or array indices as strings) of a payload.
    static func field(_ value: JSONValue, _ path: String...) -> JSONValue? {
        var current = value
        for key in path {
            switch current {
            case .object(let pairs):
                guard let next = pairs.first(where: { $0.0 == key })?.1 else { return nil }
                current = next
            case .array(let items):
                guard let i = Int(key), items.indices.contains(i) else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }

    static func string(_ value: JSONValue, _ path: String...) -> String? {
        var current: JSONValue? = value
        for key in path { current = current.flatMap { field($0, key) } }
        if case .string(let s)? = current { return s }
        return nil
    }

    @Test func templateDataHasAlertmanagerShape() throws {
        let data = NotificationTemplateData(receiver: "team.a", groupKey: AlertGroupKey(routeKey: "{}", groupLabels: Labels(["alertname": "Down"])),
                                            alerts: Self.firing + Self.resolved([Self.firing[0]]).map {
                                                var a = $0
                                                a.labels = a.labels.setting("instance", "c")
                                                return a
                                            }, externalURL: "http://x").value
        let functions = DefaultNotificationTemplates.functions(now: 1_700_000_060_000)
        func render(_ text: String) throws -> String {
            try DefaultNotificationTemplates.render(text, name: "t", data: data, functions: functions)
        }
        #expect(try render("{{ .Receiver }} {{ .Status }} {{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }}")
            == #"team\.a firing 3 2 1"#)
        #expect(try render("{{ .GroupLabels.SortedPairs.Values }} {{ .CommonLabels.Names }} {{ .CommonAnnotations.Values }}")
            == "[Down] [alertname service severity] []")
        #expect(try render("{{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values }}{{ end }} {{ .ExternalURL }}") == "[api critical] http://x")
        #expect(try render("{{ range .Alerts.Resolved }}{{ .Labels.instance }} {{ .EndsAt.Unix }} {{ .StartsAt.Format \"15:04:05\" }}{{ end }}")
            == "c 1700000060 22:13:20")
        #expect(try render("{{ with index .Alerts 0 }}{{ .Fingerprint }} {{ .GeneratorURL }} {{ .EndsAt.IsZero }} {{ since .StartsAt }}{{ end }}")
            == "\(Self.firing[0].fingerprint) http://vigil/graph?g0.expr=up true 1m0s")
    }

    @Test func firingAlertsHaveGoZeroTimeAsEndsAtLikeTheWebhookPayload() throws {
        // The dispatcher gives firing alerts a future end (resolve_timeout or the sender's); templates must not see it.
        var firing = Self.firing[0]
        firing.endsAt = 1_700_000_300_000
        let resolved = Self.resolved([Self.firing[1]])[0]
        let data = NotificationTemplateData(receiver: "team", groupKey: AlertGroupKey(routeKey: "{}", groupLabels: Labels([String: String]())),
                                            alerts: [firing, resolved], externalURL: "").value
        let rendered = try DefaultNotificationTemplates.render(
            "{{ range .Alerts }}{{ .Status }} {{ .EndsAt.IsZero }}{{ if not .EndsAt.IsZero }} {{ .EndsAt.Unix }}{{ end }};{{ end }}",
            name: "t", data: data,
            functions: DefaultNotificationTemplates.functions(now: 1_700_000_060_000))
        #expect(rendered == "firing true;resolved false 1700000060;")
        let payload = WebhookPayload(receiver: "team", groupKey: AlertGroupKey(routeKey: "{}", groupLabels: Labels([String: String]())),
                                     alerts: [firing], externalURL: "")
        #expect(payload.json.text.contains(#""endsAt":"0001-01-01T00:00:00Z""#))
    }

    @Test func slackTitleAndTextFromTheDefaults() throws {
        let entry = try #require(Self.entries(Self.config(), Self.firing).first { $0.integration == "slack" })
        #expect(entry.renderErrors.isEmpty)
        let payload = entry.payload
        #expect(Self.string(payload, "attachments", "0", "title") == "[FIRING:2] Down api (critical)")
        #expect(Self.string(payload, "attachments", "0", "color") == "danger")
        #expect(Self.string(payload, "attachments", "0", "text") == """
            🔥 *api a is down*
            no scrape for 5m
            Labels: `alertname=Down` `instance=a` `service=api` `severity=critical`

            🔥 *api b is down*
            Labels: `alertname=Down` `instance=b` `service=api` `severity=critical`
            """)
        #expect(Self.field(payload, "attachments", "0", "mrkdwn_in") == .array(["fallback", "pretext", "text"].map { .string($0) }))
        // No channel or username configured: the webhook's own are used.
        #expect(Self.field(payload, "channel") == nil)
        #expect(Self.field(payload, "username") == nil)
    }

    @Test func slackTitleFromACustomTemplate() throws {
        let config = Self.config(slack: """
            {channel: '#{{ .CommonLabels.service }}', username: 'vigil-{{ .Receiver }}', \
            title: '{{ .CommonLabels.alertname }} on {{ .GroupLabels.service }}', \
            text: '{{ range .Alerts }}{{ .Labels.instance }} {{ end }}'}
            """)
        let entry = try #require(Self.entries(config, Self.firing).first { $0.integration == "slack" })
        #expect(entry.renderErrors.isEmpty)
        #expect(Self.string(entry.payload, "attachments", "0", "title") == "Down on api")
        #expect(Self.string(entry.payload, "attachments", "0", "text") == "a b ")
        #expect(Self.string(entry.payload, "channel") == "#api")
        #expect(Self.string(entry.payload, "username") == "vigil-team")
    }

    @Test func definitionsInAConfigTemplateReplaceTheDefaults() throws {
        let config = Self.config(slack: #"{title: '{{ define "__subject" }}custom {{ .Status }}{{ end }}{{ template "slack.default.title" . }}'}"#)
        let entry = try #require(Self.entries(config, Self.firing).first { $0.integration == "slack" })
        #expect(Self.string(entry.payload, "attachments", "0", "title") == "custom firing")
    }

    @Test func resolvedGroupIsGreenAndSaysResolved() throws {
        let entry = try #require(Self.entries(Self.config(), Self.resolved(Self.firing)).first { $0.integration == "slack" })
        #expect(Self.string(entry.payload, "attachments", "0", "color") == "good")
        #expect(Self.string(entry.payload, "attachments", "0", "title") == "[RESOLVED] Down api (critical)")
        #expect(Self.string(entry.payload, "attachments", "0", "text")?.hasPrefix("✅ *api a is down*") == true)
    }

    @Test func pagerDutySummaryFromTheDefaultDescription() throws {
        let entries = Self.entries(Self.config(), [Self.firing[0]] + Self.resolved([Self.firing[1]]))
        let entry = try #require(entries.first { $0.integration == "pagerduty" })
        #expect(entry.renderErrors.isEmpty)
        #expect(Self.string(entry.payload, "payload", "summary") == "[FIRING:1] Down api (critical)")
        #expect(Self.string(entry.payload, "payload", "severity") == "error")
        #expect(Self.string(entry.payload, "payload", "source") == "Vigil")
        #expect(Self.string(entry.payload, "routing_key") == "<secret>")
        #expect(Self.string(entry.payload, "event_action") == "trigger")
        #expect(Self.string(entry.payload, "dedup_key")
            == SHA256.hex(#"{}:{alertname="Down", service="api"}"#))
        #expect(Self.string(entry.payload, "payload", "custom_details", "firing") == """
            Labels:
             - alertname = Down
             - instance = a
             - service = api
             - severity = critical
            Annotations:
             - description = no scrape for 5m
             - summary = api a is down
            Source: http://vigil/graph?g0.expr=up

            """)
        #expect(Self.string(entry.payload, "payload", "custom_details", "resolved")?.contains("instance = b") == true)
    }

    @Test func pagerDutySummaryAndSeverityFromCustomTemplates() throws {
        let config = Self.config(pagerduty: """
            {routing_key: k, description: '{{ .Alerts.Firing | len }} down: {{ .CommonAnnotations.summary }}{{ .CommonLabels.service }}', \
            severity: '{{ if eq .CommonLabels.severity "critical" }}critical{{ else }}warning{{ end }}', source: '{{ .GroupLabels.service }}'}
            """)
        let entry = try #require(Self.entries(config, Self.firing).first { $0.integration == "pagerduty" })
        #expect(entry.renderErrors.isEmpty)
        #expect(Self.string(entry.payload, "payload", "summary") == "2 down: api")
        #expect(Self.string(entry.payload, "payload", "severity") == "critical")
        #expect(Self.string(entry.payload, "payload", "source") == "api")
    }

    @Test func longPagerDutySummaryIsCutTo1024Characters() throws {
        let config = Self.config(pagerduty: "{routing_key: k, description: '\(String(repeating: "x", count: 2000)){{ .Status }}'}")
        let entry = try #require(Self.entries(config, Self.firing).first { $0.integration == "pagerduty" })
        let summary = try #require(Self.string(entry.payload, "payload", "summary"))
        #expect(summary.count == 1024)
        #expect(summary.hasSuffix("xx…"))
    }

    @Test func brokenTemplateFallsBackToTheDefaultAndReportsTheError() throws {
        let config = Self.config(
            slack: "{title: '{{ .CommonLabels.alertname | nosuchfn }}', text: \"ok\\n{{ template \\\"missing\\\" . }}\"}",
            pagerduty: "{routing_key: k, description: '{{ .Status ', severity: '{{ index .Alerts 5 }}'}")
        let entries = Self.entries(config, Self.firing)
        let slack = try #require(entries.first { $0.integration == "slack" })
        #expect(Self.string(slack.payload, "attachments", "0", "title") == "[FIRING:2] Down api (critical)")
        #expect(Self.string(slack.payload, "attachments", "0", "text")?.hasPrefix("🔥 *api a is down*") == true)
        #expect(slack.renderErrors.map(\.field) == ["title", "text"])
        let title = try #require(slack.renderErrors.first)
        #expect(title.receiver == "team")
        #expect(title.integration == "slack_configs")
        #expect(title.index == 0)
        #expect(title.error.kind == .parse)
        #expect(title.description.hasPrefix(#"receiver "team": slack_configs[0] title template failed, default used: "#))
        #expect(title.description.contains(#"function "nosuchfn" not defined"#))
        // Positions refer to the field's own text, not to the defaults rendered with it.
        #expect((title.error.line, title.error.column) == (1, 30))
        let text = slack.renderErrors[1]
        #expect(text.error.kind == .execute)
        #expect((text.error.line, text.error.column) == (2, 4))
        #expect(text.description.contains(#"template "missing" not defined"#))

        let pd = try #require(entries.first { $0.integration == "pagerduty" })
        #expect(Self.string(pd.payload, "payload", "summary") == "[FIRING:2] Down api (critical)")
        #expect(Self.string(pd.payload, "payload", "severity") == "error")
        #expect(pd.renderErrors.map(\.field) == ["description", "severity"])
        #expect(pd.renderErrors.allSatisfy { $0.description.contains(#"receiver "team": pagerduty_configs[0]"#) })
        let plan = NotificationPlan(config: config, alerts: Self.firing, externalURL: "")
        #expect(plan.renderErrors.count == 4)
    }

    @Test func defaultsDefineAlertmanagerTemplateNames() throws {
        let names = Set(DefaultNotificationTemplates.definitions.map(\.name))
        for name in ["__subject", "__text_alert_list", "slack.default.title", "slack.default.text", "slack.default.username",
                     "pagerduty.default.description", "pagerduty.default.instances", "pagerduty.default.client"] {
            #expect(names.contains(name), "missing \(name)")
        }
        // The defaults print nothing by themselves, so a field's output is exactly its own text.
        let data = NotificationTemplateData(receiver: "r", groupKey: AlertGroupKey(routeKey: "{}", groupLabels: .empty),
                                            alerts: Self.firing, externalURL: "").value
        #expect(try DefaultNotificationTemplates.render("", name: "empty", data: data,
                                                        functions: DefaultNotificationTemplates.functions(now: 0)) == "")
        #expect(try DefaultNotificationTemplates.render(#"{{ template "slack.default.username" . }}"#, name: "u", data: data,
                                                        functions: DefaultNotificationTemplates.functions(now: 0)) == "Vigil")
    }
}
