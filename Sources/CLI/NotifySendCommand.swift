import Foundation
import Notify
import Synchronization
import TimeSeries

/// `vigil notify send`: routes alerts as one immediate flush, stores the notifications in a durable outbox and
/// delivers everything the outbox holds, including what an earlier (perhaps killed) run left behind.
public struct NotifySendCommand: Sendable {
    /// The alerting config file.
    public var config: String
    /// The notification database (log and outbox).
    public var database: String
    /// The alerts' label sets.
    public var alerts: [Labels]
    /// Whether the alerts are resolved rather than firing.
    public var resolved: Bool
    /// The `externalURL` put in payloads.
    public var externalURL: String
    /// How long to keep delivering before giving up for this run, in milliseconds.
    public var timeout: Int64

    /// `--timeout` when not given: 30 s.
    public static let defaultTimeout: Int64 = 30_000

    public static let spec = CommandSpec(
        name: "notify send",
        summary: "Send notifications for alerts through a durable outbox",
        discussion: """
            Routes, inhibits and groups every --alert as one dispatcher flush (as `vigil notify test` shows), checks
            each group against the notification log in --db (created when missing) as Alertmanager's dedup does,
            and stores every notification due in the database's outbox before sending it. Then delivers everything
            in the outbox, including notifications an earlier run left there, retrying 5xx, 429, timeouts and
            connection errors with back-off; a 4xx is not retried, and a rejected or abandoned notification is taken
            out of the notification log again, so the next run sends it. Prints one line per delivered notification
            on standard output; retries and errors go to standard error, without URLs or credentials. Exits 0 once
            the outbox is empty and everything was delivered; 1 when --timeout passes first (what is left stays for
            the next run), when a notification was rejected or dropped, or when another process is delivering from
            the same --db (it holds <db>.lock).
            """,
        options: [
            .init("config", metavar: "FILE", help: "The alerting config (Alertmanager dialect)."),
            .init("db", metavar: "PATH", help: "The notification database: log and outbox (created when missing)."),
            .init("alert", metavar: "LABELS", repeatable: true,
                  help: "An alert as name=value pairs separated by commas (repeatable)."),
            .init("resolved", help: "Treat the alerts as resolved rather than firing."),
            .init("external-url", metavar: "URL", help: "The externalURL put in payloads."),
            .init("timeout", metavar: "DURATION", help: "How long to keep delivering (default 30s)."),
        ],
        examples: [
            "vigil notify send --config alerting.yml --db notify.db --alert 'alertname=HighErrors,severity=critical,service=api'",
        ])

    /// Step 3: a config, a database path, at least one well-formed alert and a positive timeout.
    public static func validate(_ args: BoundArguments) throws(UsageError) -> NotifySendCommand {
        func fail(_ message: String) -> UsageError { UsageError(message, command: spec.name) }
        guard let config = args.value("config") else { throw fail("missing --config FILE") }
        guard let database = args.value("db") else { throw fail("missing --db PATH (the notification database)") }
        if database.isEmpty { throw fail("invalid --db: the path is empty") }
        let raw = args.values["alert"] ?? []
        if raw.isEmpty { throw fail("give at least one --alert 'name=value,...'") }
        var alerts: [Labels] = []
        for text in raw {
            guard let labels = NotifyTestCommand.parseLabels(text), !labels.isEmpty else {
                throw fail("invalid --alert '\(text)': expected name=value pairs separated by commas")
            }
            alerts.append(labels)
        }
        var timeout = defaultTimeout
        if let text = args.value("timeout") {
            let ms: Int64
            do { ms = try APIParameters.parseDuration(text) } catch { throw fail("invalid --timeout: \(error.message)") }
            guard ms > 0 else { throw fail("invalid --timeout '\(text)': must be positive") }
            timeout = ms
        }
        return NotifySendCommand(config: config, database: database, alerts: alerts, resolved: args.has("resolved"),
                                 externalURL: args.value("external-url") ?? "http://localhost:9093", timeout: timeout)
    }

