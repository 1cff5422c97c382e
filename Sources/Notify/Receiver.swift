import YAML

/// A named receiver with its integrations.
public struct Receiver: Sendable {
    /// The name routes refer to.
    public var name: String
    /// Generic webhooks (Alertmanager payload version 4).
    public var webhookConfigs: [WebhookConfig]
    /// Slack incoming webhooks.
    public var slackConfigs: [SlackConfig]
    /// PagerDuty Events API v2 integrations.
    public var pagerdutyConfigs: [PagerDutyConfig]
    /// Where the receiver is defined.
    public var mark: YAMLMark

    static let allowedKeys: Set<String> = [
        "name", "webhook_configs", "slack_configs", "pagerduty_configs", "email_configs", "opsgenie_configs",
        "pushover_configs", "victorops_configs", "wechat_configs", "telegram_configs", "sns_configs", "webex_configs",
        "msteams_configs", "msteamsv2_configs", "discord_configs", "jira_configs", "rocketchat_configs",
    ]

    /// Decodes a receiver; integrations Vigil does not implement are accepted and ignored.
    init(_ m: YAMLMapping, global: GlobalConfig) throws(YAMLError) {
        try m.rejectUnknownKeys(allowed: Receiver.allowedKeys)
        mark = m.mark
        name = try m.requiredString("name")
        webhookConfigs = try Receiver.each(m, "webhook_configs") { c throws(YAMLError) in try WebhookConfig(c) }
        slackConfigs = try Receiver.each(m, "slack_configs") { c throws(YAMLError) in try SlackConfig(c, global: global) }
        pagerdutyConfigs = try Receiver.each(m, "pagerduty_configs") { c throws(YAMLError) in
            try PagerDutyConfig(c, global: global)
        }
    }

    static func each<T>(_ m: YAMLMapping, _ key: String, _ decode: (YAMLMapping) throws(YAMLError) -> T) throws(YAMLError) -> [T] {
        var out: [T] = []
        for node in try m.sequence(key) ?? [] {
            out.append(try decode(try YAMLMapping(node, file: m.file, unknownKeys: m.unknownKeys)))
        }
        return out
    }
}

/// The `global` section fields integrations fall back on.
public struct GlobalConfig: Sendable {
    /// `resolve_timeout` in milliseconds (5m).
    public var resolveTimeout: Int64 = 300_000
    /// `slack_api_url`.
    public var slackAPIURL: String?
    /// `slack_api_url_file`.
    public var slackAPIURLFile: String?
    /// `pagerduty_url`.
    public var pagerdutyURL = "https://events.pagerduty.com/v2/enqueue"
    /// Creates the defaults.
    public init() {}
}

/// A `webhook_configs` entry.
public struct WebhookConfig: Sendable {
    /// Target URL (a secret: never log it); exactly one of `url` and `urlFile` is set.
    public var url: String?
    /// File holding the URL.
    public var urlFile: String?
    /// Whether resolved alerts are sent (default true).
    public var sendResolved: Bool
    /// Maximum alerts per message; 0 = all.
    public var maxAlerts: Int
    /// Request timeout in milliseconds; 0 = none.
    public var timeout: Int64
    /// Authentication for the requests (`http_config`).
    public var httpConfig: IntegrationHTTPConfig

    static let allowedKeys: Set<String> = ["send_resolved", "url", "url_file", "max_alerts", "timeout", "http_config"]

    init(_ m: YAMLMapping) throws(YAMLError) {
        try m.rejectUnknownKeys(allowed: WebhookConfig.allowedKeys)
        url = try m.string("url")
        urlFile = try m.string("url_file")
        guard (url == nil) != (urlFile == nil) else {
            throw m.error(url == nil ? "one of url or url_file must be configured" : "at most one of url & url_file must be configured", at: m.mark)
        }
        sendResolved = try m.bool("send_resolved") ?? true
        maxAlerts = try m.int("max_alerts") ?? 0
        if maxAlerts < 0 { throw m.error("max_alerts must not be negative", at: m.node("max_alerts")!.mark) }
        timeout = try Route.duration(m, "timeout") ?? 0
        httpConfig = try IntegrationHTTPConfig(m.mapping("http_config"))
    }
}

