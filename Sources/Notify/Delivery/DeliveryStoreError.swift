import SQLite

/// Why the delivery database (notification log and outbox) cannot be used.
public enum DeliveryStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file belongs to another program or to another part of Vigil (e.g. the time-series database).
    case notDeliveryDatabase(path: String, detail: String)
    /// The file was written by a newer Vigil with a schema this version does not know.
    case newerSchema(path: String, found: Int32, supported: Int32)
    /// SQLite itself failed.
    case sqlite(path: String, SQLiteError)

    public var description: String {
        switch self {
        case .notDeliveryDatabase(let path, let detail):
            "\(path): not a Vigil notification database (\(detail)); pass a new path or one created by `vigil notify send`"
        case .newerSchema(let path, let found, let supported):
            "\(path): notification database schema version \(found) is newer than this Vigil supports (\(supported)); "
                + "upgrade Vigil or pass another path"
        case .sqlite(let path, let error):
            "\(path): \(error)"
        }
    }
}
