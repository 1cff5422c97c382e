import SQLite
import TimeSeries

/// Notifications waiting to be delivered, oldest first per integration, in the delivery database.
///
/// Every notification is stored here before it is sent and deleted only once it was delivered, rejected or
/// given up, so a crash at any point loses none. A view over the store's connection, used only inside
/// `DeliveryStore`'s lock.
public struct Outbox {
    /// One stored notification.
    public struct Row: Sendable, Equatable {
        /// Insertion order, never reused (AUTOINCREMENT), so "oldest first" survives restarts.
        public var id: Int64
        /// The integration it goes to.
        public var key: IntegrationKey
        /// The aggregation group's key, for logs.
        public var groupKey: String
        /// The exact HTTP body (for PagerDuty with the routing key still redacted).
        public var body: [UInt8]
        /// When it was enqueued, Unix milliseconds; the give-up age counts from here.
        public var createdAt: Timestamp
        /// Failed attempts so far.
        public var attempts: Int
        /// Not to be tried before this time, Unix milliseconds.
        public var nextAttemptAt: Timestamp
        /// The `notifiedAt` of the log entry enqueueing this row wrote (nil for rows stored before schema 2):
        /// if the row is never delivered, that entry is removed unless a newer notification has replaced it.
        public var logNotifiedAt: Timestamp?
    }

    let database: Database

    static let columns =
        "id, receiver, integration, idx, group_key, body, created_at, attempts, next_attempt_at, log_notified_at"

    /// Appends a notification for `key`, which wrote the log entry notified at `logNotifiedAt`; returns its id.
    @discardableResult
    public func insert(
        _ key: IntegrationKey, groupKey: String, body: [UInt8], createdAt: Timestamp, logNotifiedAt: Timestamp? = nil
    ) throws -> Int64 {
        try database.cachedStatement("""
            INSERT INTO outbox (receiver, integration, idx, group_key, body, created_at, attempts, next_attempt_at,
                                log_notified_at)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
            """).execute(NotificationLog.identity(key, groupKey) + [
                .blob(body), .integer(createdAt), .integer(createdAt), logNotifiedAt.map(SQLValue.integer) ?? .null,
            ])
        return database.lastInsertRowID
    }

    /// The oldest notification waiting for `key`.
    public func oldest(for key: IntegrationKey) throws -> Row? {
        let statement = try database.cachedStatement("""
            SELECT \(Self.columns) FROM outbox WHERE receiver = ? AND integration = ? AND idx = ? ORDER BY id LIMIT 1
            """)
        return try statement.fetchOne([.text(key.receiver), .text(key.kind.rawValue), .integer(Int64(key.index))], Self.row) ?? nil
    }

    /// Every waiting notification, oldest first.
    public func all() throws -> [Row] {
        try database.cachedStatement("SELECT \(Self.columns) FROM outbox ORDER BY id").fetchAll([], Self.row).compactMap { $0 }
    }

    /// How many notifications wait.
    public func count() throws -> Int {
        try database.cachedStatement("SELECT count(*) FROM outbox").fetchOne { $0.int(at: 0) } ?? 0
    }

    /// Removes a notification (delivered, rejected or given up).
    public func delete(id: Int64) throws {
        try database.cachedStatement("DELETE FROM outbox WHERE id = ?").execute([.integer(id)])
    }

    /// Records a failed attempt and when to try again.
    public func reschedule(id: Int64, attempts: Int, nextAttemptAt: Timestamp) throws {
        try database.cachedStatement("UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?")
            .execute([.integer(Int64(attempts)), .integer(nextAttemptAt), .integer(id)])
    }

    /// nil only for an integration name the schema's CHECK constraint keeps out.
    static func row(_ r: SQLite.Row) -> Row? {
        guard let kind = IntegrationKey.Kind(rawValue: r.string(at: 2)) else { return nil }
        return Row(
            id: r.int64(at: 0), key: IntegrationKey(receiver: r.string(at: 1), kind: kind, index: r.int(at: 3)),
            groupKey: r.string(at: 4), body: r.blob(at: 5), createdAt: r.int64(at: 6), attempts: r.int(at: 7),
            nextAttemptAt: r.int64(at: 8), logNotifiedAt: r.isNull(at: 9) ? nil : r.int64(at: 9))
    }
}
