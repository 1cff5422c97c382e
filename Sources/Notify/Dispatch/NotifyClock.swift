import Foundation
import TimeSeries

/// The time source the notification daemon runs on; tests substitute `ManualNotifyClock`.
public protocol NotifyClock: Sendable {
    /// The current time, Unix milliseconds.
    func now() -> Timestamp
    /// Returns once `now() >= deadline`; throws `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Timestamp) async throws
}

/// Wall-clock time.
public struct SystemNotifyClock: NotifyClock {
    /// Creates the clock.
    public init() {}

    /// Milliseconds since the Unix epoch.
    public func now() -> Timestamp {
        Timestamp((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Sleeps until the wall clock reaches `deadline`.
    public func sleep(until deadline: Timestamp) async throws {
        // Re-check after waking: a task sleep may end a little early relative to the wall clock.
        var remaining = deadline - now()
        while remaining > 0 {
            try await Task.sleep(for: .milliseconds(remaining))
            remaining = deadline - now()
        }
        try Task.checkCancellation()
    }
}
