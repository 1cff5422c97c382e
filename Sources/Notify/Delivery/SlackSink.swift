import HTTP

/// Delivers Slack messages: the rendered JSON POSTed to the incoming-webhook `api_url` (or `api_url_file`).
public struct SlackSink: NotificationSink {
    /// The integration's config.
    public var config: SlackConfig
    /// The timeout when the config sets none.
    public var defaultTimeout: Duration

    /// Creates the sink.
    public init(config: SlackConfig, defaultTimeout: Duration) {
        self.config = config
        self.defaultTimeout = defaultTimeout
    }

    /// The config's `timeout`, else the default.
    public var timeout: Duration { config.timeout > 0 ? .milliseconds(config.timeout) : defaultTimeout }

    public func request(body: [UInt8]) throws(SinkError) -> HTTPClientRequest {
        let url = try SinkError.url(config.apiURL, file: config.apiURLFile, field: "api_url")
        return try NotificationSinks.jsonPost(to: url, body: body, http: config.httpConfig, timeout: timeout)
    }
}
