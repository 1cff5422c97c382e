import TimeSeries

/// Alertmanager's dispatcher as a pure state machine: routes alerts into aggregation groups and decides when
/// each group flushes. Time is always passed in (Unix milliseconds), so the same inputs give the same flushes.
///
/// Timing follows Alertmanager: a new group flushes `group_wait` after it was created (at once when one of
/// its alerts already started more than `group_wait` ago), then every `group_interval` whether or not
/// anything changed; deciding whether a flush is worth sending (`repeat_interval`, dedup) is the pipeline's job.
public struct Dispatcher: Sendable {
    /// A read-only view of one aggregation group, for tests and status pages.
    public struct GroupSnapshot: Sendable, Equatable {
        /// The receiver the group's route names.
        public var receiver: String
        /// The group's identity.
        public var key: AlertGroupKey
        /// Fingerprints of the group's alerts, sorted.
        public var fingerprints: [String]
        /// When the group flushes next, Unix milliseconds.
        public var nextFlush: Timestamp
        /// Whether the group has flushed at least once.
        public var hasFlushed: Bool
    }

    /// An aggregation group's identity: sibling routes may share a key but not a receiver.
    struct GroupID: Hashable, Sendable, Comparable {
        var receiver: String
        var key: AlertGroupKey

        static func < (a: GroupID, b: GroupID) -> Bool {
            if a.receiver != b.receiver { return a.receiver < b.receiver }
            return a.key.description < b.key.description
        }
    }

    struct AggregationGroup: Sendable {
        var route: Route
        /// Labels of the member alerts (the alerts themselves live once, in `Dispatcher.alerts`).
        var members: Set<Labels>
        var nextFlush: Timestamp
        var hasFlushed = false
    }

    /// The configuration routing, timing and inhibition come from.
    public let config: AlertmanagerConfig
    /// Every alert some group still holds, by label set (the fingerprint's source).
    private var alerts: [Labels: NotifyAlert] = [:]
    private var aggregationGroups: [GroupID: AggregationGroup] = [:]

    /// Creates an empty dispatcher for `config`.
    public init(config: AlertmanagerConfig) {
        self.config = config
    }

    /// Stores or merges `alerts` (received at `now`) and adds each to the groups its routes put it in.
    public mutating func receive(_ incoming: [NotifyAlert], now: Timestamp) {
        for var alert in incoming {
            if alert.status == .resolved {
                // A sender saying "resolved" means it has ended, whatever end it gives.
                alert.endsAt = min(alert.endsAt ?? now, now)
            } else if alert.endsAt == nil {
                // Alertmanager gives an alert without an end one resolve_timeout from now; a sender that
                // stops re-sending it thereby lets it resolve on its own.
                alert.endsAt = now + config.global.resolveTimeout
            }
            if let existing = alerts[alert.labels], let end = existing.endsAt, end > now {
                // Still active: the update continues the same incident, so its start stays the earliest one.
                alert.startsAt = min(existing.startsAt, alert.startsAt)
            }
            alert.status = alert.endsAt! <= now ? .resolved : .firing
            alerts[alert.labels] = alert
            for route in config.route.match(alert.labels) {
                let id = GroupID(receiver: route.receiver, key: AlertGroupKey(route: route, labels: alert.labels))
                var group = aggregationGroups[id]
                    ?? AggregationGroup(route: route, members: [], nextFlush: now + route.groupWait)
                group.members.insert(alert.labels)
                // An alert that started more than group_wait ago (say, after a restart) is not held back again.
                if !group.hasFlushed && alert.startsAt + route.groupWait < now {
                    group.nextFlush = min(group.nextFlush, now)
                }
                aggregationGroups[id] = group
            }
        }
    }

    /// The earliest time a group is due to flush; nil when there are no groups.
    public var nextDeadline: Timestamp? {
        aggregationGroups.values.map(\.nextFlush).min()
    }

