import Foundation
import HTTP
import TimeSeries

/// Sends the rule evaluator's alerts to external Alertmanagers over API v2, as Prometheus's notifier does.
///
/// Each Alertmanager endpoint (every host of every `alerting.alertmanagers` entry) has its own bounded queue and
/// worker, so a slow or dead Alertmanager delays nobody else, and callers only ever append to queues. When a queue
/// is full the oldest alerts are dropped and counted. Workers post batches of at most `maxBatchSize` alerts;
/// a failed batch is logged and counted, not retried (the resend schedule sends firing alerts again).
/// Call `stop()` when done: workers hold the forwarder until then.
public actor AlertmanagerForwarder {
    /// Tuning, with Prometheus's defaults.
    public struct Options: Sendable {
        /// `--rules.alert.resend-delay`, milliseconds.
        public var resendDelay: Int64
        /// `--alertmanager.notification-queue-capacity`, alerts per endpoint.
        public var queueCapacity: Int
        /// `alerting.max_batch_size`: alerts per request.
        public var maxBatchSize: Int
        /// Labels added to every alert that lacks them (Prometheus's `external_labels`).
        public var externalLabels: Labels
        /// The `User-Agent` header.
        public var userAgent: String

        /// Creates options; the defaults are Prometheus's.
        public init(
            resendDelay: Int64 = AlertResendSchedule.defaultResendDelay, queueCapacity: Int = 10_000,
            maxBatchSize: Int = 256, externalLabels: Labels = .empty, userAgent: String = "Vigil"
        ) {
            self.resendDelay = resendDelay
            self.queueCapacity = max(1, queueCapacity)
            self.maxBatchSize = max(1, maxBatchSize)
            self.externalLabels = externalLabels
            self.userAgent = userAgent
        }
    }

    /// Counters for one Alertmanager endpoint.
    public struct EndpointStatistics: Sendable, Equatable {
        /// The endpoint URL (never carries credentials).
        public var url: String
        /// Alerts in batches the endpoint accepted (2xx).
        public var sent: Int
        /// Alerts in batches that failed (non-2xx, timeout, connection error, unreadable credentials).
        public var errors: Int
        /// Alerts dropped because the queue was full.
        public var dropped: Int
        /// Alerts waiting in the queue now.
        public var queued: Int
        /// The last failure, if any.
        public var lastError: AlertmanagerForwardError?
    }

    /// What a worker needs to post: immutable, so sending happens off the actor.
    private struct Destination: Sendable {
        var url: URL
        var timeout: Int64
        var authorization: AlertmanagerTarget.Authorization?
    }

    /// One endpoint's queue (a ring kept as an array with a moving head) and counters.
    private struct EndpointState {
        var queue: [PostableAlert] = []
        var head = 0
        var inFlight = false
        var waiter: CheckedContinuation<[PostableAlert]?, Never>?
        var sent = 0
        var errors = 0
        var dropped = 0
        var lastError: AlertmanagerForwardError?

        var count: Int { queue.count - head }

        /// Appends, then drops the oldest beyond `capacity`; returns how many were dropped.
        mutating func push(_ alerts: [PostableAlert], capacity: Int) -> Int {
            queue.append(contentsOf: alerts)
            let excess = count - capacity
            if excess > 0 { head += excess }
            compact()
            return max(0, excess)
        }

        mutating func take(_ limit: Int) -> [PostableAlert]? {
            guard count > 0 else { return nil }
            let n = min(limit, count)
            let batch = Array(queue[head..<head + n])
            head += n
            compact()
            return batch
        }

        private mutating func compact() {
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
        }
    }

    private nonisolated let destinations: [Destination]
    private nonisolated let client: any HTTPClient
    private nonisolated let options: Options
    private nonisolated let log: @Sendable (String) -> Void
    private var states: [EndpointState]
    private var schedules: [String: AlertResendSchedule] = [:]
    private var workers: [Task<Void, Never>] = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var stopped = false

    /// Creates a forwarder for every host of `targets`; `log` receives one line per failed batch.
    public init(
        targets: [AlertmanagerTarget], client: any HTTPClient = DefaultHTTPClient(), options: Options = Options(),
        log: @escaping @Sendable (String) -> Void = AlertmanagerForwarder.standardErrorLog
    ) {
        destinations = targets.flatMap { target in
            target.alertsURLs.map { Destination(url: $0, timeout: target.timeout, authorization: target.authorization) }
        }
        states = Array(repeating: EndpointState(), count: destinations.count)
        self.client = client
        self.options = options
        self.log = log
    }

    /// Writes a line to standard error.
    public static let standardErrorLog: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The endpoint URLs, in target then host order.
    public nonisolated var endpointURLs: [URL] { destinations.map(\.url) }

    /// Takes one evaluation's active alerts of `source` (a rule group; firing and kept-resolved alerts, never
    /// pending ones) at `now` with the group's evaluation `interval` (ms), and queues those due to be sent.
    /// Returns the alerts queued; never waits for the network.
    @discardableResult
    public func evaluated(_ alerts: [NotifyAlert], source: String = "", at now: Timestamp, interval: Int64) -> [PostableAlert] {
        var schedule = schedules[source] ?? AlertResendSchedule(resendDelay: options.resendDelay)
        let due = schedule.due(alerts, at: now, interval: interval)
        // A source with nothing left has nothing to remember.
        if alerts.isEmpty { schedules[source] = nil } else { schedules[source] = schedule }
        send(due)
        return due
    }

    /// Queues `alerts` as they are for every endpoint (external labels added).
    public func send(_ alerts: [PostableAlert]) {
        guard !alerts.isEmpty, !stopped, !destinations.isEmpty else { return }
        startWorkersIfNeeded()
        let labelled = options.externalLabels.isEmpty ? alerts : alerts.map { alert in
            var copy = alert
            for label in options.externalLabels where !copy.labels.has(label.name) {
                copy.labels = copy.labels.setting(label.name, label.value)
            }
            return copy
        }
        for i in states.indices {
            let dropped = states[i].push(labelled, capacity: options.queueCapacity)
            states[i].dropped += dropped
            if dropped > 0 {
                log("vigil: alertmanager \(destinations[i].url): notification queue full, dropped \(dropped) alerts")
            }
            if let waiter = states[i].waiter, let batch = states[i].take(options.maxBatchSize) {
                states[i].waiter = nil
                states[i].inFlight = true
                waiter.resume(returning: batch)
            }
        }
    }

    /// Per-endpoint counters, in `endpointURLs` order.
    public func statistics() -> [EndpointStatistics] {
        zip(destinations, states).map { destination, state in
            EndpointStatistics(url: destination.url.absoluteString, sent: state.sent, errors: state.errors,
                               dropped: state.dropped, queued: state.count, lastError: state.lastError)
        }
    }

    /// Returns once every queue is empty and no request is in flight (or the forwarder is stopped).
    public func waitUntilIdle() async {
        guard !isIdle else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Stops the workers; queued alerts are discarded and in-flight requests cancelled.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        for i in states.indices {
            states[i].waiter?.resume(returning: nil)
            states[i].waiter = nil
        }
        let running = workers
        workers = []
        for worker in running { worker.cancel() }
        for worker in running { await worker.value }
        resumeIdleWaiters()
    }

    private var isIdle: Bool {
        stopped || states.allSatisfy { $0.count == 0 && !$0.inFlight }
    }

    private func resumeIdleWaiters() {
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    private func startWorkersIfNeeded() {
        guard workers.isEmpty else { return }
        workers = destinations.indices.map { i in Task { await self.run(i) } }
    }

    private func run(_ i: Int) async {
        while let batch = await nextBatch(i) {
            let failure = await post(batch, to: destinations[i])
            finish(i, count: batch.count, failure: failure)
        }
    }

    /// The next batch for endpoint `i`, waiting for `send` when the queue is empty; nil once stopped.
    private func nextBatch(_ i: Int) async -> [PostableAlert]? {
        guard !stopped, !Task.isCancelled else { return nil }
        if let batch = states[i].take(options.maxBatchSize) {
            states[i].inFlight = true
            return batch
        }
        return await withCheckedContinuation { states[i].waiter = $0 }
    }

    private func finish(_ i: Int, count: Int, failure: AlertmanagerForwardError?) {
        states[i].inFlight = false
        if let failure, !stopped {
            states[i].errors += count
            states[i].lastError = failure
            log("vigil: alertmanager \(destinations[i].url): sending \(count) alerts failed: \(failure)")
        } else if failure == nil {
            states[i].sent += count
        }
        if isIdle { resumeIdleWaiters() }
    }

    /// Posts one batch; nil on a 2xx answer.
    private nonisolated func post(_ batch: [PostableAlert], to destination: Destination) async -> AlertmanagerForwardError? {
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("User-Agent", options.userAgent)])
        do {
            if let authorization = destination.authorization {
                headers["Authorization"] = try authorization.headerValue()
            }
        } catch {
            return error
        }
        let request = HTTPClientRequest(
            method: "POST", url: destination.url, headers: headers, body: PostableAlert.body(batch),
            timeout: .milliseconds(destination.timeout))
        do {
            let response = try await client.send(request)
            return (200..<300).contains(response.status) ? nil : .badStatus(response.status)
        } catch HTTPClientError.timedOut {
            return .timedOut
        } catch HTTPClientError.transport(let reason) {
            return .transport(reason)
        } catch {
            return .transport("\(type(of: error))")
        }
    }
}
