import Foundation
import SQLite

/// The delivery database: notification log and outbox in one SQLite file, so enqueueing a notification and
/// recording it in the log commit together.
///
/// One connection behind a lock: every operation is a few rows, and the lock keeps the NOMUTEX connection on one
/// thread at a time while letting the pipeline write synchronously from any context.
public final class DeliveryStore: @unchecked Sendable {
    /// 'VGLN', telling this file apart from Vigil's time-series database and other programs' files.
    static let applicationID: Int32 = 0x5647_4C4E
    /// The schema version this Vigil writes (`PRAGMA user_version`).
    public static let schemaVersion: Int32 = 2

    static let migrations: [Int32: String] = [
        1: """
        CREATE TABLE notification_log (
            receiver TEXT NOT NULL, integration TEXT NOT NULL, idx INTEGER NOT NULL, group_key TEXT NOT NULL,
            firing TEXT NOT NULL, resolved TEXT NOT NULL, notified_at INTEGER NOT NULL,
            PRIMARY KEY (receiver, integration, idx, group_key)) WITHOUT ROWID;
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            receiver TEXT NOT NULL,
            integration TEXT NOT NULL CHECK (integration IN ('webhook', 'slack', 'pagerduty')),
            idx INTEGER NOT NULL, group_key TEXT NOT NULL, body BLOB NOT NULL, created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL);
        CREATE INDEX outbox_by_integration ON outbox (receiver, integration, idx, id);
        """,
        // The flush time of the log entry a row wrote, so a row that is never delivered can take its entry back.
        2: "ALTER TABLE outbox ADD COLUMN log_notified_at INTEGER;",
    ]

    /// The database file.
    public let path: String
    private let lock = NSLock()
    private let database: Database

    /// Opens (creating when missing) and migrates the database at `path`; refuses foreign and newer files.
    public init(path: String) throws(DeliveryStoreError) {
        self.path = path
        do {
            // FULL: a notification the pipeline reported as stored must survive power loss, not only a crash.
            database = try Database(path: path, options: .init(synchronous: .full))
            try Self.migrate(database, path: path)
        } catch let error as DeliveryStoreError {
            throw error
        } catch let error as SQLiteError {
            if error.resultCode ~= ResultCode.notADatabase {
                throw .notDeliveryDatabase(path: path, detail: "not an SQLite file")
            }
            throw .sqlite(path: path, error)
        } catch {
            throw .sqlite(path: path, SQLiteError(code: 1, message: "\(error)"))
        }
    }

    /// Creates or upgrades the schema in one transaction per version.
    static func migrate(_ db: Database, path: String) throws {
        let app = Int32(truncatingIfNeeded: try db.prepare("PRAGMA application_id").fetchOne { $0.int64(at: 0) } ?? 0)
        let current = try db.userVersion()
        if app != 0 && app != applicationID {
            throw DeliveryStoreError.notDeliveryDatabase(path: path, detail: "application_id is \(app)")
        }
        if current > schemaVersion {
            throw DeliveryStoreError.newerSchema(path: path, found: current, supported: schemaVersion)
        }
        if app == 0 && current == 0 {
            let tables = try db.prepare("SELECT count(*) FROM sqlite_master").fetchOne { $0.int64(at: 0) } ?? 0
            if tables > 0 { throw DeliveryStoreError.notDeliveryDatabase(path: path, detail: "it holds \(tables) other tables") }
        }
        var version = current
        while version < schemaVersion, let sql = migrations[version + 1] {
            try db.transaction(.immediate) { db in
                try db.execute(sql)
                try db.execute("PRAGMA application_id = \(applicationID)")
                try db.setUserVersion(version + 1)
            }
            version += 1
        }
    }

    /// Runs `body` in one immediate transaction: everything it writes commits together or not at all.
    public func transaction<T>(_ body: (NotificationLog, Outbox) throws -> T) throws -> T {
        try lock.withLock {
            try database.transaction(.immediate) { db in try body(NotificationLog(database: db), Outbox(database: db)) }
        }
    }

    /// Runs `body` on the connection without an explicit transaction (each statement commits on its own).
    public func access<T>(_ body: (NotificationLog, Outbox) throws -> T) throws -> T {
        try lock.withLock { try body(NotificationLog(database: database), Outbox(database: database)) }
    }

    /// How many notifications wait in the outbox.
    public func pendingCount() throws -> Int { try access { _, outbox in try outbox.count() } }

    /// Every waiting notification, oldest first.
    public func pending() throws -> [Outbox.Row] { try access { _, outbox in try outbox.all() } }

    /// Closes the connection; later operations throw.
    public func close() { lock.withLock { database.close() } }
}
