import Foundation
import Testing
import TimeSeries
@testable import Notify

/// The pipeline: dedup against the log, and every notification stored in the outbox in the same transaction.
@Suite struct OutboxTests {
    static let yaml = """
        route:
          receiver: team
        receivers:
          - name: team
            webhook_configs: [{url: 'http://127.0.0.1:9/hook', send_resolved: false}]
            pagerduty_configs: [{routing_key: 'super-secret-key', url: 'http://127.0.0.1:9/pd'}]
        """

    let dir: ScratchDirectory
    let store: DeliveryStore
    let pipeline: NotificationPipeline

    init() throws {
        dir = try ScratchDirectory()
        store = try DeliveryStore(path: dir.file("n.db"))
        pipeline = NotificationPipeline(config: try DeliveryFixture.config(Self.yaml), store: store, externalURL: "http://vigil")
    }

    static let webhook = IntegrationKey(receiver: "team", kind: .webhook, index: 0)
    static let pagerduty = IntegrationKey(receiver: "team", kind: .pagerduty, index: 0)
    static let a = DeliveryFixture.alert(["alertname": "Down", "instance": "a"])
    static let b = DeliveryFixture.alert(["alertname": "Down", "instance": "b"])

    @Test func firstFlushStoresOneRowPerIntegrationWithTheRenderedBody() throws {
        let flush = DeliveryFixture.flush("team", [Self.a])
        #expect(try pipeline.submit(flush) == [Self.webhook, Self.pagerduty])
        let rows = try store.pending()
        #expect(rows.map(\.key) == [Self.webhook, Self.pagerduty])
        #expect(rows.allSatisfy { $0.groupKey == #"{}:{alertname="Down"}"# && $0.attempts == 0 && $0.nextAttemptAt == $0.createdAt })
        let group = NotificationPlan.Group(receiver: "team", key: flush.key, alerts: flush.alerts)
        let rendered = NotificationPlan.entries(group, pipeline.config.receiver(named: "team")!, "http://vigil")
        #expect(rows.map { String(decoding: $0.body, as: UTF8.self) } == rendered.map { $0.payload.text + "\n" })
        // The PagerDuty key is substituted at send time: it is never stored.
        #expect(!rows.contains { String(decoding: $0.body, as: UTF8.self).contains("super-secret-key") })
        let entry = try store.access { log, _ in try log.entry(Self.webhook, groupKey: flush.key.description) }
        #expect(entry == NotificationLog.Entry(firing: [Self.a.fingerprint], resolved: [], notifiedAt: flush.at))
    }

    @Test func unchangedGroupIsNotEnqueuedAgainUntilRepeatInterval() throws {
        try pipeline.submit(DeliveryFixture.flush("team", [Self.a], at: 1000, repeatInterval: 60_000))
        #expect(try pipeline.submit(DeliveryFixture.flush("team", [Self.a], at: 31_000, repeatInterval: 60_000)).isEmpty)
        #expect(try pipeline.submit(DeliveryFixture.flush("team", [Self.a], at: 61_001, repeatInterval: 60_000)).count == 2)
        #expect(try store.pendingCount() == 4)
    }

    @Test func newAlertInGroupIsEnqueuedAtOnce() throws {
        try pipeline.submit(DeliveryFixture.flush("team", [Self.a], at: 1000))
        #expect(try pipeline.submit(DeliveryFixture.flush("team", [Self.a, Self.b], at: 2000)).count == 2)
        // Back to a subset: nothing new.
        #expect(try pipeline.submit(DeliveryFixture.flush("team", [Self.b], at: 3000)).isEmpty)
    }

    @Test func allResolvedSendsOnlyWhereSendResolvedAndClearsTheOthers() throws {
        try pipeline.submit(DeliveryFixture.flush("team", [Self.a], at: 1000))
        let resolved = DeliveryFixture.alert(["alertname": "Down", "instance": "a"], .resolved)
        // PagerDuty has send_resolved (default true), the webhook has it off.
        #expect(try pipeline.submit(DeliveryFixture.flush("team", [resolved], at: 2000)) == [Self.pagerduty])
        let group = #"{}:{alertname="Down"}"#
        let entries = try store.access { log, _ in
            (try log.entry(Self.webhook, groupKey: group), try log.entry(Self.pagerduty, groupKey: group))
        }
        #expect(entries.0 == nil)
        #expect(entries.1 == NotificationLog.Entry(firing: [], resolved: [resolved.fingerprint], notifiedAt: 2000))
        let last = try #require(try store.pending().last)
        #expect(String(decoding: last.body, as: UTF8.self).contains(#""event_action":"resolve""#))
        // Resolved again: nobody hears twice.
        #expect(try pipeline.submit(DeliveryFixture.flush("team", [resolved], at: 3000)).isEmpty)
        // Firing again after the resolve: both integrations notify.
        #expect(try pipeline.submit(DeliveryFixture.flush("team", [Self.a], at: 4000)).count == 2)
    }

    @Test func aRestartedPipelineNeverEnqueuesWhatWasAlreadyEnqueued() throws {
        try pipeline.submit(DeliveryFixture.flush("team", [Self.a]))
        let reopened = NotificationPipeline(config: pipeline.config, store: try DeliveryStore(path: dir.file("n.db")),
                                            externalURL: "http://vigil")
        #expect(try reopened.submit(DeliveryFixture.flush("team", [Self.a])).isEmpty)
        #expect(try store.pendingCount() == 2)
    }

    @Test func theEnqueueCallbackFiresAfterCommitPerIntegration() throws {
        let seen = EventRecorder()
        let store = self.store
        let notifying = NotificationPipeline(config: pipeline.config, store: store, externalURL: "") { key in
            // The row is already visible when the worker is woken.
            let visible = (try? store.pending().contains { $0.key == key }) ?? false
            seen.record(DeliveryEvent(key: key, groupKey: visible ? "visible" : "missing", kind: .delivered(status: 0)))
        }
        try notifying.submit(DeliveryFixture.flush("team", [Self.a]))
        #expect(seen.events.map(\.key) == [Self.webhook, Self.pagerduty])
        #expect(seen.events.allSatisfy { $0.groupKey == "visible" })
    }

    @Test func unknownReceiverIsAnErrorAndStoresNothing() throws {
        #expect(throws: NotificationPipeline.UnknownReceiverError(receiver: "ghost")) {
            try pipeline.submit(DeliveryFixture.flush("ghost", [Self.a]))
        }
        #expect(try store.pendingCount() == 0)
    }
}
