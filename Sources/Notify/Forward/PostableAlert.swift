import TimeSeries

/// An alert as Prometheus posts it to Alertmanager's `POST /api/v2/alerts`.
public struct PostableAlert: Sendable, Hashable {
    /// Identity labels.
    public var labels: Labels
    /// Descriptive annotations.
    public var annotations: Labels
    /// When the alert started firing, Unix milliseconds.
    public var startsAt: Timestamp
    /// The resolve time, or for a firing alert how long it stays valid without a resend, Unix milliseconds.
    public var endsAt: Timestamp
    /// Link back to the rule's expression (omitted from the JSON when empty, as Prometheus does).
    public var generatorURL: String

    /// Creates an alert.
    public init(labels: Labels, annotations: Labels = .empty, startsAt: Timestamp, endsAt: Timestamp, generatorURL: String = "") {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// `{labels, annotations, startsAt, endsAt, generatorURL}` in Prometheus's field order, times as Go's RFC3339Nano.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("labels", WebhookPayload.labelsJSON(labels)),
            ("annotations", WebhookPayload.labelsJSON(annotations)),
            ("startsAt", .string(WebhookPayload.rfc3339(startsAt))),
            ("endsAt", .string(WebhookPayload.rfc3339(endsAt))),
        ]
        if !generatorURL.isEmpty { fields.append(("generatorURL", .string(generatorURL))) }
        return .object(fields)
    }

    /// The request body for a batch: a JSON array.
    public static func body(_ alerts: some Sequence<PostableAlert>) -> [UInt8] {
        Array(JSONValue.array(alerts.map(\.json)).text.utf8)
    }
}