/// A `slack_configs` entry (templates kept as text; rendering happens at notification time).
public struct SlackConfig: Sendable {
    /// Incoming-webhook URL (secret), from the entry or `global.slack_api_url`.
    public var apiURL: String?
    /// File holding the URL.
    public var apiURLFile: String?
    /// Channel override for legacy webhooks.
    public var channel: String?
    /// Username override for legacy webhooks.
    public var username: String?
    /// Title template.
    public var title: String
    /// Text template.
    public var text: String
    /// Whether resolved alerts are sent (default false, as in Alertmanager).
    public var sendResolved: Bool
    /// Request timeout in milliseconds; 0 = the delivery policy's default.
    public var timeout: Int64
    /// Authentication for the requests (`http_config`).
    public var httpConfig: IntegrationHTTPConfig

    static let allowedKeys: Set<String> = [
        "send_resolved", "api_url", "api_url_file", "channel", "username", "color", "title", "title_link", "pretext",
        "text", "fields", "short_fields", "footer", "fallback", "callback_id", "icon_emoji", "icon_url", "image_url",
        "thumb_url", "link_names", "mrkdwn_in", "actions", "http_config", "timeout", "message_text",
    ]

    init(_ m: YAMLMapping, global: GlobalConfig) throws(YAMLError) {
        try m.rejectUnknownKeys(allowed: SlackConfig.allowedKeys)
        apiURL = try m.string("api_url")
        apiURLFile = try m.string("api_url_file")
        if apiURL != nil && apiURLFile != nil {
            throw m.error("at most one of api_url & api_url_file must be configured", at: m.mark)
        }
        if apiURL == nil && apiURLFile == nil {
            apiURL = global.slackAPIURL
            apiURLFile = global.slackAPIURLFile
        }
        guard apiURL != nil || apiURLFile != nil else { throw m.error("no global Slack API URL set", at: m.mark) }
        channel = try m.string("channel")
        username = try m.string("username")
        title = try m.string("title") ?? #"{{ template "slack.default.title" . }}"#
        text = try m.string("text") ?? #"{{ template "slack.default.text" . }}"#
        sendResolved = try m.bool("send_resolved") ?? false
        timeout = try Route.duration(m, "timeout") ?? 0
        httpConfig = try IntegrationHTTPConfig(m.mapping("http_config"))
    }
}

/// A `pagerduty_configs` entry (Events API v2).
public struct PagerDutyConfig: Sendable {
    /// Integration key (secret); one of `routingKey` and `routingKeyFile` is set.
    public var routingKey: String?
    /// File holding the integration key.
    public var routingKeyFile: String?
    /// Events endpoint.
    public var url: String
    /// Severity template (default `error`).
    public var severity: String
    /// Summary template.
    public var description: String
    /// `client` shown in PagerDuty (default `Alertmanager`, here `Vigil`).
    public var client: String
    /// `source` (defaults to `client`).
    public var source: String?
    /// Whether resolved alerts are sent (default true).
    public var sendResolved: Bool
    /// Request timeout in milliseconds; 0 = the delivery policy's default.
    public var timeout: Int64
    /// Authentication for the requests (`http_config`).
    public var httpConfig: IntegrationHTTPConfig

    static let allowedKeys: Set<String> = [
        "send_resolved", "routing_key", "routing_key_file", "service_key", "service_key_file", "url", "client",
        "client_url", "description", "details", "images", "links", "source", "severity", "class", "component", "group",
        "http_config", "timeout",
    ]

    init(_ m: YAMLMapping, global: GlobalConfig) throws(YAMLError) {
        try m.rejectUnknownKeys(allowed: PagerDutyConfig.allowedKeys)
        routingKey = try m.string("routing_key")
        routingKeyFile = try m.string("routing_key_file")
        if routingKey != nil && routingKeyFile != nil {
            throw m.error("at most one of routing_key & routing_key_file must be configured", at: m.mark)
        }
        guard routingKey != nil || routingKeyFile != nil else {
            // Vigil speaks Events API v2 only, so the v1 `service_key` is not enough.
            throw m.error("missing routing_key or routing_key_file in PagerDuty config", at: m.mark)
        }
        url = try m.string("url") ?? global.pagerdutyURL
        severity = try m.string("severity") ?? "error"
        description = try m.string("description") ?? #"{{ template "pagerduty.default.description" .}}"#
        client = try m.string("client") ?? "Vigil"
        source = try m.string("source")
        sendResolved = try m.bool("send_resolved") ?? true
        timeout = try Route.duration(m, "timeout") ?? 0
        httpConfig = try IntegrationHTTPConfig(m.mapping("http_config"))
    }
}
