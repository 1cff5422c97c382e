import Foundation
import YAML

/// The `http_config` of a webhook, Slack or PagerDuty integration: how requests authenticate.
///
/// Credentials given as files are read at send time (like Prometheus's round trippers), so rotating a token file
/// needs no reload. Only authentication is supported; TLS and proxy settings are rejected rather than ignored,
/// because silently skipping them would send alerts somewhere other than intended.
public struct IntegrationHTTPConfig: Sendable {
    /// A credential given inline or as a file.
    public typealias Secret = CredentialSecret

    /// How requests authenticate.
    public enum Authentication: Sendable, Equatable {
        /// No `Authorization` header.
        case none
        /// `Authorization: <scheme> <credentials>` (`authorization`, or the legacy `bearer_token[_file]`).
        case credentials(scheme: String, Secret)
        /// `Authorization: Basic base64(username:password)`.
        case basic(username: Secret, password: Secret?)
    }

    /// The configured authentication.
    public var authentication: Authentication

    /// No authentication.
    public init(authentication: Authentication = .none) {
        self.authentication = authentication
    }

    static let allowedKeys: Set<String> = [
        "authorization", "bearer_token", "bearer_token_file", "basic_auth", "follow_redirects", "enable_http2",
    ]
    /// Valid Prometheus `http_config` keys Vigil does not implement.
    static let unsupportedKeys: Set<String> = [
        "tls_config", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "oauth2",
        "http_headers",
    ]

    /// Decodes an `http_config` mapping (nil: no authentication), with Prometheus's validation messages.
    init(_ m: YAMLMapping?) throws(YAMLError) {
        guard let m else {
            self.init()
            return
        }
        for key in m.keys where IntegrationHTTPConfig.unsupportedKeys.contains(key) {
            throw m.error("http_config.\(key) is not supported by Vigil", at: m.node(key)?.mark ?? m.mark)
        }
        try m.rejectUnknownKeys(allowed: IntegrationHTTPConfig.allowedKeys)
        let bearer = try m.string("bearer_token")
        let bearerFile = try m.string("bearer_token_file")
        let authorization = try m.mapping("authorization")
        let basic = try m.mapping("basic_auth")
        if bearer != nil && bearerFile != nil {
            throw m.error("at most one of bearer_token & bearer_token_file must be configured", at: m.mark)
        }
        let hasBearer = bearer != nil || bearerFile != nil
        if basic != nil && hasBearer {
            throw m.error("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured", at: m.mark)
        }
        if authorization != nil && hasBearer {
            throw m.error("authorization is not compatible with bearer_token & bearer_token_file", at: m.mark)
        }
        if authorization != nil && basic != nil {
            throw m.error("at most one of basic_auth, oauth2 & authorization must be configured", at: m.mark)
        }
        let result: Authentication
        if let a = authorization {
            try a.rejectUnknownKeys(allowed: ["type", "credentials", "credentials_file"])
            var scheme = (try a.string("type") ?? "").trimmingCharacters(in: .whitespaces)
            if scheme.isEmpty { scheme = "Bearer" }
            if scheme.lowercased() == "basic" {
                throw a.error(#"authorization type cannot be set to "basic", use "basic_auth" instead"#, at: a.mark)
            }
            let credentials = try a.string("credentials")
            let file = try a.string("credentials_file")
            if credentials != nil && file != nil {
                throw a.error("at most one of authorization credentials & credentials_file must be configured", at: a.mark)
            }
            // Like Prometheus, an authorization block without credentials adds no header.
            if let secret = credentials.map(Secret.inline) ?? file.map(Secret.file) {
                result = .credentials(scheme: scheme, secret)
            } else {
                result = .none
            }
        } else if let b = basic {
            try b.rejectUnknownKeys(allowed: ["username", "username_file", "password", "password_file"])
            let username = try b.string("username")
            let usernameFile = try b.string("username_file")
            let password = try b.string("password")
            let passwordFile = try b.string("password_file")
            if username != nil && usernameFile != nil {
                throw b.error("at most one of basic_auth username & username_file must be configured", at: b.mark)
            }
            if password != nil && passwordFile != nil {
                throw b.error("at most one of basic_auth password & password_file must be configured", at: b.mark)
            }
            result = .basic(
                username: usernameFile.map(Secret.file) ?? .inline(username ?? ""),
                password: password.map(Secret.inline) ?? passwordFile.map(Secret.file))
        } else if let bearer {
            result = .credentials(scheme: "Bearer", .inline(bearer))
        } else if let bearerFile {
            result = .credentials(scheme: "Bearer", .file(bearerFile))
        } else {
            result = .none
        }
        self.init(authentication: result)
    }

    /// The `Authorization` header value, reading credential files now; nil without authentication.
    func authorizationHeader() throws(SinkError) -> String? {
        switch authentication {
        case .none:
            return nil
        case .credentials(let scheme, let secret):
            return scheme + " " + (try secret.read(field: "http_config credentials"))
        case .basic(let username, let password):
            let user = try username.read(field: "basic_auth username")
            let pass = try password?.read(field: "basic_auth password") ?? ""
            return CredentialSecret.basicHeader(username: user, password: pass)
        }
    }
}

extension CredentialSecret {
    /// The value, from the file (whitespace-trimmed, not empty) when it is one; `field` names the option in errors.
    func read(field: String) throws(SinkError) -> String {
        switch self {
        case .inline(let value): value
        case .file(let path): try SinkError.readFile(path, field: field)
        }
    }
}
