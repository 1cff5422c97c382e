import SQLite
import TimeSeries

/// What was last notified per integration and aggregation group (Alertmanager's nflog), in the delivery database.
///
/// A view over the store's connection, used only inside `DeliveryStore`'s lock.
public struct NotificationLog {
    /// One entry: the alerts the last notification reported as firing and as resolved, and when.
    public struct Entry: Sendable, Equatable {
        /// Fingerprints of the alerts notified as firing.
        public var firing: Set<String>
        /// Fingerprints of the alerts notified as resolved.
        public var resolved: Set<String>
        /// The flush time of the notification, Unix milliseconds. The entry is written when the notification is
        /// enqueued and removed again if it is rejected or given up, so it stands for a delivered or pending one.
        public var notifiedAt: Timestamp

        /// Creates an entry.
        public init(firing: Set<String>, resolved: Set<String>, notifiedAt: Timestamp) {
            self.firing = firing
            self.resolved = resolved
            self.notifiedAt = notifiedAt
        }
    }

    let database: Database

    /// The entry for `groupKey` on the integration `key`, or nil when that group was never notified there.
    public func entry(_ key: IntegrationKey, groupKey: String) throws -> Entry? {
        let statement = try database.cachedStatement("""
            SELECT firing, resolved, notified_at FROM notification_log
            WHERE receiver = ? AND integration = ? AND idx = ? AND group_key = ?
            """)
        return try statement.fetchOne(Self.identity(key, groupKey)) { row in
            Entry(firing: Self.decode(row.string(at: 0)), resolved: Self.decode(row.string(at: 1)), notifiedAt: row.int64(at: 2))
        }
    }

    /// Stores `entry` as the latest notification of `groupKey` on `key`.
    public func record(_ entry: Entry, for key: IntegrationKey, groupKey: String) throws {
        let statement = try database.cachedStatement("""
            INSERT INTO notification_log (receiver, integration, idx, group_key, firing, resolved, notified_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (receiver, integration, idx, group_key)
            DO UPDATE SET firing = excluded.firing, resolved = excluded.resolved, notified_at = excluded.notified_at
            """)
        try statement.execute(Self.identity(key, groupKey)
            + [.text(Self.encode(entry.firing)), .text(Self.encode(entry.resolved)), .integer(entry.notifiedAt)])
    }

    /// Forgets `groupKey` on `key`, as after an all-resolved flush that sent nothing.
    public func remove(_ key: IntegrationKey, groupKey: String) throws {
        try database.cachedStatement("""
            DELETE FROM notification_log WHERE receiver = ? AND integration = ? AND idx = ? AND group_key = ?
            """).execute(Self.identity(key, groupKey))
    }

    /// Forgets `groupKey` on `key` only if its entry is still the one notified at `notifiedAt`: a notification
    /// that was never delivered takes back its own entry, never a newer notification's. Returns whether it did.
    @discardableResult
    public func remove(_ key: IntegrationKey, groupKey: String, ifNotifiedAt notifiedAt: Timestamp) throws -> Bool {
        try database.cachedStatement("""
            DELETE FROM notification_log
            WHERE receiver = ? AND integration = ? AND idx = ? AND group_key = ? AND notified_at = ?
            """).execute(Self.identity(key, groupKey) + [.integer(notifiedAt)])
        return database.changes > 0
    }

    /// Deletes entries last notified before `cutoff` (Alertmanager keeps its log for a retention period too);
    /// returns how many. A group whose entry is gone is notified again at its next flush if it still fires.
    @discardableResult
    public func prune(notifiedBefore cutoff: Timestamp) throws -> Int {
        try database.cachedStatement("DELETE FROM notification_log WHERE notified_at < ?").execute([.integer(cutoff)])
        return database.changes
    }

    static func identity(_ key: IntegrationKey, _ groupKey: String) -> [SQLValue] {
        [.text(key.receiver), .text(key.kind.rawValue), .integer(Int64(key.index)), .text(groupKey)]
    }

    /// Fingerprints are 16 hex digits, so a sorted comma-separated list is unambiguous and stable.
    static func encode(_ set: Set<String>) -> String { set.sorted().joined(separator: ",") }

    static func decode(_ text: String) -> Set<String> {
        Set(text.split(separator: ",").map(String.init))
    }
}
