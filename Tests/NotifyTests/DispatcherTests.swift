import Testing
import TimeSeries
@testable import Notify

@Suite struct DispatcherTests {
    static let config = try! AlertmanagerConfig.parse("""
        global:
          resolve_timeout: 5m
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
          routes:
            - matchers: [team="db"]
              receiver: db
              group_by: ['...']
              repeat_interval: 1h
              continue: true
            - matchers: [team="db"]
              receiver: dbpager
              group_by: [service]
            - matchers: [team="split"]
              receiver: split
              group_by: [alertname, severity]
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [alertname, service]
        receivers:
          - name: default
          - name: db
          - name: dbpager
          - name: split
        """)

    static let never: Timestamp = 1_000_000_000

    static func alert(_ labels: [String: String], startsAt: Timestamp = 0, endsAt: Timestamp? = never,
                      status: NotifyAlert.Status = .firing) -> NotifyAlert {
        NotifyAlert(labels: Labels(labels), status: status, startsAt: startsAt, endsAt: endsAt)
    }

    @Test func firstFlushAfterGroupWaitThenEveryGroupInterval() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "A"], startsAt: 1000)], now: 1000)
        #expect(d.nextDeadline == 31_000)
        #expect(d.flushDue(now: 30_999).isEmpty)
        let first = d.flushDue(now: 31_000)
        #expect(first.count == 1)
        #expect(first.first?.at == 31_000)
        #expect(first.first?.receiver == "default")
        #expect(first.first?.key.description == #"{}:{alertname="A"}"#)
        #expect(first.first?.repeatInterval == 14_400_000)
        #expect(first.first?.alerts.map(\.status) == [.firing])
        // Unchanged groups keep ticking: the pipeline's dedup decides whether a tick is sent.
        #expect(d.nextDeadline == 331_000)
        #expect(d.flushDue(now: 330_000).isEmpty)
        #expect(d.flushDue(now: 331_000).map(\.at) == [331_000])
        #expect(d.nextDeadline == 631_000)
        // A late call still schedules from the due time, not from when it ran.
        #expect(d.flushDue(now: 640_000).map(\.at) == [640_000])
        #expect(d.nextDeadline == 931_000)
        // A flush more than an interval late skips the missed ticks instead of firing them in a burst.
        #expect(d.flushDue(now: 1_600_000).map(\.at) == [1_600_000])
        #expect(d.nextDeadline == 1_831_000)
        #expect(d.groups.map(\.hasFlushed) == [true])
    }

    @Test func alertsArrivingDuringGroupWaitJoinTheFirstNotification() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "A", "instance": "b"])], now: 0)
        d.receive([Self.alert(["alertname": "A", "instance": "a"], startsAt: 10_000)], now: 10_000)
        // The second alert does not push the group's deadline back.
        #expect(d.nextDeadline == 30_000)
        let flushes = d.flushDue(now: 30_000)
        #expect(flushes.count == 1)
        #expect(flushes[0].alerts.map { $0.labels.get("instance") } == ["a", "b"])
        // An alert joining an already-flushed group waits for the next tick.
        d.receive([Self.alert(["alertname": "A", "instance": "c"], startsAt: 40_000)], now: 40_000)
        #expect(d.nextDeadline == 330_000)
        #expect(d.flushDue(now: 330_000).first?.alerts.count == 3)
    }

    @Test func groupsByGroupByLabelsAndByEveryLabel() {
        var d = Dispatcher(config: Self.config)
        d.receive([
            Self.alert(["alertname": "A", "instance": "1"]),
            Self.alert(["alertname": "A", "instance": "2"]),
            Self.alert(["alertname": "B", "instance": "1"]),
        ], now: 0)
        #expect(d.groups.map(\.key.description) == [#"{}:{alertname="A"}"#, #"{}:{alertname="B"}"#])
        #expect(d.groups.map(\.fingerprints.count) == [2, 1])

        var all = Dispatcher(config: Self.config)
        all.receive([
            Self.alert(["alertname": "A", "team": "db", "service": "s", "instance": "1"]),
            Self.alert(["alertname": "A", "team": "db", "service": "s", "instance": "2"]),
        ], now: 0)
        let db = all.groups.filter { $0.receiver == "db" }
        // `...` groups by every label, so each distinct alert gets its own group.
        #expect(db.count == 2)
        #expect(db.allSatisfy { $0.fingerprints.count == 1 })
        #expect(db.map(\.key.groupLabels.count) == [4, 4])
    }

    @Test func continueRoutePutsTheAlertInTwoGroups() {
        var d = Dispatcher(config: Self.config)
        let a = Self.alert(["alertname": "A", "team": "db", "service": "orders"])
        d.receive([a], now: 0)
        #expect(d.groups.map(\.receiver) == ["db", "dbpager"])
        #expect(d.groups.map(\.fingerprints) == [[a.fingerprint], [a.fingerprint]])
        let flushes = d.flushDue(now: 30_000)
        #expect(flushes.map(\.receiver) == ["db", "dbpager"])
        #expect(flushes.map(\.key.description) == [
            #"{}/{team="db"}:{alertname="A", service="orders", team="db"}"#,
            #"{}/{team="db"}:{service="orders"}"#,
        ])
        // Each flush carries its own route's repeat_interval (1h set on db, 4h inherited by dbpager).
        #expect(flushes.map(\.repeatInterval) == [3_600_000, 14_400_000])
    }

    @Test func flushesDueTogetherAreOrderedByDueTimeThenReceiverAndKey() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "Z"])], now: 0)
        d.receive([Self.alert(["alertname": "B", "team": "split", "severity": "x"])], now: 5000)
        d.receive([Self.alert(["alertname": "A"])], now: 10_000)
        d.receive([Self.alert(["alertname": "M"])], now: 10_000)
        let flushes = d.flushDue(now: 50_000)
        #expect(flushes.map { "\($0.receiver) \($0.key.groupLabels.get("alertname"))" } == [
            "default Z", "split B", "default A", "default M",
        ])
        #expect(flushes.allSatisfy { $0.at == 50_000 })
    }

    @Test func resolvedAlertIsSentOnceAtTheNextTickThenRemovedWithItsGroup() {
        var d = Dispatcher(config: Self.config)
        let a = Self.alert(["alertname": "A", "instance": "1"])
        let b = Self.alert(["alertname": "A", "instance": "2"])
        d.receive([a, b], now: 0)
        #expect(d.flushDue(now: 30_000).first?.alerts.map(\.status) == [.firing, .firing])
        var resolvedA = a
        resolvedA.status = .resolved
        resolvedA.endsAt = 100_000
        d.receive([resolvedA], now: 100_000)
        // Nothing is sent early: the change waits for the group_interval tick.
        #expect(d.nextDeadline == 330_000)
        let tick = d.flushDue(now: 330_000)
        #expect(tick.first?.alerts.map(\.status) == [.resolved, .firing])
        #expect(tick.first?.alerts.first?.endsAt == 100_000)
        // The resolved alert's flush was stored, so it leaves the group; the group stays for the firing one.
        d.acknowledge(tick)
        #expect(d.groups.first?.fingerprints == [b.fingerprint])
        #expect(d.alerts(at: 330_000).map(\.labels) == [b.labels])
        #expect(d.flushDue(now: 630_000).first?.alerts.map(\.labels) == [b.labels])

        var resolvedB = b
        resolvedB.endsAt = 700_000
        d.receive([resolvedB], now: 700_000)
        let last = d.flushDue(now: 930_000)
        #expect(last.first?.alerts.map(\.status) == [.resolved])
        d.acknowledge(last)
        #expect(d.groups.isEmpty)
        #expect(d.nextDeadline == nil)
        #expect(d.alerts(at: 930_000).isEmpty)
    }

    @Test func aResolvedAlertStaysInItsGroupUntilItsFlushIsAcknowledged() {
        var d = Dispatcher(config: Self.config)
        let a = Self.alert(["alertname": "A", "instance": "1"])
        let b = Self.alert(["alertname": "A", "instance": "2"])
        d.receive([a, b], now: 0)
        _ = d.flushDue(now: 30_000)
        var resolvedA = a
        resolvedA.endsAt = 100_000
        d.receive([resolvedA], now: 100_000)
        let tick = d.flushDue(now: 330_000)
        #expect(tick.first?.alerts.map(\.status) == [.resolved, .firing])
        // Not acknowledged (storing the flush failed): the resolved alert is kept, and the next tick carries it again.
        #expect(d.groups.first?.fingerprints == [a.fingerprint, b.fingerprint].sorted())
        let retry = d.flushDue(now: 630_000)
        #expect(retry.first?.alerts.map(\.labels) == [a.labels, b.labels])
        #expect(retry.first?.alerts.map(\.status) == [.resolved, .firing])
        d.acknowledge(retry)
        #expect(d.groups.first?.fingerprints == [b.fingerprint])
        #expect(d.alerts(at: 630_000).map(\.labels) == [b.labels])
        // Acknowledging a flush twice, or an old one, changes nothing more.
        d.acknowledge(tick + retry)
        #expect(d.groups.first?.fingerprints == [b.fingerprint])
    }

    @Test func acknowledgingKeepsAResolvedAlertThatFiredAgainSinceTheFlush() {
        var d = Dispatcher(config: Self.config)
        let a = Self.alert(["alertname": "A"], startsAt: 0, endsAt: 40_000)
        d.receive([a], now: 0)
        let flush = d.flushDue(now: 30_000)
        d.acknowledge(flush)
        let resolved = d.flushDue(now: 330_000)
        #expect(resolved.first?.alerts.map(\.status) == [.resolved])
        // While the flush was being stored the alert fired again (a new end): it is not the alert that was flushed.
        d.receive([Self.alert(["alertname": "A"], startsAt: 335_000, endsAt: 900_000)], now: 335_000)
        d.acknowledge(resolved)
        #expect(d.groups.first?.fingerprints == [a.fingerprint])
        #expect(d.flushDue(now: 630_000).first?.alerts.map(\.status) == [.firing])
    }

    @Test func inhibitedResolvedAlertsLeaveWithTheAcknowledgedFlush() {
        var d = Dispatcher(config: Self.config)
        let critical = Self.alert(["alertname": "Down", "team": "split", "service": "api", "severity": "critical"])
        let warningA = Self.alert(["alertname": "Down", "team": "split", "service": "api", "severity": "warning", "instance": "a"])
        let warningB = Self.alert(["alertname": "Down", "team": "split", "service": "web", "severity": "warning", "instance": "b"])
        d.receive([critical, warningA, warningB], now: 0)
        d.acknowledge(d.flushDue(now: 30_000))
        // The muted warning resolves while the critical still fires: its group's flush sets it apart, and
        // acknowledging that flush removes it although it was never notified.
        var resolvedA = warningA
        resolvedA.endsAt = 100_000
        d.receive([resolvedA], now: 100_000)
        let tick = d.flushDue(now: 330_000)
        let warnings = tick.first { $0.key.groupLabels.get("severity") == "warning" }
        #expect(warnings?.alerts.map(\.labels) == [warningB.labels])
        #expect(warnings?.inhibited.map(\.labels) == [warningA.labels])
        #expect(warnings?.inhibited.map(\.status) == [.resolved])
        #expect(d.alerts(at: 330_000).count == 3)
        d.acknowledge(tick)
        #expect(d.alerts(at: 330_000).map(\.labels).contains(warningA.labels) == false)
        #expect(d.alerts(at: 330_000).count == 2)
    }

    @Test func refiringAfterTheGroupWasDeletedStartsANewGroupAndIncident() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "A"], startsAt: 0, endsAt: 40_000)], now: 0)
        _ = d.flushDue(now: 30_000)
        let resolved = d.flushDue(now: 330_000)
        #expect(resolved.first?.alerts.map(\.status) == [.resolved])
        d.acknowledge(resolved)
        #expect(d.groups.isEmpty)
        d.receive([Self.alert(["alertname": "A"], startsAt: 400_000)], now: 400_000)
        #expect(d.nextDeadline == 430_000)
        #expect(d.flushDue(now: 430_000).first?.alerts.first?.startsAt == 400_000)
    }

    @Test func updatesKeepTheEarliestStartWhileActive() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "A"], startsAt: 0, endsAt: 100_000)], now: 0)
        var update = Self.alert(["alertname": "A"], startsAt: 50_000, endsAt: 200_000)
        update.annotations = Labels(["summary": "new"])
        d.receive([update], now: 60_000)
        let merged = d.alerts(at: 60_000)[0]
        #expect(merged.startsAt == 0)
        #expect(merged.endsAt == 200_000)
        #expect(merged.annotations == Labels(["summary": "new"]))
        // Once it has ended, a new firing is a new incident with its own start.
        d.receive([Self.alert(["alertname": "A"], startsAt: 250_000, endsAt: 500_000)], now: 250_000)
        #expect(d.alerts(at: 250_000)[0].startsAt == 250_000)
    }

    @Test func inhibitionAppliesAtFlushAndLiftsWhenTheSourceResolves() {
        var d = Dispatcher(config: Self.config)
        let critical = Self.alert(["alertname": "Down", "team": "split", "service": "api", "severity": "critical"])
        let warning = Self.alert(["alertname": "Down", "team": "split", "service": "api", "severity": "warning"])
        let otherService = Self.alert(["alertname": "Down", "team": "split", "service": "web", "severity": "warning"])
        d.receive([critical, warning, otherService], now: 0)
        // group_by [alertname, severity]: the warnings share a group; the critical has its own.
        let first = d.flushDue(now: 30_000)
        #expect(first.map { $0.key.groupLabels.get("severity") } == ["critical", "warning"])
        #expect(first[1].alerts.map(\.labels) == [otherService.labels])

        // The critical resolves: the next tick carries it as resolved, and the warning is no longer muted.
        var resolved = critical
        resolved.endsAt = 100_000
        d.receive([resolved], now: 100_000)
        let next = d.flushDue(now: 330_000)
        #expect(next.count == 2)
        #expect(next[0].alerts.map(\.status) == [.resolved])
        #expect(next[1].alerts.map(\.labels) == [warning.labels, otherService.labels])
    }

    @Test func aGroupWhoseAlertsAreAllInhibitedEmitsNothingButKeepsTicking() {
        var d = Dispatcher(config: Self.config)
        let critical = Self.alert(["alertname": "Down", "team": "split", "service": "api", "severity": "critical"],
                                  endsAt: 100_000)
        let warning = Self.alert(["alertname": "Down", "team": "split", "service": "api", "severity": "warning"])
        d.receive([critical, warning], now: 0)
        let first = d.flushDue(now: 30_000)
        #expect(first.map { $0.key.groupLabels.get("severity") } == ["critical"])
        #expect(d.groups.map(\.nextFlush) == [330_000, 330_000])
        // The critical ends by itself (endsAt passes): at the next tick the warning gets through.
        let next = d.flushDue(now: 330_000)
        #expect(next.map { $0.alerts.map(\.status) } == [[.resolved], [.firing]])
        #expect(next[1].alerts.map(\.labels) == [warning.labels])
    }

    @Test func alertsOlderThanGroupWaitFlushImmediately() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "Old"], startsAt: 100_000)], now: 160_000)
        #expect(d.nextDeadline == 160_000)
        #expect(d.flushDue(now: 160_000).count == 1)
        #expect(d.nextDeadline == 460_000)

        // Recent enough: the normal wait applies.
        d.receive([Self.alert(["alertname": "Recent"], startsAt: 150_000)], now: 160_000)
        #expect(d.groups.first { $0.key.groupLabels.get("alertname") == "Recent" }?.nextFlush == 190_000)
        // An old alert joining a group still in its wait makes it flush now.
        d.receive([Self.alert(["alertname": "Recent", "instance": "x"], startsAt: 0)], now: 170_000)
        #expect(d.groups.first { $0.key.groupLabels.get("alertname") == "Recent" }?.nextFlush == 170_000)
    }

    @Test func alertWithoutEndResolvesAfterResolveTimeout() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "A"], startsAt: 0, endsAt: nil)], now: 0)
        #expect(d.alerts(at: 0).first?.endsAt == 300_000)
        #expect(d.flushDue(now: 30_000).first?.alerts.map(\.status) == [.firing])
        #expect(d.alerts(at: 299_999).first?.status == .firing)
        let tick = d.flushDue(now: 330_000)
        #expect(tick.first?.alerts.map(\.status) == [.resolved])
        #expect(tick.first?.alerts.first?.endsAt == 300_000)
        d.acknowledge(tick)
        #expect(d.groups.isEmpty)
    }

    @Test func resendingAnAlertWithoutEndKeepsItFiring() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "A"], startsAt: 0, endsAt: nil)], now: 0)
        _ = d.flushDue(now: 30_000)
        d.receive([Self.alert(["alertname": "A"], startsAt: 0, endsAt: nil)], now: 200_000)
        let tick = d.flushDue(now: 330_000)
        #expect(tick.first?.alerts.map(\.status) == [.firing])
        #expect(tick.first?.alerts.first?.endsAt == 500_000)
    }

    @Test func resolvedWithoutEndIsResolvedAtReceipt() {
        var d = Dispatcher(config: Self.config)
        d.receive([Self.alert(["alertname": "A"], endsAt: nil, status: .resolved)], now: 5000)
        let flush = d.flushDue(now: 35_000)
        #expect(flush.first?.alerts.first?.status == .resolved)
        #expect(flush.first?.alerts.first?.endsAt == 5000)
        d.acknowledge(flush)
        #expect(d.groups.isEmpty)
    }
}
