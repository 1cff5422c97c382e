import HTTP

/// Delivers Slack messages: the rendered JSON POSTed to the incoming-webhook `api_url` (or `api_url_file`).
public struct SlackSink: NotificationSink {
    /// The integration's config.
    public var config: SlackConfig
    /// The request timeout.
    public var timeout: Duration

    /// Creates the sink.
    public init(config: SlackConfig, timeout: Duration) {
        self.config = config
        self.timeout = timeout
    }

    public func request(body: [UInt8]) throws(SinkError) -> HTTPClientRequest {
        let url = try SinkError.url(config.apiURL, file: config.apiURLFile, field: "api_url")
        return try NotificationSinks.jsonPost(to: url, body: body, http: config.httpConfig, timeout: timeout)
    }
}
