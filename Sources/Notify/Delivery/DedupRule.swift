import TimeSeries

/// Alertmanager's dedup decision (`DedupStage.needsUpdate`): whether a group flush must be notified through an
/// integration, given what the notification log says was notified last.
public enum DedupRule {
    /// Why a notification goes out.
    public enum Reason: String, Sendable, Equatable {
        /// The group was never notified (or its entry was cleared) and has firing alerts.
        case firstNotification = "first notification"
        /// An alert fires that the last notification did not report as firing.
        case newFiringAlerts = "new alerts in group"
        /// Every alert has resolved since a notification that reported some as firing.
        case allResolved = "all alerts resolved"
        /// With `send_resolved`, an alert resolved that the last notification did not report as resolved.
        case newResolvedAlerts = "some alerts resolved"
        /// Nothing changed but the group still fires and `repeat_interval` has passed.
        case repeatIntervalElapsed = "repeat interval elapsed"
    }

    /// The reason to notify, or nil to stay silent.
    ///
    /// - `previous` nil: notify only when something fires (never for a group that only resolved).
    /// - A firing alert not in `previous.firing`: notify.
    /// - Nothing firing: notify only if the last notification had firing alerts; this happens even without
    ///   `send_resolved`, so that the log is cleared (the integration then sends nothing).
    /// - With `send_resolved`, a resolved alert not in `previous.resolved`: notify.
    /// - Otherwise notify once `repeatInterval` ms have passed since `previous.notifiedAt` (strictly more).
    public static func reason(
        previous: NotificationLog.Entry?, firing: Set<String>, resolved: Set<String>, sendResolved: Bool,
        repeatInterval: Int64, now: Timestamp
    ) -> Reason? {
        guard let previous else { return firing.isEmpty ? nil : .firstNotification }
        if !firing.isSubset(of: previous.firing) {
            return previous.firing.isEmpty ? .firstNotification : .newFiringAlerts
        }
        if firing.isEmpty {
            // Alerts that fired and resolved between two flushes were never notified: nothing to tell.
            return previous.firing.isEmpty ? nil : .allResolved
        }
        if sendResolved && !resolved.isSubset(of: previous.resolved) { return .newResolvedAlerts }
        return previous.notifiedAt < now - repeatInterval ? .repeatIntervalElapsed : nil
    }
}
