import CSQLite

/// A connection to one SQLite database file.
///
/// Threading rule: the connection is opened with SQLITE_OPEN_NOMUTEX, so SQLite does not serialise calls on it.
/// A `Database` and every `Statement` it prepared must be used by one actor or thread at a time; hand the
/// `Database` over only together with its statements. Open one `Database` per concurrent reader/writer: WAL mode
/// lets many readers run beside the single writer.
public final class Database {
    /// The file path (or `:memory:`) this connection was opened with.
    public let path: String
    /// The options this connection was opened with.
    public let options: OpenOptions

    /// The sqlite3 handle; nil once closed.
    private(set) var connection: OpaquePointer?
    var statementCache: StatementCache

    /// Opens (and by default creates) the database, then applies WAL, `synchronous`, busy timeout and foreign keys.
    ///
    /// A file that is not a SQLite database fails here with SQLITE_NOTADB, when the journal mode is first read.
    public init(path: String, options: OpenOptions = OpenOptions()) throws {
        self.path = path
        self.options = options
        self.statementCache = StatementCache(capacity: options.statementCacheCapacity)

        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if options.create && !options.readOnly { flags |= SQLITE_OPEN_CREATE }
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let error = SQLiteError.last(rc, connection: handle, sql: nil)
            // sqlite3_open_v2 usually allocates a handle even when it fails; it must still be closed.
            sqlite3_close_v2(handle)
            throw SQLiteError(code: error.code, message: "\(error.message) (opening \(path))")
        }
        connection = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, options.busyTimeoutMilliseconds)

        do {
            // Only takes effect on a file with no content yet, and must come before WAL is switched on.
            if let size = options.pageSize, !options.readOnly {
                guard (512...65536).contains(size), size & (size - 1) == 0 else {
                    throw SQLiteError(code: SQLITE_MISUSE, message: "page size \(size) is not a power of two from 512 to 65536")
                }
                try execute("PRAGMA page_size=\(size)")
            }
            // The first statement touching the file; WAL is skipped when read-only (it cannot be switched there).
            if !options.readOnly { try execute("PRAGMA journal_mode=WAL") }
            try execute("PRAGMA synchronous=\(options.synchronous.rawValue)")
            try execute("PRAGMA foreign_keys=\(options.foreignKeys ? "ON" : "OFF")")
            if options.readOnly { _ = try journalMode() }  // still surface SQLITE_NOTADB at open
        } catch let error as SQLiteError {
            close()
            throw SQLiteError(code: error.code, message: "\(error.message) (opening \(path))", sql: error.sql)
        }
    }

    deinit { close() }

    /// Finalizes cached statements and closes the connection; later calls throw SQLITE_MISUSE. Idempotent.
    ///
    /// Statements the caller still holds keep the connection alive (sqlite3_close_v2) until they are released.
    public func close() {
        guard let handle = connection else { return }
        statementCache.removeAll()
        sqlite3_close_v2(handle)
        connection = nil
    }

    /// Whether `close()` has run.
    public var isClosed: Bool { connection == nil }

    /// The open handle, or SQLITE_MISUSE after `close()`.
    func openConnection(sql: String? = nil) throws -> OpaquePointer {
        guard let connection else { throw SQLiteError.misuse("database \(path) is closed", sql: sql) }
        return connection
    }

    // MARK: - Executing SQL

    /// Runs one or more `;`-separated statements without arguments (DDL, pragmas); never put values in `sql`.
    public func execute(_ sql: String) throws {
        let handle = try openConnection(sql: sql)
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// Compiles one statement; the caller owns it (finalized when released). Prefer `cachedStatement` for reused SQL.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: openConnection(sql: sql), sql: sql, persistent: false)
    }

    /// Returns the cached statement for `sql`, preparing it on first use; a reused statement is reset and its
    /// bindings cleared, so do not ask for the same SQL again while still iterating it.
    public func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try Statement(connection: openConnection(sql: sql), sql: sql, persistent: true)
        statementCache.insert(statement)
        return statement
    }

    /// Drops every cached statement (they are finalized once no caller holds them).
    public func clearStatementCache() { statementCache.removeAll() }

    // MARK: - Connection state

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { connection.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { connection.map { Int(sqlite3_changes64($0)) } ?? 0 }

    /// Rows changed since the connection opened.
    public var totalChanges: Int { connection.map { Int(sqlite3_total_changes64($0)) } ?? 0 }

    /// Whether a transaction is open (the connection is not in autocommit mode).
    public var isInTransaction: Bool { connection.map { sqlite3_get_autocommit($0) == 0 } ?? false }
}

// Not Sendable: the connection is opened NOMUTEX and must stay on one actor or thread at a time.
@available(*, unavailable)
extension Database: Sendable {}
