import Foundation

/// An outgoing HTTP request.
public struct HTTPClientRequest: Sendable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The absolute URL (http or https).
    public var url: URL
    /// Header fields to send.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]
    /// Overall time allowed for the exchange.
    public var timeout: Duration

    /// Creates a request; the default timeout is 10 s.
    public init(
        method: String = "POST", url: URL, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        timeout: Duration = .seconds(10)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// The reply to an `HTTPClientRequest`; any status, including 4xx/5xx, is a response rather than an error.
public struct HTTPClientResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response (used by fakes in tests).
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why an outgoing request produced no response.
public enum HTTPClientError: Error, Equatable, Sendable {
    /// No complete response arrived within the request's timeout.
    case timedOut
    /// Connecting or transferring failed; carries the underlying description.
    case transport(String)
}

/// Sends HTTP requests; a protocol so notifier and scraper tests can substitute fakes or loopback servers.
/// Production code uses `DefaultHTTPClient` (sockets for http://, URLSession only for https://).
public protocol HTTPClient: Sendable {
    /// Sends `request` and returns the response, throwing `HTTPClientError` when there is none.
    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse
}
