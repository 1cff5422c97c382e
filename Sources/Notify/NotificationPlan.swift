import Foundation
import Template
import TimeSeries

/// What a set of alerts would produce, like `amtool config routes test` but down to each integration's payload.
public struct NotificationPlan: Sendable {
    /// One notification: a group delivered through one integration of one receiver.
    public struct Entry: Sendable {
        /// The receiver name.
        public var receiver: String
        /// `webhook`, `slack` or `pagerduty`.
        public var integration: String
        /// Position of the integration within its receiver's configs of that kind.
        public var index: Int
        /// The group's key.
        public var groupKey: AlertGroupKey
        /// The exact JSON body the integration would POST.
        public var payload: JSONValue
        /// Templates that failed and were replaced by the default (empty when all rendered).
        public var renderErrors: [RenderError] = []

        /// `{receiver, integration, payload}`, the `--format json` element.
        public var json: JSONValue {
            .object([("receiver", .string(receiver)), ("integration", .string(integration)), ("payload", payload)])
        }
    }

    /// One aggregation group: a route and the alerts it holds after inhibition.
    public struct Group: Sendable {
        /// The receiver the route names.
        public var receiver: String
        /// The group's key.
        public var key: AlertGroupKey
        /// The alerts, in notification order.
        public var alerts: [NotifyAlert]

        /// Creates a group.
        public init(receiver: String, key: AlertGroupKey, alerts: [NotifyAlert]) {
            self.receiver = receiver
            self.key = key
            self.alerts = alerts
        }
    }

    /// A config template that failed to parse or execute; the notification went out with the default instead.
    public struct RenderError: Error, Sendable, CustomStringConvertible {
        /// The receiver whose integration has the template.
        public var receiver: String
        /// The config list, `slack_configs` or `pagerduty_configs`.
        public var integration: String
        /// Position within that list.
        public var index: Int
        /// The field (`title`, `text`, `description`, `severity`, ...).
        public var field: String
        /// The template failure, positioned within the field's text.
        public var error: TemplateError

        /// `receiver "team": slack_configs[0] title template failed, default used: template: title:1:4: ...`.
        public var description: String {
            "receiver \(Labels.quote(receiver)): \(integration)[\(index)] \(field) template failed, default used: \(error)"
        }
    }

    /// Groups in first-routed order (route tree order per alert, alerts in input order).
    public var groups: [Group]
    /// Alerts dropped by inhibition.
    public var inhibited: [NotifyAlert]
    /// Every notification the groups produce, groups in order, integrations in webhook/slack/pagerduty order.
    public var entries: [Entry]
    /// Every template failure of every entry.
    public var renderErrors: [RenderError] { entries.flatMap(\.renderErrors) }

    /// Routes, inhibits and groups `alerts` as one dispatcher flush would, and renders each integration's payload.
    public init(config: AlertmanagerConfig, alerts: [NotifyAlert], externalURL: String,
                now: Timestamp = NotificationPlan.currentTime()) {
        let firing = alerts.filter { $0.status == .firing }.map(\.labels)
        var groups: [Group] = []
        var index: [String: Int] = [:]
        var inhibited: [NotifyAlert] = []
        for alert in alerts {
            if config.isInhibited(alert.labels, by: firing) {
                inhibited.append(alert)
                continue
            }
            for route in config.route.match(alert.labels) {
                let key = AlertGroupKey(route: route, labels: alert.labels)
                // Receiver is part of the identity: sibling routes may share a key but not a receiver.
                let id = route.receiver + "\u{0}" + key.description
                if let i = index[id] {
                    groups[i].alerts.append(alert)
                } else {
                    index[id] = groups.count
                    groups.append(Group(receiver: route.receiver, key: key, alerts: [alert]))
                }
            }
        }
        for i in groups.indices { groups[i].alerts.sort(by: NotifyAlert.notificationOrder) }
        self.groups = groups
        self.inhibited = inhibited
        entries = groups.flatMap { group in
            config.receiver(named: group.receiver).map {
                NotificationPlan.entries(group, $0, externalURL, templates: config.templateText, now: now)
            } ?? []
        }
    }

