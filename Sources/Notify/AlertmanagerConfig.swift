import TimeSeries
import YAML

/// An Alertmanager-dialect configuration: routing tree, inhibition rules, receivers.
public struct AlertmanagerConfig: Sendable {
    /// Global defaults.
    public var global: GlobalConfig
    /// The root of the routing tree.
    public var route: Route
    /// Inhibition rules in document order.
    public var inhibitRules: [InhibitRule]
    /// Receivers in document order.
    public var receivers: [Receiver]
    /// External Alertmanagers to forward alerts to (`alerting.alertmanagers` in Vigil's own config).
    public var alertmanagers: [AlertmanagerTarget]
    /// The `define`s of the `templates:` files, in pattern order and sorted file order within a pattern; every
    /// field is rendered with them after Vigil's defaults, so they can override those. Empty without templates.
    public var templateText: String = ""

    static let allowedKeys: Set<String> = [
        "global", "route", "inhibit_rules", "receivers", "templates", "time_intervals", "mute_time_intervals",
        "tracing", "alertmanagers",
    ]

    /// Parses and validates a config document; an `alerting:` wrapper (Vigil's own config file) is accepted.
    public static func parse(_ text: String, file: String? = nil, unknownKeys: YAMLUnknownKeyPolicy = .reject)
        throws(YAMLError) -> AlertmanagerConfig
    {
        let root = try YAMLParser(file: file).parse(text)
        var top = try YAMLMapping(root, file: file, unknownKeys: unknownKeys)
        if let inner = try top.mapping("alerting") { top = inner }
        return try AlertmanagerConfig(top)
    }

    init(_ m: YAMLMapping) throws(YAMLError) {
        try m.rejectUnknownKeys(allowed: AlertmanagerConfig.allowedKeys)
        global = GlobalConfig()
        if let g = try m.mapping("global") {
            // Only the fields Vigil uses are read; the others (SMTP, proxies, …) are tolerated.
            if let ms = try Route.duration(g, "resolve_timeout") { global.resolveTimeout = ms }
            global.slackAPIURL = try g.string("slack_api_url")
            global.slackAPIURLFile = try g.string("slack_api_url_file")
            if let url = try g.string("pagerduty_url") { global.pagerdutyURL = url }
        }
        receivers = []
        var names: Set<String> = []
        for node in try m.sequence("receivers") ?? [] {
            let r = try Receiver(try YAMLMapping(node, file: m.file, unknownKeys: m.unknownKeys), global: global)
            guard names.insert(r.name).inserted else { throw m.error("notification config name \"\(r.name)\" is not unique", at: r.mark) }
            receivers.append(r)
        }
        guard let routeMapping = try m.mapping("route") else {
            throw m.error("no routes provided", at: m.mark)
        }
        route = try Route(routeMapping, parent: nil)
        guard !route.receiver.isEmpty else { throw m.error("root route must specify a default receiver", at: route.mark) }
        guard route.matchers.isEmpty else { throw m.error("root route must not have any matchers", at: route.mark) }
        for r in route.walk() where !names.contains(r.receiver) {
            throw m.error("undefined receiver \"\(r.receiver)\" used in route", at: r.mark)
        }
        alertmanagers = try AlertmanagerTarget.list(m)
        templateText = try Self.loadTemplates(m)
        inhibitRules = []
        for node in try m.sequence("inhibit_rules") ?? [] {
            inhibitRules.append(try InhibitRule(try YAMLMapping(node, file: m.file, unknownKeys: m.unknownKeys)))
        }
    }

    /// The receiver called `name`.
    public func receiver(named name: String) -> Receiver? { receivers.first { $0.name == name } }

    /// Whether an alert with `labels` is muted by an inhibition rule, given the currently firing alerts' labels.
    public func isInhibited(_ labels: Labels, by firing: [Labels]) -> Bool {
        inhibitRules.isInhibited(labels, by: firing)
    }
}
