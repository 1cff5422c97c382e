import Foundation

/// A credential written inline in the config or kept in a file and read at each request (as Prometheus
/// re-reads `*_file` options, so a rotated token needs no reload). Its description never shows an inline value.
public enum CredentialSecret: Sendable, Hashable, CustomStringConvertible {
    /// The value itself (never printed).
    case inline(String)
    /// A file holding the value; surrounding whitespace is trimmed when read.
    case file(String)

    /// `<secret>` or the file path: safe to log.
    public var description: String {
        switch self {
        case .inline: "<secret>"
        case .file(let path): "file \(path)"
        }
    }

    /// The `Authorization` value of HTTP basic authentication.
    static func basicHeader(username: String, password: String) -> String {
        "Basic " + Data((username + ":" + password).utf8).base64EncodedString()
    }
}
