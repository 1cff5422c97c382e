import Foundation

/// The client production code uses: `http://` goes to `SocketHTTPClient` (sleeps while waiting),
/// `https://` to `URLSessionHTTPClient` (for TLS); any other scheme is refused.
public struct DefaultHTTPClient: HTTPClient {
    /// Handles plain-HTTP requests.
    public var plain: SocketHTTPClient
    /// Handles TLS requests.
    public var tls: URLSessionHTTPClient

    /// Creates a router over the two clients; the defaults suit production.
    public init(plain: SocketHTTPClient = SocketHTTPClient(), tls: URLSessionHTTPClient = URLSessionHTTPClient()) {
        self.plain = plain
        self.tls = tls
    }

    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        switch request.url.scheme?.lowercased() {
        case "http": return try await plain.send(request)
        case "https": return try await tls.send(request)
        // Refusing other schemes keeps URLSession from fetching, say, file:// URLs named in a config.
        case let scheme:
            throw HTTPClientError.transport("unsupported URL scheme \(scheme ?? "(none)"); use http or https")
        }
    }
}
