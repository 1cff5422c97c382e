import Foundation
import Template
import TimeSeries

/// Vigil's built-in notification templates, under the names Alertmanager's `default.tmpl` uses, so configs
/// written for Alertmanager (`{{ template "slack.default.title" . }}`, `__subject`, ...) work unchanged.
///
/// The output has the same shape as Alertmanager's defaults: `__subject` is
/// `[FIRING:2] <group label values> (<other common label values>)`, PagerDuty's description is the subject,
/// and instances list each alert's labels, annotations and source. The Slack text, empty in Alertmanager,
/// lists every alert here.
public enum DefaultNotificationTemplates {
    /// The named templates, in definition order.
    public static let definitions: [(name: String, text: String)] = [
        ("__alertmanager", "Vigil"),
        ("__alertmanagerURL", "{{ .ExternalURL }}"),
        // Group label values, then (when there are more) the other labels every alert shares. The space before
        // the parenthesis is printed even without it, exactly as Alertmanager's subject does.
        ("__subject", """
            [{{ if eq .Status "firing" }}FIRING:{{ len .Alerts.Firing }}{{ else }}RESOLVED{{ end }}] \
            {{ join " " .GroupLabels.Values }} \
            {{ with .CommonLabels.Remove .GroupLabels.Names }}({{ join " " .Values }}){{ end }}
            """),
        ("__description", ""),
        ("__text_alert_list", """
            {{ range . }}Labels:
            {{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
            {{ end }}Annotations:
            {{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
            {{ end }}Source: {{ .GeneratorURL }}
            {{ end }}
            """),
        ("slack.default.title", #"{{ template "__subject" . }}"#),
        ("slack.default.username", #"{{ template "__alertmanager" . }}"#),
        ("slack.default.titlelink", #"{{ template "__alertmanagerURL" . }}"#),
        ("slack.default.fallback", #"{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}"#),
        ("slack.default.pretext", ""),
        ("slack.default.callbackid", ""),
        ("slack.default.iconemoji", ""),
        ("slack.default.iconurl", ""),
        ("slack.default.footer", ""),
        // One paragraph per alert, blank lines between: status, summary (or alert name), description, labels.
        ("slack.default.text", """
            {{ range $i, $alert := .Alerts }}{{ if $i }}

            {{ end }}{{ if eq .Status "firing" }}🔥{{ else }}✅{{ end }} \
            *{{ or .Annotations.summary .Labels.alertname }}*{{ with .Annotations.description }}
            {{ . }}{{ end }}
            Labels:{{ range .Labels.SortedPairs }} `{{ .Name }}={{ .Value }}`{{ end }}{{ end }}
            """),
        ("pagerduty.default.description", #"{{ template "__subject" . }}"#),
        ("pagerduty.default.client", #"{{ template "__alertmanager" . }}"#),
        ("pagerduty.default.clientURL", #"{{ template "__alertmanagerURL" . }}"#),
        ("pagerduty.default.instances", #"{{ template "__text_alert_list" . }}"#),
        ("email.default.subject", #"{{ template "__subject" . }}"#),
    ]

    /// Every definition as one template source, with no text between the `define`s (so it prints nothing).
    public static let text: String = definitions.map { #"{{ define ""# + $0.name + #"" }}"# + $0.text + "{{ end }}" }.joined()

    /// Alertmanager's template functions with `now` for `since`, plus the `Pairs` methods
    /// (`.SortedPairs.Names`, `.SortedPairs.Values`) Alertmanager templates often chain.
    public static func functions(now: Timestamp) -> FunctionSet {
        var set = FunctionSet.alertmanager(now: Date(timeIntervalSince1970: Double(now) / 1000))
        func pairsField(_ field: String) -> TemplateMethod {
            { receiver, args in
                guard case .list(let items) = receiver, args.isEmpty else { return nil }
                var out: [TemplateValue] = []
                for item in items {
                    guard case .map(let pair) = item, let v = pair[field] else { return nil }
                    out.append(v)
                }
                return .list(out)
            }
        }
        set.registerMethod("Names", pairsField("Name"))
        set.registerMethod("Values", pairsField("Value"))
        return set
    }

    /// Renders `source` (a config field such as a Slack `title`) with every default template available, then
    /// `userTemplates` (`AlertmanagerConfig.templateText`). Later definitions replace earlier ones of the same name
    /// (user templates the defaults, `source` both); error positions in `source` refer to `source`.
    public static func render(_ source: String, name: String, data: TemplateValue, functions: FunctionSet,
                              userTemplates: String = "") throws(TemplateError) -> String {
        let prefix = userTemplates.isEmpty ? text : text + userTemplates
        do {
            let template = try Template.parse(name: name, text: prefix + source, functions: functions)
            return try template.execute(data: data)
        } catch {
            throw relocated(error, prefixEnd: userTemplates.isEmpty ? defaultsEnd : end(of: prefix))
        }
    }

    /// Where a source appended to the defaults alone starts.
    private static let defaultsEnd = end(of: text)

    /// Newlines in `prefix`, and the UTF-8 length of its last line: where a source appended to it starts.
    private static func end(of prefix: String) -> (newlines: Int, lastLineBytes: Int) {
        let bytes = Array(prefix.utf8)
        let newlines = bytes.filter { $0 == 0x0A }.count
        let lastLine = bytes.count - ((bytes.lastIndex(of: 0x0A)).map { $0 + 1 } ?? 0)
        return (newlines, lastLine)
    }

    /// Moves an error positioned after the prefix back to its line and column in the caller's source.
    private static func relocated(_ error: TemplateError,
                                  prefixEnd: (newlines: Int, lastLineBytes: Int)) -> TemplateError {
        var e = error
        let (newlines, lastLineBytes) = prefixEnd
        if e.line == newlines + 1 && e.column > lastLineBytes {
            e.line = 1
            e.column -= lastLineBytes
        } else if e.line > newlines + 1 {
            e.line -= newlines
        }
        return e
    }
}