    /// The alerts an integration gets: resolved ones only with `send_resolved`, nothing when that leaves none.
    static func deliverable(_ alerts: [NotifyAlert], sendResolved: Bool) -> [NotifyAlert]? {
        let kept = sendResolved ? alerts : alerts.filter { $0.status == .firing }
        // With every alert resolved and send_resolved off, Alertmanager sends nothing at all.
        return kept.isEmpty ? nil : kept
    }

    /// Every notification `group` produces through `receiver`'s integrations; templates see `now` as the
    /// current time (for `since`) and `templates` (the config's `templateText`) after the defaults. A failing
    /// template falls back to the default and is listed in `renderErrors`.
    public static func entries(_ group: Group, _ receiver: Receiver, _ externalURL: String, templates: String = "",
                               now: Timestamp = NotificationPlan.currentTime()) -> [Entry] {
        let functions = DefaultNotificationTemplates.functions(now: now)
        var out: [Entry] = []
        for (i, c) in receiver.webhookConfigs.enumerated() {
            guard let alerts = deliverable(group.alerts, sendResolved: c.sendResolved) else { continue }
            let payload = WebhookPayload(receiver: receiver.name, groupKey: group.key, alerts: alerts,
                                         externalURL: externalURL, maxAlerts: c.maxAlerts)
            out.append(Entry(receiver: receiver.name, integration: "webhook", index: i, groupKey: group.key, payload: payload.json))
        }
        for (i, c) in receiver.slackConfigs.enumerated() {
            guard let alerts = deliverable(group.alerts, sendResolved: c.sendResolved) else { continue }
            var fields = FieldRenderer(group: group, alerts: alerts, receiver: receiver.name, externalURL: externalURL,
                                       functions: functions, templates: templates, integration: "slack_configs",
                                       index: i)
            let payload = slackMessage(c, &fields)
            out.append(Entry(receiver: receiver.name, integration: "slack", index: i, groupKey: group.key,
                             payload: payload, renderErrors: fields.errors))
        }
        for (i, c) in receiver.pagerdutyConfigs.enumerated() {
            guard let alerts = deliverable(group.alerts, sendResolved: c.sendResolved) else { continue }
            var fields = FieldRenderer(group: group, alerts: alerts, receiver: receiver.name, externalURL: externalURL,
                                       functions: functions, templates: templates, integration: "pagerduty_configs",
                                       index: i)
            let payload = pagerDutyEvent(c, &fields)
            out.append(Entry(receiver: receiver.name, integration: "pagerduty", index: i, groupKey: group.key,
                             payload: payload, renderErrors: fields.errors))
        }
        return out
    }

    /// The wall clock in Unix milliseconds, the default `now` of rendering.
    public static func currentTime() -> Timestamp { Timestamp(Date().timeIntervalSince1970 * 1000) }

