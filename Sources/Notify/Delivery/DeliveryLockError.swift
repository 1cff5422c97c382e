/// Why a `DeliveryService` could not take the outbox for itself.
public enum DeliveryLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process (or another service in this one) is delivering from the same database.
    case alreadyDelivering(path: String)
    /// The lock file could not be created or locked.
    case unavailable(path: String, reason: String)

    /// The lock file that guards the database at `path`.
    public static func lockPath(for path: String) -> String { path + ".lock" }

    public var description: String {
        switch self {
        case .alreadyDelivering(let path):
            "another Vigil process is delivering from \(path) (it holds \(Self.lockPath(for: path))); "
                + "wait for it to finish, stop it, or use another database"
        case .unavailable(let path, let reason):
            "cannot lock \(Self.lockPath(for: path)) to deliver from \(path): \(reason)"
        }
    }
}
