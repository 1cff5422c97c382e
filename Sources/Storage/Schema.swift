import SQLite

/// The database layout and its migrations. `user_version` holds the schema version and `application_id`
/// marks the file as Vigil's, so another program's SQLite file is refused instead of altered.
enum Schema {
    /// 'VIGL'
    static let applicationID: Int32 = 0x5649_474C
    static let version: Int32 = 2

    /// Migrations by target version; each runs in the transaction that bumps `user_version`.
    static let migrations: [Int32: String] = [
        1: """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE series (id INTEGER PRIMARY KEY, fingerprint INTEGER NOT NULL, labels BLOB NOT NULL);
        CREATE INDEX series_by_fingerprint ON series (fingerprint);
        -- name/value postings: `=` is an index lookup, `=~` scans one name's values.
        CREATE TABLE postings (
            name TEXT NOT NULL, value TEXT NOT NULL, series_id INTEGER NOT NULL,
            PRIMARY KEY (name, value, series_id)) WITHOUT ROWID;
        -- Compressed samples, one blob per series and time span (see ChunkEncoding; timestamps are stored
        -- relative to min_t; `crc` is the blob's checksum, checked on every read). `seq` orders writes, so
        -- where chunks overlap (imports of older data) the newer write wins.
        CREATE TABLE chunks (
            series_id INTEGER NOT NULL, min_t INTEGER NOT NULL, max_t INTEGER NOT NULL,
            count INTEGER NOT NULL, seq INTEGER NOT NULL, crc INTEGER NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY (series_id, min_t)) WITHOUT ROWID;
        -- The durable head: recent samples, one row each (value as its IEEE bit pattern, so NaNs survive),
        -- until a series has enough of them to cut a chunk.
        CREATE TABLE head (
            series_id INTEGER NOT NULL, t INTEGER NOT NULL, v INTEGER NOT NULL,
            PRIMARY KEY (series_id, t)) WITHOUT ROWID;
        """,
        // No change of layout: from version 2 a chunk's `crc` may hold an XXH64-based checksum (see
        // ChunkChecksum), which version 1 readers would take for damage; the version keeps them out.
        2: "SELECT 1",
    ]

    /// Creates or upgrades the schema; throws for foreign or newer files.
    static func migrate(_ db: Database, path: String) throws(StorageError) {
        do {
            let app = try db.prepare("PRAGMA application_id").fetchOne { $0.int64(at: 0) } ?? 0
            let current = try db.userVersion()
            if current > version { throw StorageError.newerSchema(path: path, found: current, supported: version) }
            if app != 0 && Int32(truncatingIfNeeded: app) != applicationID {
                throw StorageError.notVigilDatabase(path: path, detail: "application_id is \(app)")
            }
            if app == 0 && current == 0 {
                let tables = try db.prepare("SELECT count(*) FROM sqlite_master").fetchOne { $0.int64(at: 0) } ?? 0
                if tables > 0 { throw StorageError.notVigilDatabase(path: path, detail: "it holds \(tables) other tables") }
            }
            var v = current
            while v < version {
                let next = v + 1
                guard let sql = migrations[next] else { break }
                try db.transaction(.immediate) { db in
                    try db.execute(sql)
                    try db.execute("PRAGMA application_id = \(applicationID)")
                    try db.setUserVersion(next)
                }
                v = next
            }
        } catch let e as StorageError {
            throw e
        } catch let e as SQLiteError {
            if e.resultCode ~= ResultCode.notADatabase {
                throw StorageError.notVigilDatabase(path: path, detail: "not an SQLite file")
            }
            throw StorageError.sqlite(path: path, e)
        } catch {
            throw StorageError.sqlite(path: path, SQLiteError(code: 1, message: "\(error)"))
        }
    }
}
