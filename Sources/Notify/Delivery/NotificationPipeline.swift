import Foundation
import TimeSeries

/// Turns group flushes into stored notifications: render, dedup against the notification log, enqueue.
///
/// `submit` is synchronous and returns once the flush's notifications are committed, so a crash afterwards
/// still delivers them (outbox) and a restart never enqueues them again (log). The log entry is written with the
/// outbox row and taken back if the row is rejected or given up (see `SinkWorker`), so in the end the log holds
/// only notifications that were delivered or are still pending, as Alertmanager's does.
public struct NotificationPipeline: Sendable {
    /// A flush named a receiver the config does not have (the dispatcher and the pipeline disagree on the config).
    public struct UnknownReceiverError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The receiver name.
        public var receiver: String
        public var description: String { "no receiver named \"\(receiver)\" in the notification config" }
    }

    /// The config whose receivers are rendered.
    public let config: AlertmanagerConfig
    /// Where notifications and the log are stored.
    public let store: DeliveryStore
    /// The `externalURL` put in payloads.
    public let externalURL: String
    private let enqueued: @Sendable (IntegrationKey) -> Void

    /// Creates a pipeline; `enqueued` is called after commit for each integration that got a notification
    /// (pass `DeliveryService.wake`).
    public init(
        config: AlertmanagerConfig, store: DeliveryStore, externalURL: String,
        enqueued: @escaping @Sendable (IntegrationKey) -> Void = { _ in }
    ) {
        self.config = config
        self.store = store
        self.externalURL = externalURL
        self.enqueued = enqueued
    }

    /// Renders and dedups `flush` for each integration of its receiver and stores what must be sent, all in one
    /// transaction; returns the integrations that got a notification.
    @discardableResult
    public func submit(_ flush: GroupFlush) throws -> [IntegrationKey] {
        guard let receiver = config.receiver(named: flush.receiver) else {
            throw UnknownReceiverError(receiver: flush.receiver)
        }
        let group = NotificationPlan.Group(receiver: flush.receiver, key: flush.key, alerts: flush.alerts)
        let rendered = NotificationPlan.entries(group, receiver, externalURL, templates: config.templateText,
                                                 now: flush.at)
        var firing: Set<String> = []
        var resolved: Set<String> = []
        for alert in flush.alerts {
            if alert.status == .firing { firing.insert(alert.fingerprint) } else { resolved.insert(alert.fingerprint) }
        }
        let groupKey = flush.key.description
        let now = Self.wallClock()
        let keys = try store.transaction { log, outbox -> [IntegrationKey] in
            var keys: [IntegrationKey] = []
            for (key, sendResolved) in IntegrationKey.integrations(of: receiver) {
                let previous = try log.entry(key, groupKey: groupKey)
                guard DedupRule.reason(previous: previous, firing: firing, resolved: resolved, sendResolved: sendResolved,
                                       repeatInterval: flush.repeatInterval, now: flush.at) != nil
                else { continue }
                guard let entry = rendered.first(where: { $0.integration == key.kind.rawValue && $0.index == key.index }) else {
                    // All resolved without send_resolved: nothing goes out, and the group starts afresh.
                    try log.remove(key, groupKey: groupKey)
                    continue
                }
                // Go's json.Encoder ends every body with a newline; Alertmanager's receivers see it too.
                try outbox.insert(key, groupKey: groupKey, body: Array((entry.payload.text + "\n").utf8), createdAt: now,
                                  logNotifiedAt: flush.at)
                try log.record(.init(firing: firing, resolved: resolved, notifiedAt: flush.at), for: key, groupKey: groupKey)
                keys.append(key)
            }
            return keys
        }
        for key in keys { enqueued(key) }
        return keys
    }

    /// Unix milliseconds now.
    static func wallClock() -> Timestamp {
        Timestamp((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
