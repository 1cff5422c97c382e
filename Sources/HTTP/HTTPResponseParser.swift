/// Incrementally parses one HTTP/1.x response from the bytes a client reads (RFC 9112).
///
/// Feed bytes with `append`; it returns the response once complete. When the peer closes, `finish`
/// completes a close-delimited body or reports what was cut short. Interim 1xx responses are skipped.
struct HTTPResponseParser {
    /// Why the bytes are not an acceptable response; `message` names the stage, never the payload.
    struct Failure: Error, Sendable, Equatable {
        var message: String
    }

    private enum State {
        case statusLine
        case headerLines
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    private let requestMethod: String
    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int

    private var buffer: [UInt8] = []
    private var position = 0  // first unconsumed byte
    private var scanned = 0  // bytes from `position` already known to hold no LF
    private var headBytes = 0
    private var receivedAny = false
    private var state = State.statusLine
    private var status = 0
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []

    /// Creates a parser; `requestMethod` matters because a HEAD response never has a body.
    init(requestMethod: String, maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.requestMethod = requestMethod
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Adds received bytes; returns the response once it is complete, nil while more are needed.
    mutating func append(_ bytes: ArraySlice<UInt8>) throws(Failure) -> HTTPClientResponse? {
        if !bytes.isEmpty { receivedAny = true }
        if case .untilClose = state {
            try appendBody(bytes)
            return nil
        }
        // Drop consumed bytes before growing, so the buffer stays about one read in size.
        if position > 0 && position * 2 >= buffer.count {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: bytes)
        while try step() {}
        if case .done = state { return HTTPClientResponse(status: status, headers: headers, body: body) }
        return nil
    }

    /// The peer closed the connection: completes a close-delimited body, else describes what was cut short.
    mutating func finish() throws(Failure) -> HTTPClientResponse {
        switch state {
        case .untilClose, .done:
            state = .done
            return HTTPClientResponse(status: status, headers: headers, body: body)
        case .statusLine:
            throw Failure(message: receivedAny
                ? "connection closed before a complete status line" : "connection closed without a response")
        case .headerLines:
            throw Failure(message: "connection closed before the response headers ended")
        case .fixedBody(let remaining):
            throw Failure(message: "connection closed with \(remaining) response body bytes still expected")
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            throw Failure(message: "connection closed inside a chunked response body")
        }
    }

    /// Advances one stage if the buffer allows; false when more bytes are needed or the response is done.
    private mutating func step() throws(Failure) -> Bool {
        switch state {
        case .statusLine:
            let limit = maxHeaderBytes - headBytes
            guard let line = try nextLine(limit: limit, tooLong: headersTooLarge) else { return false }
            headBytes += line.count + 2
            // Tolerate stray empty lines before the status line (RFC 9112 §2.2).
            if line.isEmpty { return true }
            status = try Self.parseStatusLine(line)
            state = .headerLines
            return true
        case .headerLines:
            let limit = maxHeaderBytes - headBytes
            guard let line = try nextLine(limit: limit, tooLong: headersTooLarge) else { return false }
            headBytes += line.count + 2
            if line.isEmpty {
                try endOfHead()
                return true
            }
            try addHeader(line)
            return true
        case .fixedBody(let remaining):
            let available = buffer.count - position
            guard available > 0 else { return false }
            let take = min(available, remaining)
            body.append(contentsOf: buffer[position..<(position + take)])
            position += take
            state = remaining == take ? .done : .fixedBody(remaining: remaining - take)
            return remaining == take
        case .chunkSize:
            let malformed = Failure(message: "malformed chunk size in response")
            guard let line = try nextLine(limit: 4096, tooLong: malformed) else { return false }
            let size = try Self.parseChunkSize(line)
            if size == 0 {
                state = .trailers
            } else {
                guard size <= maxBodyBytes - body.count else { throw tooLarge() }
                state = .chunkData(remaining: size)
            }
            return true
        case .chunkData(let remaining):
            let available = buffer.count - position
            guard available > 0 else { return false }
            let take = min(available, remaining)
            body.append(contentsOf: buffer[position..<(position + take)])
            position += take
            state = remaining == take ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            return true
        case .chunkDataEnd:
            // limit 0: anything but CRLF here means the chunk ran past its declared size.
            let overrun = Failure(message: "malformed chunked response body (chunk longer than its size)")
            guard try nextLine(limit: 0, tooLong: overrun) != nil else { return false }
            state = .chunkSize
            return true
        case .trailers:
            let tooMany = Failure(message: "response trailers exceed \(maxHeaderBytes) bytes")
            guard let line = try nextLine(limit: maxHeaderBytes, tooLong: tooMany) else { return false }
            if line.isEmpty { state = .done }  // trailer fields are read and dropped
            return !line.isEmpty
        case .untilClose:
            try appendBody(buffer[position...])
            position = buffer.count
            return false
        case .done:
            return false
        }
    }

    /// Chooses how the body is delimited (RFC 9112 §6.3), or finishes a bodyless or interim response.
    private mutating func endOfHead() throws(Failure) {
        if (100...199).contains(status) {
            // 1xx are interim (100 Continue, 103 Early Hints); the final response follows. 101 would switch protocols.
            guard status != 101 else { throw Failure(message: "unexpected 101 Switching Protocols response") }
            headers = HTTPHeaders()
            state = .statusLine
            return
        }
        if requestMethod == "HEAD" || status == 204 || status == 304 {
            state = .done
            return
        }
        let codings = headers.values(for: "Transfer-Encoding")
        if !codings.isEmpty {
            // Transfer-Encoding overrides Content-Length; a final coding other than chunked runs until close.
            let last = codings.joined(separator: ",").split(separator: ",").last.map { HTTPHeaders.trim($0) } ?? ""
            state = HTTPHeaders.same(last, "chunked") ? .chunkSize : .untilClose
            return
        }
        let lengths = headers.values(for: "Content-Length")
            .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { HTTPHeaders.trim($0) }
        guard let first = lengths.first else {
            state = .untilClose
            return
        }
        // Repeated identical values are allowed; differing or non-numeric ones make the framing unknowable.
        guard first.count <= 18, first.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(first),
            lengths.allSatisfy({ $0 == first })
        else { throw Failure(message: "malformed Content-Length in response") }
        guard length <= maxBodyBytes else { throw tooLarge() }
        state = length == 0 ? .done : .fixedBody(remaining: length)
    }

    private mutating func addHeader(_ line: ArraySlice<UInt8>) throws(Failure) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            throw Failure(message: "malformed response header line")
        }
        let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
        guard !name.contains(where: { $0 == " " || $0 == "\t" }) else {
            throw Failure(message: "malformed response header name")
        }
        let value = HTTPHeaders.trim(String(decoding: line[(colon + 1)...], as: UTF8.self))
        headers.add(name, String(value))
    }

