extension Database {
    /// How a database is opened and configured.
    public struct OpenOptions: Sendable {
        /// Open read-only (no journal-mode change, writes fail with SQLITE_READONLY).
        public var readOnly: Bool
        /// Create the file when it does not exist (ignored when `readOnly`).
        public var create: Bool
        /// `PRAGMA synchronous`; `.normal` is durable to application crashes in WAL mode, `.full` also to power loss.
        public var synchronous: Synchronous
        /// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
        public var busyTimeout: Duration
        /// `PRAGMA foreign_keys`.
        public var foreignKeys: Bool
        /// Most statements kept by `cachedStatement(_:)`; the cache is emptied when it would grow past this.
        public var statementCacheCapacity: Int
        /// `PRAGMA page_size` for a file created by this open (a power of two from 512 to 65536); an existing
        /// file keeps its own. Nil leaves SQLite's default.
        public var pageSize: Int?

        /// Defaults: read-write, create, WAL, `synchronous=NORMAL`, 5 s busy timeout, foreign keys, 256 statements.
        public init(
            readOnly: Bool = false, create: Bool = true, synchronous: Synchronous = .normal,
            busyTimeout: Duration = .seconds(5), foreignKeys: Bool = true, statementCacheCapacity: Int = 256
        ) {
            self.readOnly = readOnly
            self.create = create
            self.synchronous = synchronous
            self.busyTimeout = busyTimeout
            self.foreignKeys = foreignKeys
            self.statementCacheCapacity = statementCacheCapacity
        }

        /// The busy timeout in whole milliseconds, clamped to what sqlite3_busy_timeout accepts.
        var busyTimeoutMilliseconds: Int32 {
            let (seconds, attoseconds) = busyTimeout.components
            let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
            guard !milliseconds.overflow else { return seconds < 0 ? 0 : .max }
            return Int32(clamping: max(0, milliseconds.partialValue + attoseconds / 1_000_000_000_000_000))
        }
    }

    /// `PRAGMA synchronous` levels.
    public enum Synchronous: String, Sendable {
        case off = "OFF"
        case normal = "NORMAL"
        case full = "FULL"
        case extra = "EXTRA"
    }
}
