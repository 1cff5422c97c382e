import Template
import TimeSeries

/// Alertmanager's notification template data (`template.Data`) for one group sent to one receiver:
/// `.Receiver`, `.Status`, `.Alerts`, `.GroupLabels`, `.CommonLabels`, `.CommonAnnotations`, `.ExternalURL`.
public struct NotificationTemplateData: Sendable {
    /// The same fields the webhook message carries, computed the same way.
    public var payload: WebhookPayload

    /// The data for `alerts` of the group `groupKey` sent to `receiver`.
    public init(receiver: String, groupKey: AlertGroupKey, alerts: [NotifyAlert], externalURL: String) {
        payload = WebhookPayload(receiver: receiver, groupKey: groupKey, alerts: alerts, externalURL: externalURL)
    }

    /// The data as a template value. `.Alerts.Firing`/`.Resolved` and the label-map methods (`.SortedPairs`,
    /// `.Names`, `.Values`, `.Remove`) come from `FunctionSet.alertmanager`.
    public var value: TemplateValue {
        .map([
            "Receiver": .string(payload.receiver),
            "Status": .string(payload.status.rawValue),
            "Alerts": .list(payload.alerts.map(NotificationTemplateData.alertValue)),
            "GroupLabels": NotificationTemplateData.labelsValue(payload.groupLabels),
            "CommonLabels": NotificationTemplateData.labelsValue(payload.commonLabels),
            "CommonAnnotations": NotificationTemplateData.labelsValue(payload.commonAnnotations),
            "ExternalURL": .string(payload.externalURL),
        ])
    }

    /// One alert as `template.Alert`: `.Status .Labels .Annotations .StartsAt .EndsAt .GeneratorURL .Fingerprint`.
    public static func alertValue(_ alert: NotifyAlert) -> TemplateValue {
        .map([
            "Status": .string(alert.status.rawValue),
            "Labels": labelsValue(alert.labels),
            "Annotations": labelsValue(alert.annotations),
            "StartsAt": timeValue(alert.startsAt),
            // A firing alert's end (resolve_timeout, or the sender's guess) is not shown: Alertmanager's template data,
            // like the webhook payload, has Go's zero time there (Int64.min nanoseconds in the Template module).
            "EndsAt": alert.status == .firing ? .time(nanoseconds: .min) : alert.endsAt.map(timeValue) ?? .time(nanoseconds: .min),
            "GeneratorURL": .string(alert.generatorURL),
            "Fingerprint": .string(alert.fingerprint),
        ])
    }

    /// A label set as a Go `map[string]string`.
    public static func labelsValue(_ labels: Labels) -> TemplateValue {
        .map(Dictionary(uniqueKeysWithValues: labels.map { ($0.name, TemplateValue.string($0.value)) }))
    }

    /// A Unix-millisecond timestamp as a `time.Time`.
    static func timeValue(_ ms: Timestamp) -> TemplateValue {
        let (ns, overflow) = ms.multipliedReportingOverflow(by: 1_000_000)
        return .time(nanoseconds: overflow ? (ms < 0 ? .min + 1 : .max) : ns)
    }
}
