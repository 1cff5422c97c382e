import Testing
import TimeSeries
@testable import Notify

/// The sink worker's decisions when database writes fail: a finished row is deleted again and never re-sent,
/// and a back-off the database could not store is still waited for (no tight retry loop).
@Suite struct SinkWorkerLedgerTests {
    static let giveUpAge: Int64 = 60_000

    static func row(id: Int64 = 7, createdAt: Timestamp = 1000, attempts: Int = 0, nextAttemptAt: Timestamp = 1000) -> Outbox.Row {
        Outbox.Row(id: id, key: IntegrationKey(receiver: "r", kind: .webhook, index: 0), groupKey: "g", body: [],
                   createdAt: createdAt, attempts: attempts, nextAttemptAt: nextAttemptAt, logNotifiedAt: 1000)
    }

    @Test func storedScheduleDecidesWhenTheLedgerIsEmpty() {
        let ledger = SinkWorkerLedger()
        #expect(ledger.step(for: Self.row(), now: 1000, resuming: false, giveUpAge: Self.giveUpAge) == .attempt(attempts: 0))
        let waiting = Self.row(attempts: 2, nextAttemptAt: 5000)
        #expect(ledger.step(for: waiting, now: 2000, resuming: false, giveUpAge: Self.giveUpAge) == .wait(until: 5000))
        // A row an earlier process left is tried at once: its back-off belonged to that process.
        #expect(ledger.step(for: waiting, now: 2000, resuming: true, giveUpAge: Self.giveUpAge) == .attempt(attempts: 2))
        // Too old after failed attempts: given up; never tried: tried once however old.
        #expect(ledger.step(for: waiting, now: 61_000, resuming: false, giveUpAge: Self.giveUpAge) == .giveUp(attempts: 2))
        #expect(ledger.step(for: Self.row(), now: 61_000, resuming: false, giveUpAge: Self.giveUpAge) == .attempt(attempts: 0))
    }

    @Test func aBackoffTheDatabaseCouldNotStoreIsStillWaitedFor() {
        var ledger = SinkWorkerLedger()
        // The row still says "due now, no attempts" because the reschedule failed.
        let row = Self.row()
        ledger.rescheduleFailed(row.id, attempts: 1, nextAttemptAt: 1500)
        #expect(ledger.step(for: row, now: 1200, resuming: false, giveUpAge: Self.giveUpAge) == .wait(until: 1500))
        // Even while resuming: this back-off is this worker's own.
        #expect(ledger.step(for: row, now: 1200, resuming: true, giveUpAge: Self.giveUpAge) == .wait(until: 1500))
        #expect(ledger.step(for: row, now: 1500, resuming: false, giveUpAge: Self.giveUpAge) == .attempt(attempts: 1))
        // The remembered attempts count toward the give-up age.
        #expect(ledger.step(for: row, now: 61_000, resuming: false, giveUpAge: Self.giveUpAge) == .giveUp(attempts: 1))
        // Once a later reschedule is stored, the database decides again.
        ledger.stored(row.id)
        #expect(ledger.backoffs.isEmpty)
        #expect(ledger.step(for: row, now: 1200, resuming: false, giveUpAge: Self.giveUpAge) == .attempt(attempts: 0))
    }

    @Test func aFinishedRowWhoseDeleteFailedIsDeletedAgainNotResent() {
        var ledger = SinkWorkerLedger()
        let row = Self.row(attempts: 3, nextAttemptAt: 9000)
        ledger.rescheduleFailed(row.id, attempts: 4, nextAttemptAt: 9500)
        ledger.removeFailed(row.id, .delivered)
        #expect(ledger.backoffs.isEmpty)
        #expect(ledger.step(for: row, now: 1000, resuming: false, giveUpAge: Self.giveUpAge) == .remove(.delivered))
        ledger.removeFailed(row.id, .undelivered)
        #expect(ledger.step(for: row, now: 90_000, resuming: true, giveUpAge: Self.giveUpAge) == .remove(.undelivered))
        ledger.stored(row.id)
        #expect(ledger == SinkWorkerLedger())
    }

    @Test func rowsOlderThanTheOldestInTheOutboxAreForgotten() {
        var ledger = SinkWorkerLedger()
        ledger.removeFailed(3, .delivered)
        ledger.rescheduleFailed(4, attempts: 1, nextAttemptAt: 10)
        ledger.rescheduleFailed(9, attempts: 1, nextAttemptAt: 10)
        ledger.forgetRows(before: 5)
        #expect(ledger.unremoved.isEmpty)
        #expect(Array(ledger.backoffs.keys) == [9])
    }
}
