import TimeSeries

/// Decides, per evaluation, which active alerts go to Alertmanager and with what `endsAt`, as Prometheus does.
///
/// A firing alert is sent when it starts firing and again whenever more than `resendDelay` has passed since its
/// last send, with `endsAt = now + 4 × max(resendDelay, evaluation interval)` so that Alertmanager resolves it
/// by itself if Vigil stops sending. A resolved alert is sent at the first evaluation after it resolved, then
/// every `resendDelay` while the evaluator keeps it (Prometheus keeps resolved alerts 15 minutes), always with
/// `endsAt` = its resolve time.
public struct AlertResendSchedule: Sendable {
    /// Prometheus's `--rules.alert.resend-delay` (default 1m), milliseconds.
    public var resendDelay: Int64
    /// Last send time per alert; an alert that fires again after resolving has a new `startsAt`, so a new entry.
    private var lastSent: [Key: Timestamp] = [:]

    private struct Key: Hashable {
        var labels: Labels
        var startsAt: Timestamp
    }

    /// Prometheus's default resend delay.
    public static let defaultResendDelay: Int64 = 60_000

    /// Creates an empty schedule.
    public init(resendDelay: Int64 = defaultResendDelay) {
        self.resendDelay = resendDelay
    }

    /// The alerts to send at `now`, given every active alert of the evaluation (firing ones and the resolved ones
    /// still kept; not pending ones) and the evaluation interval in milliseconds. Alerts absent from `alerts` are
    /// forgotten.
    public mutating func due(_ alerts: [NotifyAlert], at now: Timestamp, interval: Int64) -> [PostableAlert] {
        var kept: [Key: Timestamp] = [:]
        var out: [PostableAlert] = []
        let validity = 4 * max(resendDelay, interval)
        for alert in alerts {
            let key = Key(labels: alert.labels, startsAt: alert.startsAt)
            guard kept[key] == nil else { continue }
            let last = lastSent[key]
            let resolvedAt: Timestamp? = alert.status == .resolved ? (alert.endsAt ?? now) : nil
            let needsSending: Bool
            if let last {
                // A resolution not yet announced goes out at once; otherwise wait out the resend delay.
                needsSending = (resolvedAt.map { $0 > last } ?? false) || last + resendDelay < now
            } else {
                needsSending = true
            }
            guard needsSending else {
                kept[key] = last
                continue
            }
            kept[key] = now
            out.append(PostableAlert(
                labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt,
                endsAt: resolvedAt ?? now + validity, generatorURL: alert.generatorURL))
        }
        lastSent = kept
        return out
    }
}