    /// A Slack incoming-webhook message shaped like Alertmanager's: one attachment with the rendered title and
    /// text, coloured by status, mrkdwn enabled.
    static func slackMessage(_ c: SlackConfig, _ fields: inout FieldRenderer) -> JSONValue {
        var message: [(String, JSONValue)] = []
        // A channel that fails to render is left out, so the webhook's own channel gets the message.
        if let channel = c.channel, let rendered = fields.render("channel", channel, default: nil) {
            message.append(("channel", .string(rendered)))
        }
        if let username = c.username,
           let rendered = fields.render("username", username, default: #"{{ template "slack.default.username" . }}"#) {
            message.append(("username", .string(rendered)))
        }
        let title = fields.render("title", c.title, default: #"{{ template "slack.default.title" . }}"#)
            ?? fields.plainTitle
        let text = fields.render("text", c.text, default: #"{{ template "slack.default.text" . }}"#) ?? ""
        let firing = fields.alerts.contains { $0.status == .firing }
        message.append(("attachments", .array([.object([
            ("title", .string(truncated(title, to: 1024))),
            ("text", .string(text)),
            ("fallback", .string(truncated(title, to: 1024))),
            ("color", .string(firing ? "danger" : "good")),
            ("mrkdwn_in", .array(["fallback", "pretext", "text"].map { .string($0) })),
        ])])))
        return .object(message)
    }

    /// An Events API v2 event; the routing key is redacted because plans are printed and logged (the delivery
    /// layer puts the real key in at send time).
    static func pagerDutyEvent(_ c: PagerDutyConfig, _ fields: inout FieldRenderer) -> JSONValue {
        let firing = fields.alerts.filter { $0.status == .firing }
        let resolved = fields.alerts.filter { $0.status == .resolved }
        let summary = fields.render("description", c.description,
                                    default: #"{{ template "pagerduty.default.description" . }}"#) ?? fields.plainTitle
        // PagerDuty rejects an event without a severity; Alertmanager's default is `error`.
        var severity = fields.render("severity", c.severity, default: nil) ?? "error"
        if severity.isEmpty { severity = "error" }
        let client = fields.render("client", c.client, default: #"{{ template "pagerduty.default.client" . }}"#) ?? "Vigil"
        let source = c.source.flatMap { fields.render("source", $0, default: nil) } ?? client
        let instances = #"{{ template "pagerduty.default.instances" . }}"#
        func details(_ field: String, _ alerts: [NotifyAlert]) -> JSONValue {
            .string(fields.render(field, instances, default: nil,
                                  dot: .list(alerts.map(NotificationTemplateData.alertValue))) ?? "")
        }
        return .object([
            ("routing_key", .string("<secret>")),
            ("event_action", .string(firing.isEmpty ? "resolve" : "trigger")),
            ("dedup_key", .string(SHA256.hex(fields.group.key.description))),
            ("payload", .object([
                ("summary", .string(truncated(summary, to: 1024))),
                ("source", .string(source)),
                ("severity", .string(severity)),
                ("custom_details", .object([
                    ("firing", details("details.firing", firing)),
                    ("num_firing", .int(firing.count)),
                    ("num_resolved", .int(resolved.count)),
                    ("resolved", details("details.resolved", resolved)),
                ])),
            ])),
            ("client", .string(client)),
        ])
    }

    /// At most `limit` characters, the last one replaced by `…` when cut, as Alertmanager truncates.
    static func truncated(_ s: String, to limit: Int) -> String {
        guard s.count > limit else { return s }
        return String(s.prefix(limit - 1)) + "…"
    }

}

extension NotificationPlan {
    /// Renders one integration's template fields against the group's data, collecting failures.
    struct FieldRenderer {
        let group: Group
        /// The alerts this integration sends (resolved ones only with `send_resolved`).
        let alerts: [NotifyAlert]
        let receiver: String
        let integration: String
        let index: Int
        let functions: FunctionSet
        /// The config's user template definitions, available to every field.
        let templates: String
        let data: TemplateValue
        /// Failures so far, in field order.
        var errors: [RenderError] = []

        init(group: Group, alerts: [NotifyAlert], receiver: String, externalURL: String, functions: FunctionSet,
             templates: String = "", integration: String, index: Int) {
            self.group = group
            self.alerts = alerts
            self.receiver = receiver
            self.integration = integration
            self.index = index
            self.functions = functions
            self.templates = templates
            data = NotificationTemplateData(receiver: receiver, groupKey: group.key, alerts: alerts,
                                            externalURL: externalURL).value
        }

        /// `source` rendered with `dot` (default: the group's data); on failure the error is recorded and
        /// `fallback` rendered instead; nil when there is no fallback or it fails too.
        mutating func render(_ field: String, _ source: String, default fallback: String?,
                             dot: TemplateValue? = nil) -> String? {
            let dot = dot ?? data
            do {
                return try DefaultNotificationTemplates.render(source, name: field, data: dot, functions: functions,
                                                               userTemplates: templates)
            } catch {
                errors.append(RenderError(receiver: receiver, integration: integration, index: index, field: field,
                                          error: error))
            }
            guard let fallback else { return nil }
            return try? DefaultNotificationTemplates.render(fallback, name: field, data: dot, functions: functions,
                                                            userTemplates: templates)
        }

        /// `[FIRING:2] alertname service`: the last resort when even the default template fails.
        var plainTitle: String {
            let numFiring = alerts.filter { $0.status == .firing }.count
            let status = numFiring > 0 ? "FIRING:\(numFiring)" : "RESOLVED"
            return "[\(status)] " + group.key.groupLabels.map(\.value).joined(separator: " ")
        }
    }
}
