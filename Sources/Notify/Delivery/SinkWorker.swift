import Foundation
import HTTP
import TimeSeries

/// Delivers one integration's outbox rows, oldest first, one at a time, until its task is cancelled.
///
/// Each integration has its own worker, so a sink that hangs or fails holds up only its own queue. A row is
/// deleted only after a 2xx, a permanent rejection (4xx other than 429: retrying cannot help, and Alertmanager
/// does not either) or when it is older than the give-up age; any other failure reschedules it with back-off.
struct SinkWorker: Sendable {
    let key: IntegrationKey
    let sink: any NotificationSink
    let store: DeliveryStore
    let client: any HTTPClient
    let policy: DeliveryPolicy
    let counters: DeliveryCounters
    let report: @Sendable (DeliveryEvent) -> Void

    /// What one attempt came to.
    enum Outcome: Equatable {
        case delivered(status: Int)
        case retry(String)
        case reject(String)
        /// The task was cancelled mid-attempt: leave the row as it is for the next run.
        case cancelled
    }

    /// Loops until cancelled or `wakeups` finishes; a wake-up means "rows may have been enqueued".
    func run(wakeups: AsyncStream<Void>) async {
        var wakeups = wakeups.makeAsyncIterator()
        // Rows left by an earlier run are tried at once: that run's back-off belonged to that process.
        var resuming = true
        // Delivered rows whose delete failed: deleted again, never re-sent.
        var delivered: Set<Int64> = []
        while !Task.isCancelled {
            let row: Outbox.Row?
            do {
                row = try store.access { _, outbox in try outbox.oldest(for: key) }
            } catch {
                report(DeliveryEvent(key: key, groupKey: "", kind: .storeFailed(reason: "\(error)")))
                guard await pause(until: Self.now() + DeliveryPolicy.milliseconds(policy.initialBackoff)) else { return }
                continue
            }
            guard let row else {
                resuming = false
                guard await wakeups.next() != nil else { return }
                continue
            }
            if delivered.contains(row.id) {
                if remove(row) {
                    delivered.remove(row.id)
                } else if !(await pause(until: Self.now() + 100)) {
                    return
                }
                continue
            }
            if !resuming && row.nextAttemptAt > Self.now() {
                guard await pause(until: row.nextAttemptAt) else { return }
                continue
            }
            resuming = false
            // Every notification gets at least one attempt, however late its worker got to it (a busy machine,
            // a restart after an outage): giving up on something never tried would be a silent loss.
            if row.attempts > 0 && Self.now() - row.createdAt >= DeliveryPolicy.milliseconds(policy.giveUpAge) {
                guard remove(row) else { continue }
                counters.record(key) { $0.dropped += 1 }
                let age = Double(Self.now() - row.createdAt) / 1000
                report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .dropped(
                    reason: "not delivered after \(row.attempts) attempts in \(Int(age)) s (give-up age \(policy.giveUpAge))")))
                continue
            }
            switch await attempt(row) {
            case .cancelled:
                return
            case .delivered(let status):
                counters.record(key) { $0.sent += 1 }
                report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .delivered(status: status)))
                if !remove(row) { delivered.insert(row.id) }
            case .reject(let reason):
                counters.record(key) { $0.failed += 1 }
                report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .rejected(reason: reason)))
                _ = remove(row)
            case .retry(let reason):
                retryLater(row, reason: reason)
            }
        }
    }

    /// Builds the request and sends it once.
    func attempt(_ row: Outbox.Row) async -> Outcome {
        let request: HTTPClientRequest
        do {
            request = try sink.request(body: row.body)
        } catch {
            return error.isPermanent ? .reject(error.description) : .retry(error.description)
        }
        let outcome: Outcome
        do {
            let response = try await client.send(request)
            outcome = Self.classify(status: response.status)
        } catch is CancellationError {
            return .cancelled
        } catch HTTPClientError.timedOut {
            outcome = .retry("no response within \(request.timeout)")
        } catch HTTPClientError.transport(let detail) {
            outcome = .retry("connection failed: \(Self.redact(detail, request.url))")
        } catch {
            outcome = .retry("request failed: \(Self.redact("\(error)", request.url))")
        }
        // A response that arrived counts even if we are stopping; a failure caused by stopping does not.
        if case .delivered = outcome { return outcome }
        return Task.isCancelled ? .cancelled : outcome
    }

    /// 2xx delivered; 5xx and 429 worth retrying; anything else (4xx, unfollowed 3xx) will not get better.
    static func classify(status: Int) -> Outcome {
        switch status {
        case 200..<300: .delivered(status: status)
        case 429, 500..<600: .retry("HTTP \(status)")
        default: .reject("HTTP \(status)")
        }
    }

    /// Records the failed attempt and its back-off; the next try never lies past the give-up deadline.
    private func retryLater(_ row: Outbox.Row, reason: String) {
        let attempts = row.attempts + 1
        let delay = policy.backoff(afterAttempt: attempts)
        let giveUpAt = row.createdAt + DeliveryPolicy.milliseconds(policy.giveUpAge)
        let next = min(Self.now() + DeliveryPolicy.milliseconds(delay), giveUpAt)
        do {
            try store.access { _, outbox in try outbox.reschedule(id: row.id, attempts: attempts, nextAttemptAt: next) }
        } catch {
            report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .storeFailed(reason: "\(error)")))
        }
        counters.record(key) { $0.retried += 1 }
        report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .retrying(attempt: attempts, reason: reason, delay: delay)))
    }

    /// Deletes `row`; false (reported) when the database failed.
    private func remove(_ row: Outbox.Row) -> Bool {
        do {
            try store.access { _, outbox in try outbox.delete(id: row.id) }
            return true
        } catch {
            report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .storeFailed(reason: "\(error)")))
            return false
        }
    }

    /// Sleeps until `deadline` (Unix ms); false when cancelled.
    private func pause(until deadline: Timestamp) async -> Bool {
        let wait = deadline - Self.now()
        if wait > 0 { try? await Task.sleep(for: .milliseconds(wait)) }
        return !Task.isCancelled
    }

    /// A transport error's text without the URL or its path (webhook URLs are secrets).
    static func redact(_ text: String, _ url: URL) -> String {
        var out = text.replacingOccurrences(of: url.absoluteString, with: "<url>")
        if url.path.count > 1 { out = out.replacingOccurrences(of: url.path, with: "<path>") }
        if let query = url.query, !query.isEmpty { out = out.replacingOccurrences(of: query, with: "<query>") }
        return out
    }

    static func now() -> Timestamp { NotificationPipeline.wallClock() }
}
