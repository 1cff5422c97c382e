import Foundation
import HTTP

/// Delivers PagerDuty Events API v2 events to the config's `url`, putting the real routing key (from
/// `routing_key`, or `routing_key_file` read now) in place of the placeholder the stored body carries.
public struct PagerDutySink: NotificationSink {
    /// The integration's config.
    public var config: PagerDutyConfig
    /// The timeout when the config sets none.
    public var defaultTimeout: Duration

    /// Creates the sink.
    public init(config: PagerDutyConfig, defaultTimeout: Duration) {
        self.config = config
        self.defaultTimeout = defaultTimeout
    }

    /// The config's `timeout`, else the default.
    public var timeout: Duration { config.timeout > 0 ? .milliseconds(config.timeout) : defaultTimeout }

    /// `"routing_key":"<secret>"` as the renderer writes it (with Go's escaping of `<` and `>`). Only JSON
    /// structure can contain it: inside a string value every `"` is escaped.
    static let placeholder: [UInt8] = {
        let text = JSONValue.object([("routing_key", .string("<secret>"))]).text
        return Array(text.dropFirst().dropLast().utf8)
    }()

    public func request(body: [UInt8]) throws(SinkError) -> HTTPClientRequest {
        let url = try SinkError.url(config.url, file: nil, field: "url")
        let key: String
        if let file = config.routingKeyFile {
            key = try SinkError.readFile(file, field: "routing_key")
        } else {
            key = config.routingKey ?? ""
        }
        let withKey = try Self.substitute(routingKey: key, in: body)
        return try NotificationSinks.jsonPost(to: url, body: withKey, http: config.httpConfig, timeout: timeout)
    }

    /// `body` with the first routing-key placeholder replaced by `"routing_key":"<key>"`.
    static func substitute(routingKey: String, in body: [UInt8]) throws(SinkError) -> [UInt8] {
        let p = placeholder
        guard body.count >= p.count,
            let start = (0...(body.count - p.count)).first(where: { body[$0..<($0 + p.count)].elementsEqual(p) })
        else { throw .missingRoutingKeyPlaceholder }
        let replacement = Array(JSONValue.object([("routing_key", .string(routingKey))]).text.dropFirst().dropLast().utf8)
        return Array(body[..<start]) + replacement + Array(body[(start + p.count)...])
    }
}
