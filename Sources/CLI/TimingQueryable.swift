import Dispatch
import Synchronization
import TimeSeries

/// A `Queryable` that forwards to another and records how long selecting and decoding took (for `--stats`) and
/// how many samples the store returned.
///
/// Series sets are read by several threads while others evaluate, so the time recorded is wall time during which
/// at least one thread was inside the store: never more than the query's own wall time.
final class TimingQueryable: Queryable {
    let base: any Queryable
    private let clock = Mutex(ReadClock())

    init(_ base: any Queryable) {
        self.base = base
    }

    func select(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws -> [SeriesSamples] {
        enter()
        // Record the time even when the store throws: it was spent.
        defer { leave() }
        let series = try base.select(matchers, mint: mint, maxt: maxt)
        let samples = series.reduce(0) { $0 + $1.count }
        clock.withLock { $0.samples += samples }
        return series
    }

    func seriesSet(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws -> any SeriesSet {
        enter()
        defer { leave() }
        return TimedSeriesSet(base: try base.seriesSet(matchers, mint: mint, maxt: maxt), timing: self)
    }

    /// A thread starts working inside the store.
    func enter() {
        let now = DispatchTime.now().uptimeNanoseconds
        clock.withLock { c in
            if c.active == 0 { c.since = now }
            c.active += 1
        }
    }

    /// A thread leaves the store, having read `samples`.
    func leave(samples: Int = 0) {
        let now = DispatchTime.now().uptimeNanoseconds
        clock.withLock { c in
            c.active -= 1
            c.samples += samples
            if c.active == 0 { c.nanoseconds += now - c.since }
        }
    }

    /// Time spent in the store so far.
    var selectNanoseconds: UInt64 { clock.withLock { $0.nanoseconds } }

    /// Samples returned by the store so far.
    var samples: Int { clock.withLock { $0.samples } }
}

/// What `TimingQueryable` has measured: threads inside the store now and since when, and the totals.
private struct ReadClock {
    var active = 0
    var since: UInt64 = 0
    var nanoseconds: UInt64 = 0
    var samples = 0
}

/// Times the reads of another set: the time outside `body` counts as time in the store.
private struct TimedSeriesSet: SeriesSet {
    let base: any SeriesSet
    let timing: TimingQueryable

    var labels: [Labels] { base.labels }

    func read(_ positions: Range<Int>, _ body: (Int, SeriesSamples) -> Void) throws {
        timing.enter()
        var inside = true
        defer { if inside { timing.leave() } }
        try base.read(positions) { i, s in
            timing.leave(samples: s.count)
            inside = false
            body(i, s)
            timing.enter()
            inside = true
        }
    }
}
