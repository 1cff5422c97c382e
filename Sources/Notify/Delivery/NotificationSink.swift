import Foundation
import HTTP

/// Builds the HTTP request that delivers one stored notification through one integration.
///
/// URLs and credentials are read when the request is built (at every attempt), so `*_file` options pick up
/// rotated secrets and a missing file is an error of that attempt, not of the config load.
public protocol NotificationSink: Sendable {
    /// The request carrying `body`, the notification exactly as stored in the outbox.
    func request(body: [UInt8]) throws(SinkError) -> HTTPClientRequest
}

/// The sinks of a config, one per integration.
public enum NotificationSinks {
    /// The sink for `key`, or nil when the config has no such integration.
    public static func sink(for key: IntegrationKey, in config: AlertmanagerConfig, policy: DeliveryPolicy)
        -> (any NotificationSink)?
    {
        guard let receiver = config.receiver(named: key.receiver) else { return nil }
        switch key.kind {
        case .webhook:
            guard receiver.webhookConfigs.indices.contains(key.index) else { return nil }
            return WebhookSink(config: receiver.webhookConfigs[key.index], defaultTimeout: policy.defaultTimeout)
        case .slack:
            guard receiver.slackConfigs.indices.contains(key.index) else { return nil }
            return SlackSink(config: receiver.slackConfigs[key.index], defaultTimeout: policy.defaultTimeout)
        case .pagerduty:
            guard receiver.pagerdutyConfigs.indices.contains(key.index) else { return nil }
            return PagerDutySink(config: receiver.pagerdutyConfigs[key.index], defaultTimeout: policy.defaultTimeout)
        }
    }

    /// Every integration of every receiver in `config`.
    public static func keys(in config: AlertmanagerConfig) -> [IntegrationKey] {
        config.receivers.flatMap { IntegrationKey.integrations(of: $0).map(\.key) }
    }

    /// A JSON POST with Vigil's user agent and the `http_config` authentication.
    static func jsonPost(to url: URL, body: [UInt8], http: IntegrationHTTPConfig, timeout: Duration) throws(SinkError)
        -> HTTPClientRequest
    {
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("User-Agent", "Vigil")])
        if let authorization = try http.authorizationHeader() { headers["Authorization"] = authorization }
        return HTTPClientRequest(method: "POST", url: url, headers: headers, body: body, timeout: timeout)
    }
}
