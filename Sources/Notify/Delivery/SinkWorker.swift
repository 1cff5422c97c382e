import Foundation
import HTTP
import TimeSeries

/// Delivers one integration's outbox rows, oldest first, one at a time, until its task is cancelled.
///
/// Each integration has its own worker, so a sink that hangs or fails holds up only its own queue. A row is
/// deleted only after a 2xx, a permanent rejection (4xx other than 429: retrying cannot help, and Alertmanager
/// does not either) or when it is older than the give-up age; any other failure reschedules it with back-off.
/// A row that was not delivered takes its notification-log entry with it, so the group is notified again.
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
        // What failed database writes could not record (finished rows still stored, unstored back-offs).
        var ledger = SinkWorkerLedger()
        let giveUpAge = DeliveryPolicy.milliseconds(policy.giveUpAge)
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
            ledger.forgetRows(before: row.id)
            switch ledger.step(for: row, now: Self.now(), resuming: resuming, giveUpAge: giveUpAge) {
            case .remove(let ending):
                guard await finish(row, ending, &ledger) else { return }
            case .wait(let until):
                guard await pause(until: until) else { return }
            case .giveUp(let attempts):
                // Every notification gets at least one attempt, however late its worker got to it (a busy machine,
                // a restart after an outage): giving up on something never tried would be a silent loss.
                resuming = false
                counters.record(key) { $0.dropped += 1 }
                let age = Double(Self.now() - row.createdAt) / 1000
                report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .dropped(
                    reason: "not delivered after \(attempts) attempts in \(Int(age)) s (give-up age \(policy.giveUpAge))")))
                guard await finish(row, .undelivered, &ledger) else { return }
            case .attempt(let attempts):
                resuming = false
                switch await attempt(row) {
                case .cancelled:
                    return
                case .delivered(let status):
                    counters.record(key) { $0.sent += 1 }
                    report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .delivered(status: status)))
                    guard await finish(row, .delivered, &ledger) else { return }
                case .reject(let reason):
                    counters.record(key) { $0.failed += 1 }
                    report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .rejected(reason: reason)))
                    guard await finish(row, .undelivered, &ledger) else { return }
                case .retry(let reason):
                    retryLater(row, after: attempts, reason: reason, &ledger)
                }
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

    /// Records the failed attempt and its back-off; the next try never lies past the give-up deadline. When the
    /// database cannot store the back-off, the ledger keeps it, so the row is not re-sent at once.
    private func retryLater(_ row: Outbox.Row, after previousAttempts: Int, reason: String, _ ledger: inout SinkWorkerLedger) {
        let attempts = previousAttempts + 1
        let delay = policy.backoff(afterAttempt: attempts)
        let giveUpAt = row.createdAt + DeliveryPolicy.milliseconds(policy.giveUpAge)
        let next = min(Self.now() + DeliveryPolicy.milliseconds(delay), giveUpAt)
        do {
            try store.access { _, outbox in try outbox.reschedule(id: row.id, attempts: attempts, nextAttemptAt: next) }
            ledger.stored(row.id)
        } catch {
            report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .storeFailed(reason: "\(error)")))
            ledger.rescheduleFailed(row.id, attempts: attempts, nextAttemptAt: next)
        }
        counters.record(key) { $0.retried += 1 }
        report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .retrying(attempt: attempts, reason: reason, delay: delay)))
    }

    /// Deletes a finished row; an undelivered one takes its log entry along (in the same transaction) unless a
    /// newer notification of the group has replaced it. When the database fails, the ledger remembers the row so
    /// it is deleted again rather than re-sent, and the worker pauses briefly instead of spinning. False when
    /// cancelled during that pause.
    private func finish(_ row: Outbox.Row, _ ending: SinkWorkerLedger.Ending, _ ledger: inout SinkWorkerLedger) async -> Bool {
        do {
            try store.transaction { log, outbox in
                try outbox.delete(id: row.id)
                if ending == .undelivered, let notifiedAt = row.logNotifiedAt {
                    try log.remove(key, groupKey: row.groupKey, ifNotifiedAt: notifiedAt)
                }
            }
            ledger.stored(row.id)
            return true
        } catch {
            report(DeliveryEvent(key: key, groupKey: row.groupKey, kind: .storeFailed(reason: "\(error)")))
            ledger.removeFailed(row.id, ending)
            return await pause(until: Self.now() + Self.storeRetryPause)
        }
    }

    /// How long to wait before trying a failed delete again (Unix ms).
    static let storeRetryPause: Int64 = 100

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
