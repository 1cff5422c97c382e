import Foundation
import Testing
import TimeSeries
@testable import Notify

/// The whole notification path in one piece: dispatcher → pipeline (dedup, render, outbox) → sink workers → a
/// real HTTP sink. Dispatcher time is explicit (virtual); delivery is real.
@Suite struct NotificationPathTests {
    static let minute: Int64 = 60_000

    /// Runs every flush due up to `t` through the pipeline, in deadline order, acknowledging each tick's flushes
    /// once all were stored (as `DispatchService.run` does).
    static func advance(_ dispatcher: inout Dispatcher, to t: Timestamp, _ pipeline: NotificationPipeline) throws {
        while let due = dispatcher.nextDeadline, due <= t {
            let flushes = dispatcher.flushDue(now: due)
            for flush in flushes { try pipeline.submit(flush) }
            dispatcher.acknowledge(flushes)
        }
    }

    static func alert(_ name: String, _ instance: String, at t: Timestamp, resolved: Bool = false) -> NotifyAlert {
        NotifyAlert(labels: Labels(["alertname": name, "instance": instance, "severity": "critical"]),
                    annotations: Labels(["summary": "\(name) on \(instance)"]),
                    status: resolved ? .resolved : .firing, startsAt: 0,
                    // As the rule evaluator sends them: firing alerts end a few evaluations ahead.
                    endsAt: resolved ? t : t + 4 * minute)
    }

    /// Each delivered notification as (status, [instance: alert status]).
    static func received(_ sink: SinkServer) -> [(status: String, alerts: [String: String])] {
        sink.delivered.map { request in
            let json = request.json
            var alerts: [String: String] = [:]
            for a in json["alerts"] as? [[String: Any]] ?? [] {
                let labels = a["labels"] as? [String: String] ?? [:]
                alerts[labels["instance"] ?? "?"] = a["status"] as? String
            }
            return (json["status"] as? String ?? "?", alerts)
        }
    }

    @Test func groupsDedupsRepeatsAndResolvesEndToEnd() async throws {
        let sink = try SinkServer()
        let dir = try ScratchDirectory()
        let config = try AlertmanagerConfig.parse("""
            route:
              receiver: oncall
              group_by: [alertname]
              group_wait: 30s
              group_interval: 5m
              repeat_interval: 1h
            receivers:
              - name: oncall
                webhook_configs: [{url: '\(sink.url("/hook"))', send_resolved: true}]
            """)
        let store = try DeliveryStore(path: dir.file("notify.db"))
        let service = DeliveryService(config: config, store: store, policy: DeliveryFixture.fastPolicy)
        let pipeline = NotificationPipeline(config: config, store: store, externalURL: "http://vigil", enqueued: service.wake)
        try await service.start()
        defer { Task { await service.stop() } }
        var dispatcher = Dispatcher(config: config)
        let m = Self.minute

        // Two alerts of one group within group_wait: one notification with both.
        dispatcher.receive([Self.alert("Down", "a", at: 0)], now: 0)
        dispatcher.receive([Self.alert("Down", "b", at: 10_000)], now: 10_000)
        try Self.advance(&dispatcher, to: 29_999, pipeline)
        #expect(sink.requests.isEmpty, "nothing before group_wait")
        try Self.advance(&dispatcher, to: 30_000, pipeline)
        #expect(await service.drain(timeout: .seconds(120)))
        #expect(Self.received(sink).map(\.alerts) == [["a": "firing", "b": "firing"]])

        // The rule evaluator keeps re-sending them; the group ticks every 5 minutes but nothing changed.
        for t in stride(from: m, through: 9 * m, by: Int64.Stride(m)) {
            dispatcher.receive([Self.alert("Down", "a", at: t), Self.alert("Down", "b", at: t)], now: t)
            try Self.advance(&dispatcher, to: t, pipeline)
        }
        #expect(await service.drain(timeout: .seconds(120)))
        #expect(sink.delivered.count == 1, "unchanged groups are not re-sent before repeat_interval")

        // A third alert joins: notified at the next group_interval tick (30 s + 2 × 5 m), not at once.
        dispatcher.receive([Self.alert("Down", "a", at: 10 * m), Self.alert("Down", "b", at: 10 * m), Self.alert("Down", "c", at: 10 * m)], now: 10 * m)
        try Self.advance(&dispatcher, to: 10 * m, pipeline)
        #expect(await service.drain(timeout: .seconds(120)))
        #expect(sink.delivered.count == 1)
        try Self.advance(&dispatcher, to: 10 * m + 30_000, pipeline)
        #expect(await service.drain(timeout: .seconds(120)))
        #expect(Self.received(sink).last?.alerts == ["a": "firing", "b": "firing", "c": "firing"])

        // "a" resolves: the next tick carries it as resolved beside the two still firing.
        dispatcher.receive([Self.alert("Down", "a", at: 11 * m, resolved: true)], now: 11 * m)
        for t in stride(from: 11 * m, through: 15 * m, by: Int64.Stride(m)) {
            dispatcher.receive([Self.alert("Down", "b", at: t), Self.alert("Down", "c", at: t)], now: t)
            try Self.advance(&dispatcher, to: t, pipeline)
        }
        try Self.advance(&dispatcher, to: 15 * m + 30_000, pipeline)
        #expect(await service.drain(timeout: .seconds(120)))
        #expect(sink.delivered.count == 3)
        #expect(Self.received(sink).last?.status == "firing")
        #expect(Self.received(sink).last?.alerts == ["a": "resolved", "b": "firing", "c": "firing"])

        // Still firing an hour later: exactly one repeat, without the resolved alert. As in Alertmanager, the
        // repeat needs more than repeat_interval since the last notification (15m30s), so it goes out at the
        // tick after the one exactly an hour later: 80m30s.
        var t = 16 * m
        while t <= 85 * m {
            if t == 80 * m { #expect(try sink.delivered.count + store.pendingCount() == 3, "not yet at 75m30s") }
            dispatcher.receive([Self.alert("Down", "b", at: t), Self.alert("Down", "c", at: t)], now: t)
            try Self.advance(&dispatcher, to: t, pipeline)
            t += m
        }
        #expect(await service.drain(timeout: .seconds(120)))
        #expect(sink.delivered.count == 4)
        #expect(Self.received(sink).last?.alerts == ["b": "firing", "c": "firing"])

        // Everything resolves: one resolved notification, then the group is gone.
        dispatcher.receive([Self.alert("Down", "b", at: t, resolved: true), Self.alert("Down", "c", at: t, resolved: true)], now: t)
        try Self.advance(&dispatcher, to: t + 10 * m, pipeline)
        #expect(await service.drain(timeout: .seconds(120)))
        #expect(sink.delivered.count == 5)
        #expect(Self.received(sink).last?.status == "resolved")
        #expect(Self.received(sink).last?.alerts == ["b": "resolved", "c": "resolved"])
        #expect(dispatcher.groups.isEmpty)
        #expect(sink.requests.count == sink.delivered.count, "every request succeeded; nothing was sent twice")
    }
}
