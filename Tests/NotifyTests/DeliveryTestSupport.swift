import Foundation
import Testing
import TimeSeries
@testable import Notify

/// A temporary directory removed with its contents when released.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "vigil-delivery-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
        return file(name)
    }
}

/// Collects delivery events from any thread.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [DeliveryEvent] = []

    func record(_ event: DeliveryEvent) { lock.withLock { recorded.append(event) } }

    var events: [DeliveryEvent] { lock.withLock { recorded } }
}

/// Small builders shared by the delivery suites.
enum DeliveryFixture {
    static func config(_ yaml: String) throws -> AlertmanagerConfig {
        try AlertmanagerConfig.parse(yaml)
    }

    static func alert(_ labels: [String: String], _ status: NotifyAlert.Status = .firing) -> NotifyAlert {
        NotifyAlert(labels: Labels(labels), status: status, startsAt: 1_700_000_000_000,
                    endsAt: status == .resolved ? 1_700_000_060_000 : nil)
    }

    /// A flush of `alerts` for `receiver`, grouped by alertname of the first alert.
    static func flush(
        _ receiver: String, _ alerts: [NotifyAlert], at: Timestamp = 1_700_000_100_000, repeatInterval: Int64 = 14_400_000
    ) -> GroupFlush {
        let name = alerts.first?.labels["alertname"] ?? "none"
        return GroupFlush(receiver: receiver, key: AlertGroupKey(routeKey: "{}", groupLabels: Labels(["alertname": name])),
                          alerts: alerts, repeatInterval: repeatInterval, at: at)
    }

    /// Millisecond back-off so retry tests run in well under a second.
    static let fastPolicy = DeliveryPolicy(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20),
                                           giveUpAge: .seconds(60), defaultTimeout: .seconds(5))
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(60), _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try condition()
}
