import Foundation

/// Where an `http://` request goes: the address to resolve, the request-line target and the Host header.
struct HTTPClientEndpoint: Sendable, Equatable {
    /// Host name or IP literal as given to getaddrinfo (IPv6 without brackets).
    var host: String
    /// TCP port; 80 when the URL names none.
    var port: Int
    /// The origin-form request target, `path?query`, percent-encoded as in the URL.
    var target: String
    /// The `Host` header value: bracketed IPv6, with `:port` unless it is 80.
    var hostHeader: String
    /// `Basic …` credentials from the URL's user info, if any.
    var authorization: String?

    /// `host:port` for error messages; never the path or query, which may carry secrets.
    var label: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Splits an `http://` URL; other schemes are refused because this client speaks no TLS.
    init(url: URL) throws(HTTPClientError) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" else {
            throw .transport("SocketHTTPClient handles only http:// URLs, not \(url.scheme ?? "scheme-less ones")"
                + " (https goes through URLSessionHTTPClient)")
        }
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: true) else {
            throw .transport("cannot parse the request URL")
        }
        var host = components.percentEncodedHost ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        host = host.removingPercentEncoding ?? host
        guard !host.isEmpty else { throw .transport("the request URL has no host") }
        let port = components.port ?? 80
        guard (1...65535).contains(port) else { throw .transport("port \(port) is out of range") }

        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        // A space or control byte would break the request line; the message must not echo the (secret) path.
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .transport("the request URL's path or query contains characters not allowed in a request line")
        }

        self.host = host
        self.port = port
        self.target = target
        let bracketed = host.contains(":") ? "[\(host)]" : host
        self.hostHeader = port == 80 ? bracketed : "\(bracketed):\(port)"
        if let user = components.user {
            let credentials = "\(user):\(components.password ?? "")"
            self.authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        } else {
            self.authorization = nil
        }
    }
}
