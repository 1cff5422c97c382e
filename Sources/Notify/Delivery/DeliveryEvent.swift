/// Something a sink worker did, for logs and command output; descriptions never contain URLs or credentials.
public struct DeliveryEvent: Sendable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// Delivered with this HTTP status.
        case delivered(status: Int)
        /// An attempt failed; the notification is tried again after `delay`.
        case retrying(attempt: Int, reason: String, delay: Duration)
        /// Rejected for good (4xx other than 429, or unsendable) and deleted.
        case rejected(reason: String)
        /// Given up (too old, or the integration is no longer configured) and deleted.
        case dropped(reason: String)
        /// The delivery database failed; the worker tries again later.
        case storeFailed(reason: String)
    }

    /// The integration; nil for the service's own work on the database (pruning the notification log).
    public var key: IntegrationKey?
    /// The aggregation group's key (empty for store failures outside a notification).
    public var groupKey: String
    /// What happened.
    public var kind: Kind

    /// Creates an event.
    public init(key: IntegrationKey?, groupKey: String, kind: Kind) {
        self.key = key
        self.groupKey = groupKey
        self.kind = kind
    }

    /// Whether this belongs on an error log rather than an info log.
    public var isError: Bool {
        switch kind {
        case .delivered: false
        case .retrying, .rejected, .dropped, .storeFailed: true
        }
    }

    /// `receiver team-a, webhook[0], group {}:{alertname="X"}: delivered (HTTP 200)`.
    public var description: String {
        let integration = key.map { "receiver \($0.receiver), \($0.kind.rawValue)[\($0.index)]" } ?? "notification log"
        let subject = integration + (groupKey.isEmpty ? "" : ", group \(groupKey)")
        switch kind {
        case .delivered(let status): return "\(subject): delivered (HTTP \(status))"
        case .retrying(let attempt, let reason, let delay):
            return "\(subject): attempt \(attempt) failed: \(reason); retrying in \(DeliveryPolicy.milliseconds(delay)) ms"
        case .rejected(let reason): return "\(subject): not delivered: \(reason); not retried"
        case .dropped(let reason): return "\(subject): dropped: \(reason)"
        case .storeFailed(let reason): return "\(subject): notification database error: \(reason)"
        }
    }
}
