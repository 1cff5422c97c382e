import Foundation
import YAML

/// One `alerting.alertmanagers` entry, as Prometheus reads it: a set of Alertmanagers sharing scheme,
/// path prefix, timeout and credentials, each of which receives every forwarded alert.
public struct AlertmanagerTarget: Sendable, Hashable {
    /// `http` (default) or `https`.
    public enum Scheme: String, Sendable, Hashable {
        case http, https
    }

    /// A credential given inline or as a file.
    public typealias Secret = CredentialSecret

    /// How requests authenticate.
    public enum Authorization: Sendable, Hashable {
        /// `basic_auth`: username and password.
        case basic(username: Secret, password: Secret)
        /// `authorization`: `Authorization: <type> <credentials>` (type `Bearer` by default).
        case credentials(type: String, credentials: Secret)

        /// The `Authorization` header value, reading files as needed.
        public func headerValue() throws(AlertmanagerForwardError) -> String {
            switch self {
            case let .basic(username, password):
                return CredentialSecret.basicHeader(username: try username.value(), password: try password.value())
            case let .credentials(type, credentials):
                return type + " " + (try credentials.value())
            }
        }
    }

    /// `http` or `https`.
    public var scheme: Scheme
    /// `host:port` addresses from `static_configs`, in document order.
    public var hosts: [String]
    /// Prefix put before `/api/v2/alerts` (`path_prefix`).
    public var pathPrefix: String
    /// Per-request timeout in milliseconds (default 10s).
    public var timeout: Int64
    /// Credentials sent with every request, if any.
    public var authorization: Authorization?
    /// Where the entry is defined.
    public var mark: YAMLMark

    /// Prometheus's default `timeout`.
    public static let defaultTimeout: Int64 = 10_000

    /// Creates a target set directly (tests, programmatic setups).
    public init(
        scheme: Scheme = .http, hosts: [String], pathPrefix: String = "", timeout: Int64 = defaultTimeout,
        authorization: Authorization? = nil, mark: YAMLMark = .start
    ) {
        self.scheme = scheme
        self.hosts = hosts
        self.pathPrefix = pathPrefix
        self.timeout = timeout
        self.authorization = authorization
        self.mark = mark
    }

    /// The v2 alerts endpoint of `host`: `{scheme}://{host}{path_prefix}/api/v2/alerts`, the path cleaned as
    /// Go's `path.Join` cleans it.
    public func alertsURL(host: String) -> URL? {
        var parts: [Substring] = []
        for part in (pathPrefix + "/api/v2/alerts").split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return URL(string: "\(scheme.rawValue)://\(host)/" + parts.joined(separator: "/"))
    }

    /// Every host's alerts endpoint.
    public var alertsURLs: [URL] { hosts.compactMap(alertsURL(host:)) }
}

extension AlertmanagerTarget {
    static let allowedKeys: Set<String> = [
        "static_configs", "scheme", "path_prefix", "timeout", "api_version", "basic_auth", "authorization",
        "follow_redirects", "enable_http2",
    ]
    /// Prometheus options Vigil does not implement: refused by name rather than silently ignored.
    static let unsupportedKeys: Set<String> = [
        "tls_config", "oauth2", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header",
        "http_headers", "sigv4", "relabel_configs", "alert_relabel_configs", "bearer_token", "bearer_token_file",
    ]

    /// The `alertmanagers` list of a mapping (empty when absent).
    static func list(_ m: YAMLMapping) throws(YAMLError) -> [AlertmanagerTarget] {
        var out: [AlertmanagerTarget] = []
        for node in try m.sequence("alertmanagers") ?? [] {
            out.append(try AlertmanagerTarget(try YAMLMapping(node, file: m.file, unknownKeys: m.unknownKeys)))
        }
        return out
    }

