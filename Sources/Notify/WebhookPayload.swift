import TimeSeries

/// The Alertmanager webhook message, version "4", for one group and one receiver.
public struct WebhookPayload: Sendable {
    /// The receiver name (regex-escaped, as Alertmanager's template data holds it).
    public var receiver: String
    /// `firing` if any alert in the message fires, else `resolved`.
    public var status: NotifyAlert.Status
    /// The alerts sent, in notification order, at most `max_alerts`.
    public var alerts: [NotifyAlert]
    /// The group's `group_by` labels.
    public var groupLabels: Labels
    /// Label pairs shared by every sent alert.
    public var commonLabels: Labels
    /// Annotation pairs shared by every sent alert.
    public var commonAnnotations: Labels
    /// Backlink to the sender.
    public var externalURL: String
    /// `routeKey:groupLabels`.
    public var groupKey: String
    /// Alerts left out by `max_alerts`.
    public var truncatedAlerts: Int

    /// Builds the message for a group; `maxAlerts` 0 keeps every alert.
    public init(receiver: String, groupKey: AlertGroupKey, alerts: [NotifyAlert], externalURL: String, maxAlerts: Int = 0) {
        let ordered = alerts.sorted(by: NotifyAlert.notificationOrder)
        let kept = maxAlerts > 0 && ordered.count > maxAlerts ? Array(ordered.prefix(maxAlerts)) : ordered
        self.receiver = WebhookPayload.quoteMeta(receiver)
        self.alerts = kept
        truncatedAlerts = ordered.count - kept.count
        status = kept.contains { $0.status == .firing } ? .firing : .resolved
        groupLabels = groupKey.groupLabels
        commonLabels = WebhookPayload.common(kept.map(\.labels))
        commonAnnotations = WebhookPayload.common(kept.map(\.annotations))
        self.externalURL = externalURL
        self.groupKey = groupKey.description
    }

    /// The JSON document with Alertmanager's key order.
    public var json: JSONValue {
        .object([
            ("receiver", .string(receiver)),
            ("status", .string(status.rawValue)),
            ("alerts", .array(alerts.map(WebhookPayload.alertJSON))),
            ("groupLabels", WebhookPayload.labelsJSON(groupLabels)),
            ("commonLabels", WebhookPayload.labelsJSON(commonLabels)),
            ("commonAnnotations", WebhookPayload.labelsJSON(commonAnnotations)),
            ("externalURL", .string(externalURL)),
            ("version", .string("4")),
            ("groupKey", .string(groupKey)),
            ("truncatedAlerts", .int(truncatedAlerts)),
        ])
    }

    /// The HTTP body: the JSON plus the newline Go's `json.Encoder` appends.
    public var body: String { json.text + "\n" }

    static func alertJSON(_ a: NotifyAlert) -> JSONValue {
        .object([
            ("status", .string(a.status.rawValue)),
            ("labels", labelsJSON(a.labels)),
            ("annotations", labelsJSON(a.annotations)),
            ("startsAt", .string(rfc3339(a.startsAt))),
            // Alertmanager clears the end of alerts still firing at notification time: only resolved ones carry it.
            ("endsAt", .string(a.status == .firing ? "0001-01-01T00:00:00Z" : a.endsAt.map(rfc3339) ?? "0001-01-01T00:00:00Z")),
            ("generatorURL", .string(a.generatorURL)),
            ("fingerprint", .string(a.fingerprint)),
        ])
    }

    static func labelsJSON(_ labels: Labels) -> JSONValue { .labels(labels.map { ($0.name, $0.value) }) }

    /// Pairs present with the same value in every set (empty for no sets).
    static func common(_ sets: [Labels]) -> Labels {
        guard let first = sets.first else { return .empty }
        return Labels(sortedPairs: first.pairs.filter { p in sets.dropFirst().allSatisfy { $0[p.name] == p.value } })
    }

    /// Go's `regexp.QuoteMeta`.
    static func quoteMeta(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\.+*?()|[]{}^$".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// Go's RFC3339Nano in UTC for a millisecond timestamp (fraction without trailing zeros).
    public static func rfc3339(_ ms: Timestamp) -> String {
        let (secs, milli) = (ms.floorDiv(1000), ms - ms.floorDiv(1000) * 1000)
        let days = secs.floorDiv(86_400)
        let sod = secs - days * 86_400
        // Civil-from-days (proleptic Gregorian), so no Foundation calendar is needed.
        let z = days + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        var out = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(sod / 3600, 2)):\(pad(sod % 3600 / 60, 2)):\(pad(sod % 60, 2))"
        if milli != 0 {
            var frac = pad(milli, 3)
            while frac.hasSuffix("0") { frac.removeLast() }
            out += "." + frac
        }
        return out + "Z"
    }
}

extension Int64 {
    /// Division rounding towards negative infinity.
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
