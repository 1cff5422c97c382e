import Foundation
import HTTP

/// Runs one `SinkWorker` per integration of a config over the delivery database.
///
/// Rows left in the outbox by an earlier run are delivered after `start()`; rows of integrations the config no
/// longer has are dropped (and counted) then. Connect a `NotificationPipeline` with `enqueued: service.wake`
/// so new rows are picked up at once. While started, the service holds an exclusive lock on `<database>.lock`
/// (one deliverer per outbox) and prunes old notification-log entries every `pruneInterval`.
public actor DeliveryService {
    /// Delivery counts, for `/metrics`.
    public nonisolated let counters: DeliveryCounters
    /// The delivery database.
    public nonisolated let store: DeliveryStore
    /// How long notification-log entries are kept (see `logRetention(for:)`).
    public nonisolated let logRetention: Duration
    private let config: AlertmanagerConfig
    private let client: any HTTPClient
    private let policy: DeliveryPolicy
    private let pruneInterval: Duration
    private let events: @Sendable (DeliveryEvent) -> Void
    private let wakeups = WakeupTable()
    private var workers: [IntegrationKey: Task<Void, Never>] = [:]
    private var pruner: Task<Void, Never>?
    private var lock: DeliveryLock?

    /// Creates a stopped service; `events` receives every delivery, retry, rejection and drop (from any thread).
    /// `logRetention` overrides the retention `logRetention(for:)` derives from the config.
    public init(
        config: AlertmanagerConfig, store: DeliveryStore, client: any HTTPClient = DefaultHTTPClient(),
        policy: DeliveryPolicy = DeliveryPolicy(), counters: DeliveryCounters = DeliveryCounters(),
        logRetention: Duration? = nil, pruneInterval: Duration = .seconds(3600),
        events: @escaping @Sendable (DeliveryEvent) -> Void = { _ in }
    ) {
        self.config = config
        self.store = store
        self.client = client
        self.policy = policy
        self.counters = counters
        self.logRetention = logRetention ?? Self.logRetention(for: config)
        self.pruneInterval = pruneInterval
        self.events = events
    }

    /// Alertmanager keeps its notification log 120 h by default; an entry must also outlive the longest
    /// `repeat_interval`, or a group still firing would lose it and be notified again early. So: the larger of
    /// 120 h and twice the longest `repeat_interval` of any route.
    public static func logRetention(for config: AlertmanagerConfig) -> Duration {
        let longest = config.route.walk().map(\.repeatInterval).max() ?? Route.defaultRepeatInterval
        return .milliseconds(max(120 * 3_600_000, 2 * longest))
    }

    /// Locks the outbox, prunes the notification log, drops rows of unconfigured integrations, then starts a
    /// worker per integration (idempotent while started). Throws `DeliveryLockError.alreadyDelivering` when
    /// another service, in this process or another, is delivering from the same database.
    public func start() throws {
        guard lock == nil else { return }
        let lock = try DeliveryLock.acquire(databasePath: store.path)
        let keys = NotificationSinks.keys(in: config)
        counters.register(keys)
        do {
            try dropUnconfiguredRows(configured: Set(keys))
        } catch {
            lock.release()
            throw error
        }
        self.lock = lock
        Self.prune(store, retention: logRetention, events: events)
        pruner = Task.detached { [store, logRetention, pruneInterval, events] in
            while true {
                try? await Task.sleep(for: pruneInterval)
                if Task.isCancelled { return }
                Self.prune(store, retention: logRetention, events: events)
            }
        }
        for key in keys {
            guard let sink = NotificationSinks.sink(for: key, in: config, policy: policy) else { continue }
            let worker = SinkWorker(key: key, sink: sink, store: store, client: client, policy: policy,
                                    counters: counters, report: events)
            let stream = wakeups.register(key)
            // Detached: workers never run on this actor, so one blocked in a send cannot hold up another.
            workers[key] = Task.detached { await worker.run(wakeups: stream) }
        }
    }

    /// Deletes the rows of integrations the config no longer has, each with its log entry (it was never sent).
    private func dropUnconfiguredRows(configured: Set<IntegrationKey>) throws {
        for row in try store.pending() where !configured.contains(row.key) {
            try store.transaction { log, outbox in
                try outbox.delete(id: row.id)
                if let notifiedAt = row.logNotifiedAt {
                    try log.remove(row.key, groupKey: row.groupKey, ifNotifiedAt: notifiedAt)
                }
            }
            counters.record(row.key) { $0.dropped += 1 }
            let reason = "the integration is no longer configured"
            events(DeliveryEvent(key: row.key, groupKey: row.groupKey, kind: .dropped(reason: reason)))
        }
    }

    /// Deletes log entries notified more than `retention` ago by the wall clock; failures are reported, and the
    /// next round tries again.
    static func prune(_ store: DeliveryStore, retention: Duration, events: @Sendable (DeliveryEvent) -> Void) {
        let milliseconds = DeliveryPolicy.milliseconds(retention)
        do {
            _ = try store.access { log, _ in try log.prune(notifiedBefore: NotificationPipeline.wallClock() - milliseconds) }
        } catch {
            let reason = "pruning entries older than \(ModelDuration.format(milliseconds: milliseconds)): \(error)"
            events(DeliveryEvent(key: nil, groupKey: "", kind: .storeFailed(reason: reason)))
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

    /// Stops every worker (an attempt in flight is cancelled and its row kept), waits for them to end, and
    /// releases the outbox lock; the service can be started again.
    public func stop() async {
        wakeups.finishAll()
        let running = Array(workers.values) + (pruner.map { [$0] } ?? [])
        workers = [:]
        pruner = nil
        for task in running { task.cancel() }
        for task in running { await task.value }
        lock?.release()
        lock = nil
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
