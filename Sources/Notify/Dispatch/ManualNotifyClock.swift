import Synchronization
import TimeSeries

/// A clock that only moves when told to: `advance` wakes every sleeper whose deadline has been reached.
public final class ManualNotifyClock: NotifyClock {
    private struct Sleeper {
        var deadline: Timestamp
        var continuation: CheckedContinuation<Void, any Error>?
        var cancelled = false
    }

    private struct State {
        var now: Timestamp
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
    }

    private let state: Mutex<State>

    /// Creates a clock reading `now` (Unix milliseconds).
    public init(now: Timestamp = 0) {
        state = Mutex(State(now: now))
    }

    /// The current virtual time.
    public func now() -> Timestamp { state.withLock { $0.now } }

    /// Deadlines of the tasks currently sleeping, sorted; lets tests wait until a loop has gone to sleep.
    public var sleepingDeadlines: [Timestamp] {
        state.withLock { $0.sleepers.values.filter { $0.continuation != nil }.map(\.deadline).sorted() }
    }

    /// Moves time to `time` (never backwards) and wakes the sleepers whose deadline is now reached.
    public func advance(to time: Timestamp) {
        let woken = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.now = max(s.now, time)
            let due = s.sleepers.filter { $0.value.deadline <= s.now && $0.value.continuation != nil }
            for id in due.keys { s.sleepers[id] = nil }
            return due.values.compactMap(\.continuation)
        }
        for c in woken { c.resume() }
    }

    /// Moves time forward by `milliseconds`.
    public func advance(by milliseconds: Int64) {
        advance(to: now() + milliseconds)
    }

    /// Suspends until `advance` reaches `deadline`, or throws `CancellationError` on cancellation.
    public func sleep(until deadline: Timestamp) async throws {
        let id = state.withLock { s -> Int? in
            guard deadline > s.now else { return nil }
            s.nextID += 1
            s.sleepers[s.nextID] = Sleeper(deadline: deadline)
            return s.nextID
        }
        guard let id else { return try Task.checkCancellation() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                // Cancellation may have run before the continuation existed, and time may have moved on.
                let resumeNow: Result<Void, any Error>? = state.withLock { s in
                    guard let sleeper = s.sleepers[id] else { return .success(()) }
                    if sleeper.cancelled {
                        s.sleepers[id] = nil
                        return .failure(CancellationError())
                    }
                    if sleeper.deadline <= s.now {
                        s.sleepers[id] = nil
                        return .success(())
                    }
                    s.sleepers[id]?.continuation = c
                    return nil
                }
                if let resumeNow { c.resume(with: resumeNow) }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                guard let sleeper = s.sleepers[id] else { return nil }
                if let c = sleeper.continuation {
                    s.sleepers[id] = nil
                    return c
                }
                s.sleepers[id]?.cancelled = true
                return nil
            }
            c?.resume(throwing: CancellationError())
        }
    }
}