    /// Decodes one entry; every error is positioned at the offending key or value.
    init(_ m: YAMLMapping) throws(YAMLError) {
        for pair in m.pairs {
            if let key = pair.key.scalar?.value, AlertmanagerTarget.unsupportedKeys.contains(key) {
                throw m.error("\(key) is not supported by Vigil's Alertmanager client", at: pair.key.mark)
            }
            if let key = pair.key.scalar?.value, key.hasSuffix("_sd_configs") {
                throw m.error("\(key) is not supported: list Alertmanagers in static_configs", at: pair.key.mark)
            }
        }
        try m.rejectUnknownKeys(allowed: AlertmanagerTarget.allowedKeys)
        mark = m.mark
        if let node = m.value("api_version") {
            let version = try node.decodeString(file: m.file)
            switch version {
            case "v2": break
            case "v1":
                throw m.error("api_version v1 is not supported: Alertmanager removed API v1; use v2", at: node.mark)
            default:
                throw m.error("unsupported api_version \"\(version)\": only v2 is supported", at: node.mark)
            }
        }
        if let node = m.value("scheme") {
            let text = try node.decodeString(file: m.file)
            guard let scheme = Scheme(rawValue: text.lowercased()) else {
                throw m.error("unsupported scheme \"\(text)\": use http or https", at: node.mark)
            }
            self.scheme = scheme
        } else {
            scheme = .http
        }
        pathPrefix = try m.string("path_prefix") ?? ""
        timeout = try Route.duration(m, "timeout") ?? AlertmanagerTarget.defaultTimeout
        if timeout <= 0, let node = m.node("timeout") { throw m.error("timeout must be greater than zero", at: node.mark) }
        _ = try m.bool("follow_redirects")
        _ = try m.bool("enable_http2")
        hosts = []
        for node in try m.sequence("static_configs") ?? [] {
            let config = try YAMLMapping(node, file: m.file, unknownKeys: m.unknownKeys)
            try config.rejectUnknownKeys(allowed: ["targets", "labels"])
            _ = try config.stringMap("labels")
            for target in try config.sequence("targets") ?? [] {
                let host = try target.decodeString(file: m.file)
                if let problem = AlertmanagerTarget.addressProblem(host) {
                    throw m.error("invalid Alertmanager target \"\(host)\": \(problem)", at: target.mark)
                }
                hosts.append(host)
            }
        }
        if hosts.isEmpty { throw m.error("no Alertmanager targets: add static_configs with targets", at: m.mark) }
        let basic = try m.mapping("basic_auth").map { b throws(YAMLError) in try AlertmanagerTarget.basicAuth(b) }
        let credentials = try m.mapping("authorization").map { a throws(YAMLError) in try AlertmanagerTarget.credentials(a) }
        if basic != nil, credentials != nil, let node = m.pair("authorization")?.key {
            throw m.error("at most one of basic_auth and authorization must be configured", at: node.mark)
        }
        authorization = basic ?? credentials
    }

    /// Why `address` is not a `host:port` (or bare host), or nil when it is one.
    static func addressProblem(_ address: String) -> String? {
        if address.isEmpty { return "empty address" }
        if address.contains("://") { return "give host:port without a scheme (set scheme: instead)" }
        if address.contains("/") { return "give host:port without a path (set path_prefix: instead)" }
        if address.contains(where: { $0.isWhitespace || $0 == "@" || $0 == "?" || $0 == "#" }) {
            return "not a host:port address"
        }
        return nil
    }

    /// Exactly one of the inline value and the file, or neither when `optional`.
    static func secret(_ m: YAMLMapping, _ key: String, optional: Bool) throws(YAMLError) -> Secret? {
        let inline = try m.string(key)
        let file = try m.string(key + "_file")
        switch (inline, file) {
        case (let text?, nil): return .inline(text)
        case (nil, let path?): return .file(path)
        case (nil, nil):
            if optional { return nil }
            throw m.error("one of \(key) and \(key)_file must be configured", at: m.mark)
        case (_?, _?):
            throw m.error("at most one of \(key) and \(key)_file must be configured", at: m.pair(key + "_file")!.key.mark)
        }
    }

    static func basicAuth(_ m: YAMLMapping) throws(YAMLError) -> Authorization {
        try m.rejectUnknownKeys(allowed: ["username", "username_file", "password", "password_file"])
        let username = try secret(m, "username", optional: true) ?? .inline("")
        let password = try secret(m, "password", optional: true) ?? .inline("")
        return .basic(username: username, password: password)
    }

    static func credentials(_ m: YAMLMapping) throws(YAMLError) -> Authorization {
        try m.rejectUnknownKeys(allowed: ["type", "credentials", "credentials_file"])
        let type = try m.string("type") ?? "Bearer"
        if type.lowercased() == "basic", let node = m.node("type") {
            throw m.error("authorization type cannot be set to \"basic\", use \"basic_auth\" instead", at: node.mark)
        }
        if type.isEmpty || type.contains(where: \.isWhitespace), let node = m.node("type") {
            throw m.error("invalid authorization type \"\(type)\"", at: node.mark)
        }
        guard let credentials = try secret(m, "credentials", optional: false) else {
            throw m.error("one of credentials and credentials_file must be configured", at: m.mark)
        }
        return .credentials(type: type, credentials: credentials)
    }
}

extension CredentialSecret {
    /// The value for a forwarded request; a file that cannot be read gives an error naming only the file.
    public func value() throws(AlertmanagerForwardError) -> String {
        switch self {
        case .inline(let text): return text
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AlertmanagerForwardError.unreadableSecretFile(path)
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
