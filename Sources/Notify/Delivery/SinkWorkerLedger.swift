import TimeSeries

/// What a sink worker knows about its outbox rows that the database may not, because a write failed: rows that
/// are finished but whose delete failed, and back-offs whose write failed.
///
/// Without it a failed write would make the worker send a finished notification again, or retry a failing one
/// at once in a tight loop. It lives in memory only: after a restart the database is all there is, and rows
/// left there are tried again, which is the outbox's at-least-once promise.
struct SinkWorkerLedger: Sendable, Equatable {
    /// How a finished row leaves the outbox.
    enum Ending: Sendable, Equatable {
        /// Delivered: the row goes and its log entry stays.
        case delivered
        /// Rejected or given up: the row goes, and with it its log entry if no newer notification replaced it.
        case undelivered
    }

    /// The next thing to do with a worker's oldest row.
    enum Step: Sendable, Equatable {
        /// The row is finished but its delete failed: delete it again (never send it again).
        case remove(Ending)
        /// Not due yet: look again at this time (Unix milliseconds).
        case wait(until: Timestamp)
        /// Too old: give up after `attempts` failed attempts, without another.
        case giveUp(attempts: Int)
        /// Send it now; `attempts` attempts failed before.
        case attempt(attempts: Int)
    }

    /// A back-off the database could not store.
    struct Backoff: Sendable, Equatable {
        var attempts: Int
        var nextAttemptAt: Timestamp
    }

    /// Finished rows whose delete failed, by row id.
    private(set) var unremoved: [Int64: Ending] = [:]
    /// Back-offs whose write failed, by row id.
    private(set) var backoffs: [Int64: Backoff] = [:]

    /// What to do with `row` at `now`. While `resuming` (rows an earlier process left) the stored next-attempt
    /// time is ignored, since that back-off belonged to that process; one this worker remembers still applies.
    /// A row that was tried at least once and is `giveUpAge` ms old is given up; a row never tried gets its attempt.
    func step(for row: Outbox.Row, now: Timestamp, resuming: Bool, giveUpAge: Int64) -> Step {
        if let ending = unremoved[row.id] { return .remove(ending) }
        var attempts = row.attempts
        var next = row.nextAttemptAt
        let remembered = backoffs[row.id]
        if let remembered {
            attempts = max(attempts, remembered.attempts)
            next = max(next, remembered.nextAttemptAt)
        }
        if (!resuming || remembered != nil) && next > now { return .wait(until: next) }
        if attempts > 0 && now - row.createdAt >= giveUpAge { return .giveUp(attempts: attempts) }
        return .attempt(attempts: attempts)
    }

    /// `id` is finished as `ending` but is still in the outbox: it must be deleted, not sent.
    mutating func removeFailed(_ id: Int64, _ ending: Ending) {
        unremoved[id] = ending
        backoffs[id] = nil
    }

    /// The back-off of `id` could not be stored: keep it here instead.
    mutating func rescheduleFailed(_ id: Int64, attempts: Int, nextAttemptAt: Timestamp) {
        backoffs[id] = Backoff(attempts: attempts, nextAttemptAt: nextAttemptAt)
    }

    /// The database now holds everything about `id` (its back-off was stored, or it was deleted).
    mutating func stored(_ id: Int64) {
        unremoved[id] = nil
        backoffs[id] = nil
    }

    /// Forgets rows older than `id`, the worker's oldest row: they are gone from the outbox.
    mutating func forgetRows(before id: Int64) {
        if !unremoved.isEmpty { unremoved = unremoved.filter { $0.key >= id } }
        if !backoffs.isEmpty { backoffs = backoffs.filter { $0.key >= id } }
    }
}
