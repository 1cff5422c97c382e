import Foundation
import Notify
import TimeSeries

/// `vigil notify test`: which receivers the given alerts reach, grouped as the dispatcher groups them, and the
/// exact payload each integration would get (like `amtool config routes test`, for the whole notification).
public struct NotifyTestCommand: Sendable {
    public var config: String
    public var alerts: [Labels]
    public var resolved: Bool
    public var json: Bool
    public var externalURL: String

    public static let spec = CommandSpec(
        name: "notify test",
        summary: "Show where alerts would be routed and the payloads each receiver would get",
        discussion: """
            Reads an Alertmanager-style config (a plain alertmanager.yml, or Vigil's config with an `alerting:`
            section), routes every --alert through the route tree, applies inhibition, groups them by route and
            group_by, and prints per group the receiver, the group key and each integration's payload (webhook v4
            JSON, Slack and PagerDuty bodies). Secrets are never printed. --format json prints a JSON array of
            {receiver, integration, payload}.
            """,
        options: [
            .init("config", metavar: "FILE", help: "The alerting config (Alertmanager dialect)."),
            .init("alert", metavar: "LABELS", repeatable: true, help: "An alert as name=value pairs separated by commas (repeatable)."),
            .init("resolved", help: "Treat the alerts as resolved rather than firing."),
            .init("format", metavar: "FORMAT", help: "Output format: text (default) or json."),
            .init("external-url", metavar: "URL", help: "The externalURL put in payloads."),
        ],
        examples: ["vigil notify test --config alerting.yml --alert 'alertname=HighErrors,severity=critical,service=api'"])

    public static func validate(_ args: BoundArguments) throws(UsageError) -> NotifyTestCommand {
        guard let config = args.value("config") else { throw UsageError("missing --config FILE", command: spec.name) }
        let raw = args.values["alert"] ?? []
        if raw.isEmpty { throw UsageError("give at least one --alert 'name=value,...'", command: spec.name) }
        var alerts: [Labels] = []
        for text in raw {
            guard let labels = parseLabels(text), !labels.isEmpty else {
                throw UsageError("invalid --alert '\(text)': expected name=value pairs separated by commas", command: spec.name)
            }
            alerts.append(labels)
        }
        let format = args.value("format") ?? "text"
        guard format == "text" || format == "json" else {
            throw UsageError("invalid --format '\(format)': expected text or json", command: spec.name)
        }
        return NotifyTestCommand(config: config, alerts: alerts, resolved: args.has("resolved"), json: format == "json",
                                 externalURL: args.value("external-url") ?? "http://localhost:9093")
    }

    /// `a=b,c="d,e"`: commas inside double quotes belong to the value.
    static func parseLabels(_ text: String) -> Labels? {
        var pairs: [Label] = []
        var current = ""
        var inQuotes = false
        var parts: [String] = []
        for ch in text {
            if ch == "\"" { inQuotes.toggle(); continue }
            if ch == "," && !inQuotes {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        for part in parts where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let eq = part.firstIndex(of: "=") else { return nil }
            let name = part[..<eq].trimmingCharacters(in: .whitespaces)
            guard Labels.isValidLabelName(name) else { return nil }
            pairs.append(Label(name, String(part[part.index(after: eq)...])))
        }
        return Labels(pairs)
    }

    public func run() -> ExitCode {
        guard let data = FileManager.default.contents(atPath: config) else {
            return Console.error("Error: \(config): cannot read file")
        }
        let parsed: AlertmanagerConfig
        do { parsed = try AlertmanagerConfig.parse(String(decoding: data, as: UTF8.self), file: config) } catch {
            return Console.error("Error: \(error)")
        }
        let now = Timestamp(Date().timeIntervalSince1970 * 1000)
        let notifyAlerts = alerts.map { labels in
            NotifyAlert(labels: labels, status: resolved ? .resolved : .firing, startsAt: now, endsAt: resolved ? now : nil)
        }
        let plan = NotificationPlan(config: parsed, alerts: notifyAlerts, externalURL: externalURL)
        // A broken template does not stop a notification (the default text is used), but its author must know.
        for e in plan.renderErrors { Console.err("warning: \(e)\n") }
        if json {
            Console.out(JSONValue.array(plan.entries.map(\.json)).text + "\n")
            return .ok
        }
        var out = ""
        for a in plan.inhibited { out += "inhibited: \(a.labels)\n" }
        for g in plan.groups {
            out += "receiver \(g.receiver)\n  group key: \(g.key)\n  alerts:\n"
            for a in g.alerts { out += "    \(a.labels)\n" }
            for e in plan.entries where e.receiver == g.receiver && e.groupKey == g.key {
                out += "  \(e.integration)[\(e.index)] payload:\n    \(e.payload.text)\n"
            }
            out += "\n"
        }
        Console.out(out.isEmpty ? "no receiver gets a notification\n" : out)
        return .ok
    }
}
