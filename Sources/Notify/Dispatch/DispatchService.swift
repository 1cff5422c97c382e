import TimeSeries

/// Runs a `Dispatcher` in real (or virtual) time: stamps received alerts with the clock and hands due
/// flushes to a handler, sleeping in between.
public actor DispatchService {
    private var dispatcher: Dispatcher
    private let clock: any NotifyClock
    private let wake = WakeSignal()
    /// The deadline the loop sleeps towards; nil while it runs or waits for alerts with no deadline at all.
    private var sleepingUntil: Timestamp?
    private var isSleeping = false

    /// Creates a service for `config` on `clock`.
    public init(config: AlertmanagerConfig, clock: any NotifyClock = SystemNotifyClock()) {
        dispatcher = Dispatcher(config: config)
        self.clock = clock
    }

    /// Receives alerts at the clock's current time, waking the loop when they make a flush due sooner.
    public func receive(_ alerts: [NotifyAlert]) {
        dispatcher.receive(alerts, now: clock.now())
        guard isSleeping, let next = dispatcher.nextDeadline else { return }
        if sleepingUntil.map({ next < $0 }) ?? true { wake.signal() }
    }

    /// The dispatcher's groups, for status pages.
    public var groups: [Dispatcher.GroupSnapshot] { dispatcher.groups }

    /// The earliest due flush.
    public var nextDeadline: Timestamp? { dispatcher.nextDeadline }

    /// Flushes due groups and hands them to `handler`, then sleeps until the next deadline, until the calling
    /// task is cancelled. Run one loop per service.
    ///
    /// When `handler` returns, the flushes count as stored and their resolved alerts leave their groups. When it
    /// throws, none do: the error goes to `onError` and the next tick flushes them again (the pipeline's dedup
    /// keeps what was stored before the failure from going out twice).
    public func run(
        onError: (@Sendable (any Error) -> Void)? = nil, handler: @Sendable ([GroupFlush]) async throws -> Void
    ) async {
        while !Task.isCancelled {
            let flushes = dispatcher.flushDue(now: clock.now())
            // Alerts received while the handler runs are kept; acknowledging removes only resolved alerts that
            // did not change meanwhile, and the deadline is recomputed below.
            if !flushes.isEmpty {
                do {
                    try await handler(flushes)
                    dispatcher.acknowledge(flushes)
                } catch {
                    onError?(error)
                }
            }
            guard !Task.isCancelled else { break }
            let deadline = dispatcher.nextDeadline
            if let deadline, deadline <= clock.now() { continue }
            await sleep(until: deadline)
        }
    }

    /// Sleeps until `deadline` (forever when nil), a `receive` that needs an earlier flush, or cancellation.
    private func sleep(until deadline: Timestamp?) async {
        let timer = deadline.map { d in
            Task { [clock, wake] in
                guard (try? await clock.sleep(until: d)) != nil else { return }
                wake.signal()
            }
        }
        sleepingUntil = deadline
        isSleeping = true
        await wake.wait()
        isSleeping = false
        sleepingUntil = nil
        timer?.cancel()
    }
}
