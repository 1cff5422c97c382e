import Testing
@testable import HTTP

/// Serialising responses: a header value can never split the response, whatever a handler puts in it.
@Suite struct HTTPResponseTests {
    @Test func lineBreaksInHeaderValuesAreRemoved() {
        var headers = HTTPHeaders()
        headers.add("X-Note", "a\r\nSet-Cookie: evil=1\nb\rc\u{0}d")
        let response = HTTPResponse(status: 200, headers: headers, body: Array("ok".utf8))
        let text = String(decoding: response.serialized(keepAlive: false), as: UTF8.self)
        #expect(text.contains("X-Note: aSet-Cookie: evil=1bcd\r\n"), "\(text)")
        #expect(!text.contains("\r\nSet-Cookie"))
        #expect(text.hasSuffix("\r\n\r\nok"))
    }
}
