/// How sink workers time out, back off and give up.
public struct DeliveryPolicy: Sendable {
    /// The back-off ceiling after the first failed attempt; it doubles per further failure up to `maxBackoff`.
    public var initialBackoff: Duration
    /// The largest back-off ceiling.
    public var maxBackoff: Duration
    /// A notification older than this (since it was enqueued) is dropped instead of tried again.
    public var giveUpAge: Duration
    /// Request timeout for integrations whose config sets none.
    public var defaultTimeout: Duration

    /// Defaults: back-off from 500 ms up to 1 min, give up after 24 h, 10 s timeout.
    public init(
        initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(60),
        giveUpAge: Duration = .seconds(24 * 3600), defaultTimeout: Duration = .seconds(10)
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.giveUpAge = giveUpAge
        self.defaultTimeout = defaultTimeout
    }

    /// The wait after failed attempt number `attempt` (1-based): "full jitter", uniform between zero and
    /// `min(maxBackoff, initialBackoff * 2^(attempt-1))`, so many failing workers do not retry in lockstep.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let cap = Self.milliseconds(maxBackoff)
        var ceiling = min(cap, Self.milliseconds(initialBackoff))
        var doublings = attempt - 1
        while doublings > 0 && ceiling > 0 && ceiling < cap {
            ceiling = min(cap, ceiling * 2)
            doublings -= 1
        }
        return .milliseconds(ceiling <= 0 ? 0 : Int64.random(in: 0...ceiling))
    }

    /// Whole milliseconds of `duration` (truncated).
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
