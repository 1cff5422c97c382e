/// An HTTP response produced by a handler.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields; `Content-Length` and `Connection` are set by the server when written.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response from raw bytes.
    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Creates a response with a UTF-8 text body and a `Content-Type` (default `text/plain`).
    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), text: String,
                contentType: String = "text/plain; charset=utf-8") {
        var headers = headers
        if headers["Content-Type"] == nil { headers["Content-Type"] = contentType }
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Serialises the status line, headers and (unless `includeBody` is false, as for HEAD) the body.
    func serialized(keepAlive: Bool, includeBody: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(for: status))\r\n"
        for (name, value) in headers.fields
        where !HTTPHeaders.same(name, "Content-Length") && !HTTPHeaders.same(name, "Connection")
            && !HTTPHeaders.same(name, "Transfer-Encoding") {
            // Drop CR/LF so a handler cannot split the response with a header value.
            // Per scalar: "\r\n" is a single Character, so a Character filter would let it through.
            var clean = String.UnicodeScalarView()
            clean.append(contentsOf: value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" })
            head += "\(name): \(String(clean))\r\n"
        }
        // 1xx, 204 and 304 never carry a body or Content-Length (RFC 9110 §8.6).
        let bodyless = status < 200 || status == 204 || status == 304
        if !bodyless { head += "Content-Length: \(body.count)\r\n" }
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if includeBody && !bodyless { bytes += body }
        return bytes
    }

    /// The standard reason phrase for common codes, else a generic one.
    static func reason(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: status < 400 ? "OK" : "Error"
        }
    }
}
