import TimeSeries

/// One aggregation group at flush time: what the dispatcher hands to the notification pipeline.
///
/// This is the seam between grouping/timing (`Dispatch/`) and dedup/render/outbox/delivery (`Delivery/`).
public struct GroupFlush: Sendable, Equatable {
    /// The receiver the group's route names.
    public var receiver: String
    /// The group's identity.
    public var key: AlertGroupKey
    /// The group's alerts after inhibition, in notification order, with status as of `at`.
    public var alerts: [NotifyAlert]
    /// The route's `repeat_interval` in milliseconds: the pipeline re-sends an unchanged firing group after it.
    public var repeatInterval: Int64
    /// When the flush happened, Unix milliseconds.
    public var at: Timestamp
    /// The group's alerts muted by inhibition, with status as of `at`: not notified, but acknowledging the flush
    /// (`Dispatcher.acknowledge`) removes the resolved ones from the group like the notified ones.
    public var inhibited: [NotifyAlert]

    /// Creates a flush.
    public init(
        receiver: String, key: AlertGroupKey, alerts: [NotifyAlert], repeatInterval: Int64, at: Timestamp,
        inhibited: [NotifyAlert] = []
    ) {
        self.receiver = receiver
        self.key = key
        self.alerts = alerts
        self.repeatInterval = repeatInterval
        self.at = at
        self.inhibited = inhibited
    }
}
