/// One integration of one receiver: the unit that has its own notification log entries, outbox queue and worker.
public struct IntegrationKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The integrations Vigil delivers to.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Comparable {
        case webhook, slack, pagerduty

        public static func < (a: Kind, b: Kind) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// The receiver name.
    public var receiver: String
    /// The kind of integration.
    public var kind: Kind
    /// Position within the receiver's configs of that kind (`webhook_configs[1]` is index 1).
    public var index: Int

    /// Creates a key.
    public init(receiver: String, kind: Kind, index: Int) {
        self.receiver = receiver
        self.kind = kind
        self.index = index
    }

    /// `team-a/webhook[0]`: names the integration without its URL, for logs and errors.
    public var description: String { "\(receiver)/\(kind.rawValue)[\(index)]" }

    public static func < (a: IntegrationKey, b: IntegrationKey) -> Bool {
        (a.receiver, a.kind, a.index) < (b.receiver, b.kind, b.index)
    }

    /// Every integration of `receiver` with its `send_resolved`, webhooks first, then Slack, then PagerDuty.
    static func integrations(of receiver: Receiver) -> [(key: IntegrationKey, sendResolved: Bool)] {
        func keyed(_ kind: Kind, _ sendResolved: [Bool]) -> [(key: IntegrationKey, sendResolved: Bool)] {
            sendResolved.enumerated().map { (IntegrationKey(receiver: receiver.name, kind: kind, index: $0), $1) }
        }
        return keyed(.webhook, receiver.webhookConfigs.map(\.sendResolved))
            + keyed(.slack, receiver.slackConfigs.map(\.sendResolved))
            + keyed(.pagerduty, receiver.pagerdutyConfigs.map(\.sendResolved))
    }
}
