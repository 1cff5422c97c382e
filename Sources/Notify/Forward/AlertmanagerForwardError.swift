/// Why one request to an Alertmanager failed; descriptions never contain credentials.
public enum AlertmanagerForwardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A `*_file` secret could not be read.
    case unreadableSecretFile(String)
    /// The Alertmanager answered with a non-2xx status.
    case badStatus(Int)
    /// No response arrived in time.
    case timedOut
    /// Connecting or transferring failed.
    case transport(String)

    public var description: String {
        switch self {
        case .unreadableSecretFile(let path): "cannot read credentials file \(path)"
        case .badStatus(let status): "bad response status \(status)"
        case .timedOut: "request timed out"
        case .transport(let reason): "request failed: \(reason)"
        }
    }
}
