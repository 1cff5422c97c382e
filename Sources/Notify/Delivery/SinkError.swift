import Foundation

/// Why a sink could not build its request; never carries a URL or credential, only option names and file paths.
public enum SinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `*_file` option names a file that cannot be read (or is empty).
    case unreadableFile(field: String, path: String, reason: String)
    /// The URL (inline or from its file) is not an absolute http(s) URL.
    case invalidURL(field: String)
    /// A stored PagerDuty body has no routing-key placeholder to substitute.
    case missingRoutingKeyPlaceholder

    /// Whether retrying cannot help: a file or URL can be fixed while the notification waits, a body cannot.
    public var isPermanent: Bool {
        if case .missingRoutingKeyPlaceholder = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unreadableFile(let field, let path, let reason): "cannot read \(field) file \(path): \(reason)"
        case .invalidURL(let field): "\(field) is not an absolute http or https URL"
        case .missingRoutingKeyPlaceholder: "the stored PagerDuty event has no routing_key placeholder"
        }
    }

    /// The trimmed contents of a secret file, read now; errors name the file, never its contents.
    static func readFile(_ path: String, field: String) throws(SinkError) -> String {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(field: field, path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadableFile(field: field, path: path, reason: "is a directory") }
        guard let data = manager.contents(atPath: path) else {
            throw .unreadableFile(field: field, path: path, reason: "permission denied or unreadable")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .unreadableFile(field: field, path: path, reason: "the file is empty") }
        return text
    }

    /// `text` (inline or read from `file`) as an http(s) URL.
    static func url(_ text: String?, file: String?, field: String) throws(SinkError) -> URL {
        let raw: String
        if let file {
            raw = try readFile(file, field: field)
        } else {
            raw = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil
        else { throw .invalidURL(field: file.map { "the URL in \(field)_file \($0)" } ?? field) }
        return url
    }
}
