import Foundation

/// Delivery counts per receiver and integration kind, for `/metrics`.
///
/// Every notification ends exactly once as `sent`, `failed` or `dropped`; `retried` counts attempts:
/// - `sent`: delivered (the sink answered 2xx);
/// - `failed`: rejected for good (a 4xx other than 429, or a body that cannot be sent) and deleted unsent,
///   as Alertmanager does not retry those;
/// - `retried`: failed attempts that were scheduled again (5xx, 429, timeout, connection error, unreadable
///   URL or credential file);
/// - `dropped`: abandoned unsent without a rejection: older than the give-up age, or its integration is no
///   longer in the config.
public final class DeliveryCounters: @unchecked Sendable {
    /// Counters are kept per receiver and integration kind (not per index, like Alertmanager's metrics).
    public struct Key: Sendable, Hashable, Comparable {
        /// The receiver name.
        public var receiver: String
        /// The integration kind.
        public var integration: IntegrationKey.Kind

        /// Creates a key.
        public init(receiver: String, integration: IntegrationKey.Kind) {
            self.receiver = receiver
            self.integration = integration
        }

        public static func < (a: Key, b: Key) -> Bool { (a.receiver, a.integration) < (b.receiver, b.integration) }
    }

    /// One key's totals.
    public struct Counts: Sendable, Equatable {
        /// Notifications delivered.
        public var sent = 0
        /// Notifications rejected for good.
        public var failed = 0
        /// Failed attempts that will be retried.
        public var retried = 0
        /// Notifications given up.
        public var dropped = 0

        /// Creates counts.
        public init(sent: Int = 0, failed: Int = 0, retried: Int = 0, dropped: Int = 0) {
            self.sent = sent
            self.failed = failed
            self.retried = retried
            self.dropped = dropped
        }
    }

    private let lock = NSLock()
    private var counts: [Key: Counts] = [:]

    /// Creates empty counters.
    public init() {}

    /// Adds to the counts of `key`'s receiver and kind.
    func record(_ key: IntegrationKey, _ update: (inout Counts) -> Void) {
        let k = Key(receiver: key.receiver, integration: key.kind)
        lock.withLock { update(&counts[k, default: Counts()]) }
    }

    /// Makes `keys` appear (at zero) in snapshots, so every configured integration is exported.
    func register(_ keys: [IntegrationKey]) {
        lock.withLock {
            for key in keys where counts[Key(receiver: key.receiver, integration: key.kind)] == nil {
                counts[Key(receiver: key.receiver, integration: key.kind)] = Counts()
            }
        }
    }

    /// The current totals.
    public func snapshot() -> [Key: Counts] { lock.withLock { counts } }

    /// The current totals of one receiver and kind (zero when never counted).
    public func counts(receiver: String, integration: IntegrationKey.Kind) -> Counts {
        lock.withLock { counts[Key(receiver: receiver, integration: integration)] ?? Counts() }
    }
}