    /// Flushes every group due at `now`: statuses as of `now`, inhibited alerts set apart, alerts in notification
    /// order. Ordered by due time, then receiver and key.
    ///
    /// Resolved alerts stay in their group until `acknowledge` is told the flush was stored, as Alertmanager
    /// deletes them only after a successful flush: if storing fails, the next tick carries them again. Only a
    /// group whose alerts are all inhibited, which emits no flush, drops its resolved alerts here (there is
    /// nothing to store, so nothing to lose; a long-firing inhibitor would otherwise keep them forever).
    public mutating func flushDue(now: Timestamp) -> [GroupFlush] {
        let due = aggregationGroups.filter { $0.value.nextFlush <= now }
            .sorted { a, b in a.value.nextFlush != b.value.nextFlush ? a.value.nextFlush < b.value.nextFlush : a.key < b.key }
        guard !due.isEmpty else { return [] }
        // Inhibition sources are every alert firing now, whichever group holds it and whether or not it is
        // itself inhibited, as Alertmanager's inhibitor sees the whole alert store.
        let firing = alerts.values.filter { Dispatcher.status($0, at: now) == .firing }.map(\.labels)
        var flushes: [GroupFlush] = []
        var removedAny = false
        for (id, var group) in due {
            var members: [NotifyAlert] = []
            for labels in group.members {
                guard var alert = alerts[labels] else { continue }
                alert.status = Dispatcher.status(alert, at: now)
                members.append(alert)
            }
            let (inhibited, notified) = members.sorted(by: NotifyAlert.notificationOrder)
                .reduce(into: ([NotifyAlert](), [NotifyAlert]())) { parts, alert in
                    if config.isInhibited(alert.labels, by: firing) { parts.0.append(alert) } else { parts.1.append(alert) }
                }
            if !notified.isEmpty {
                flushes.append(GroupFlush(receiver: id.receiver, key: id.key, alerts: notified,
                                          repeatInterval: group.route.repeatInterval, at: now, inhibited: inhibited))
            } else {
                for alert in inhibited where alert.status == .resolved {
                    group.members.remove(alert.labels)
                    removedAny = true
                }
            }
            group.hasFlushed = true
            group.nextFlush = Dispatcher.nextTick(after: group.nextFlush, every: group.route.groupInterval, now: now)
            aggregationGroups[id] = group.members.isEmpty ? nil : group
        }
        if removedAny { forgetUngroupedAlerts() }
        return flushes
    }

    /// Records that `flushes` were stored: removes from each flushed group the resolved alerts the flush carried
    /// (notified or inhibited) that are unchanged since (same start and end, so still resolved), deletes groups
    /// left empty and forgets alerts no group holds. An alert that fired again meanwhile stays.
    public mutating func acknowledge(_ flushes: [GroupFlush]) {
        var removedAny = false
        for flush in flushes {
            let id = GroupID(receiver: flush.receiver, key: flush.key)
            guard var group = aggregationGroups[id] else { continue }
            for flushed in flush.alerts + flush.inhibited where flushed.status == .resolved {
                guard group.members.contains(flushed.labels), let current = alerts[flushed.labels],
                      current.startsAt == flushed.startsAt, current.endsAt == flushed.endsAt,
                      Dispatcher.status(current, at: flush.at) == .resolved
                else { continue }
                group.members.remove(flushed.labels)
                removedAny = true
            }
            aggregationGroups[id] = group.members.isEmpty ? nil : group
        }
        if removedAny { forgetUngroupedAlerts() }
    }

    /// Every group, ordered by receiver then key.
    public var groups: [GroupSnapshot] {
        aggregationGroups.sorted { $0.key < $1.key }.map { id, group in
            GroupSnapshot(receiver: id.receiver, key: id.key,
                          fingerprints: group.members.compactMap { alerts[$0]?.fingerprint }.sorted(),
                          nextFlush: group.nextFlush, hasFlushed: group.hasFlushed)
        }
    }

    /// Every alert some group holds, with its status as of `now`, in notification order.
    public func alerts(at now: Timestamp) -> [NotifyAlert] {
        alerts.values.map { alert in
            var a = alert
            a.status = Dispatcher.status(alert, at: now)
            return a
        }.sorted(by: NotifyAlert.notificationOrder)
    }

    /// `due + interval`, or the first later tick on that grid after `now` when the flush ran that late, so a
    /// stalled loop does not fire a burst of catch-up flushes.
    static func nextTick(after due: Timestamp, every interval: Int64, now: Timestamp) -> Timestamp {
        let step = max(interval, 1)
        let next = due + step
        guard next <= now else { return next }
        return next + ((now - next) / step + 1) * step
    }

    /// Resolved once its end has passed (an end equal to `now` counts as passed, as in Alertmanager).
    static func status(_ alert: NotifyAlert, at now: Timestamp) -> NotifyAlert.Status {
        guard let end = alert.endsAt else { return .firing }
        return end <= now ? .resolved : .firing
    }

    private mutating func forgetUngroupedAlerts() {
        var held: Set<Labels> = []
        for group in aggregationGroups.values { held.formUnion(group.members) }
        alerts = alerts.filter { held.contains($0.key) }
    }
}
