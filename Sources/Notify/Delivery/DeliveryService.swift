import Foundation
import HTTP

/// Runs one `SinkWorker` per integration of a config over the delivery database.
///
/// Rows left in the outbox by an earlier run are delivered after `start()`; rows of integrations the config no
/// longer has are dropped (and counted) then. Connect a `NotificationPipeline` with `enqueued: service.wake`
/// so new rows are picked up at once.
public actor DeliveryService {
    /// Delivery counts, for `/metrics`.
    public nonisolated let counters: DeliveryCounters
    /// The delivery database.
    public nonisolated let store: DeliveryStore
    private let config: AlertmanagerConfig
    private let client: any HTTPClient
    private let policy: DeliveryPolicy
    private let events: @Sendable (DeliveryEvent) -> Void
    private let wakeups = WakeupTable()
    private var workers: [IntegrationKey: Task<Void, Never>] = [:]
    private var started = false

    /// Creates a stopped service; `events` receives every delivery, retry, rejection and drop (from any thread).
    public init(
        config: AlertmanagerConfig, store: DeliveryStore, client: any HTTPClient = URLSessionHTTPClient(),
        policy: DeliveryPolicy = DeliveryPolicy(), counters: DeliveryCounters = DeliveryCounters(),
        events: @escaping @Sendable (DeliveryEvent) -> Void = { _ in }
    ) {
        self.config = config
        self.store = store
        self.client = client
        self.policy = policy
        self.counters = counters
        self.events = events
    }

    /// Drops rows of unconfigured integrations, then starts a worker per integration (idempotent).
    public func start() throws {
        guard !started else { return }
        let keys = NotificationSinks.keys(in: config)
        counters.register(keys)
        let configured = Set(keys)
        for row in try store.pending() where !configured.contains(row.key) {
            try store.access { _, outbox in try outbox.delete(id: row.id) }
            counters.record(row.key) { $0.dropped += 1 }
            let reason = "the integration is no longer configured"
            events(DeliveryEvent(key: row.key, groupKey: row.groupKey, kind: .dropped(reason: reason)))
        }
        started = true
        for key in keys {
            guard let sink = NotificationSinks.sink(for: key, in: config, policy: policy) else { continue }
            let worker = SinkWorker(key: key, sink: sink, store: store, client: client, policy: policy,
                                    counters: counters, report: events)
            let stream = wakeups.register(key)
            // Detached: workers never run on this actor, so one blocked in a send cannot hold up another.
            workers[key] = Task.detached { await worker.run(wakeups: stream) }
        }
    }

    /// Tells the worker of `key` that rows were enqueued; safe from any context.
    public nonisolated func wake(_ key: IntegrationKey) { wakeups.wake(key) }

    /// Waits until the outbox is empty (true) or `timeout` passes (false); workers keep running either way.
    public func drain(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if (try? store.pendingCount()) == 0 { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops every worker (an attempt in flight is cancelled and its row kept) and waits for them to end.
    public func stop() async {
        wakeups.finishAll()
        let running = workers.values
        workers = [:]
        for task in running { task.cancel() }
        for task in running { await task.value }
    }
}

/// The wake-up streams of the workers, reachable without hopping onto the service actor.
private final class WakeupTable: @unchecked Sendable {
    private let lock = NSLock()
    private var continuations: [IntegrationKey: AsyncStream<Void>.Continuation] = [:]

    /// A stream for `key` that keeps at most one pending wake-up (several enqueues need one look).
    func register(_ key: IntegrationKey) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        lock.withLock { continuations[key] = continuation }
        return stream
    }

    func wake(_ key: IntegrationKey) {
        _ = lock.withLock { continuations[key] }?.yield()
    }

    func finishAll() {
        let all = lock.withLock { () -> [AsyncStream<Void>.Continuation] in
            defer { continuations = [:] }
            return Array(continuations.values)
        }
        for continuation in all { continuation.finish() }
    }
}