    private mutating func appendBody(_ bytes: ArraySlice<UInt8>) throws(Failure) {
        guard bytes.count <= maxBodyBytes - body.count else { throw tooLarge() }
        body.append(contentsOf: bytes)
    }

    /// The next line without its LF (and CR), or nil if it has not fully arrived; fails once over `limit` bytes.
    private mutating func nextLine(limit: Int, tooLong: Failure) throws(Failure) -> ArraySlice<UInt8>? {
        let start = position + scanned
        guard let lf = buffer[start...].firstIndex(of: 10) else {
            scanned = buffer.count - position
            guard scanned <= limit + 1 else { throw tooLong }  // +1: a CR may precede the LF
            return nil
        }
        var end = lf
        if end > position && buffer[end - 1] == 13 { end -= 1 }
        let line = buffer[position..<end]
        guard line.count <= limit else { throw tooLong }
        position = lf + 1
        scanned = 0
        return line
    }

    private var headersTooLarge: Failure { Failure(message: "response headers exceed \(maxHeaderBytes) bytes") }

    private func tooLarge() -> Failure {
        Failure(message: "response body exceeds the \(maxBodyBytes)-byte limit")
    }

    /// Parses `HTTP/1.x SSS reason`, returning the status code.
    private static func parseStatusLine(_ line: ArraySlice<UInt8>) throws(Failure) -> Int {
        let bytes = Array(line)
        let prefix = Array("HTTP/1.".utf8)
        guard bytes.count >= 12, Array(bytes[0..<7]) == prefix, isDigit(bytes[7]), bytes[8] == 32,
            bytes[9...11].allSatisfy(isDigit), bytes.count == 12 || bytes[12] == 32
        else { throw Failure(message: "malformed status line in response") }
        let status = bytes[9...11].reduce(0) { $0 * 10 + Int($1 - 48) }
        guard status >= 100 else { throw Failure(message: "malformed status line in response") }
        return status
    }

    /// Parses a chunk-size line: hex digits, then optional `;extensions` that are ignored.
    private static func parseChunkSize(_ line: ArraySlice<UInt8>) throws(Failure) -> Int {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case 48...57: value = Int(byte) - 48
            case 65...70: value = Int(byte) - 55
            case 97...102: value = Int(byte) - 87
            case 59, 32, 9: // `;` starts extensions; whitespace before it is tolerated
                guard digits > 0 else { throw Failure(message: "malformed chunk size in response") }
                return size
            default: throw Failure(message: "malformed chunk size in response")
            }
            digits += 1
            guard digits <= 15 else { throw Failure(message: "chunk size in response is too large") }
            size = size * 16 + value
        }
        guard digits > 0 else { throw Failure(message: "malformed chunk size in response") }
        return size
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
