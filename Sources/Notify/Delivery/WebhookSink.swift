import HTTP

/// Delivers webhook v4 messages: a JSON POST to `url` (or the URL in `url_file`), with the config's timeout.
public struct WebhookSink: NotificationSink {
    /// The integration's config.
    public var config: WebhookConfig
    /// The timeout when the config sets none (`timeout: 0`).
    public var defaultTimeout: Duration

    /// Creates the sink.
    public init(config: WebhookConfig, defaultTimeout: Duration) {
        self.config = config
        self.defaultTimeout = defaultTimeout
    }

    public func request(body: [UInt8]) throws(SinkError) -> HTTPClientRequest {
        let url = try SinkError.url(config.url, file: config.urlFile, field: "url")
        let timeout = config.timeout > 0 ? Duration.milliseconds(config.timeout) : defaultTimeout
        return try NotificationSinks.jsonPost(to: url, body: body, http: config.httpConfig, timeout: timeout)
    }
}