    /// Takes the outbox, submits the flush, delivers the outbox, and reports; `.failure` when notifications are
    /// left undelivered, were rejected or dropped, or another process is delivering from the database.
    public func run() -> ExitCode {
        guard let data = FileManager.default.contents(atPath: config) else {
            return Console.error("Error: \(config): cannot read file")
        }
        let parsed: AlertmanagerConfig
        do { parsed = try AlertmanagerConfig.parse(String(decoding: data, as: UTF8.self), file: config) } catch {
            return Console.error("Error: \(error)")
        }
        let store: DeliveryStore
        do { store = try DeliveryStore(path: database) } catch { return Console.error("Error: \(error)") }
        defer { store.close() }

        let undelivered = UndeliveredTally()
        let service = DeliveryService(config: parsed, store: store, events: { event in
            switch event.kind {
            case .delivered:
                Console.out("\(event)\n")
                return
            case .rejected, .dropped: undelivered.add()
            case .retrying, .storeFailed: break
            }
            Console.err("\(event)\n")
        })
        // The outbox (and its lock) is taken before anything is enqueued: a process already delivering from this
        // database would otherwise send what this one stores, and this one could not deliver it.
        let leftover: Int
        do { leftover = try store.pendingCount() } catch { return Console.error("Error: \(error)") }
        let started = Self.blocking { () async -> Result<Void, any Error> in
            do { return .success(try await service.start()) } catch { return .failure(error) }
        }
        if case .failure(let error) = started { return Console.error("Error: \(error)") }

        let pipeline = NotificationPipeline(config: parsed, store: store, externalURL: externalURL, enqueued: service.wake)
        do {
            var enqueued = 0
            for flush in flushes(parsed) { enqueued += try pipeline.submit(flush).count }
            if enqueued == 0 && leftover == 0 {
                Console.err("nothing to send: the notification log in \(database) shows these alerts were already "
                            + "notified within repeat_interval, or no integration sends them\n")
            }
        } catch {
            Self.blocking { await service.stop() }
            return Console.error("Error: \(error)")
        }
        let timeout = Duration.milliseconds(timeout)
        let drained = Self.blocking { () async -> Bool in
            let drained = await service.drain(timeout: timeout)
            await service.stop()
            return drained
        }
        let lost = undelivered.count
        if lost > 0 {
            Console.err("""
                Error: \(lost) notification\(lost == 1 ? " was" : "s were") rejected or dropped (see above); the \
                notification log does not count \(lost == 1 ? "it" : "them") as sent, so a run with the same alerts \
                sends \(lost == 1 ? "it" : "them") again\n
                """)
        }
        guard drained else {
            let left = (try? store.pendingCount()) ?? 0
            return Console.error("""
                Error: \(left) notification\(left == 1 ? "" : "s") still undelivered after \
                \(ModelDuration.format(milliseconds: self.timeout)); kept in \(database) for the next run
                """)
        }
        return lost > 0 ? .failure : .ok
    }

    /// The alerts routed, inhibited and grouped as one flush now, each group with its route's repeat_interval.
    func flushes(_ config: AlertmanagerConfig) -> [GroupFlush] {
        let now = Timestamp((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let notifyAlerts = alerts.map { labels in
            NotifyAlert(labels: labels, status: resolved ? .resolved : .firing, startsAt: now, endsAt: resolved ? now : nil)
        }
        let routes = config.route.walk()
        return NotificationPlan(config: config, alerts: notifyAlerts, externalURL: externalURL).groups.map { group in
            let route = routes.first { $0.key == group.key.routeKey && $0.receiver == group.receiver }
            return GroupFlush(receiver: group.receiver, key: group.key, alerts: group.alerts,
                              repeatInterval: route?.repeatInterval ?? Route.defaultRepeatInterval, at: now)
        }
    }

    /// Runs `body` on the concurrency pool and waits for it: commands are synchronous, delivery is not.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = BlockingResult<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }
}

/// Counts notifications rejected or dropped during a run, from the delivery workers' threads.
private final class UndeliveredTally: Sendable {
    private let total = Mutex(0)

    func add() { total.withLock { $0 += 1 } }

    var count: Int { total.withLock { $0 } }
}

/// Carries a value from the task `NotifySendCommand.blocking` starts to the waiting thread (the semaphore orders
/// the write before the read).
private final class BlockingResult<T: Sendable>: @unchecked Sendable {
    var value: T?
}
