import PromQL
import TimeSeries

/// One series' samples loaded for a range-vector argument (stale markers removed), timestamps ascending.
struct LoadedSeries {
    var metric: Labels
    var timestamps: ArraySlice<Timestamp>
    var values: ArraySlice<Double>
}

extension LoadedSeries {
    /// The series' samples with stale markers removed (a range function never sees them).
    init(withoutStaleMarkers s: SeriesSamples) {
        if s.values.contains(where: { StaleMarker.isStale($0) }) {
            var ts: [Timestamp] = []
            var vals: [Double] = []
            for (t, v) in zip(s.timestamps, s.values) where !StaleMarker.isStale(v) {
                ts.append(t)
                vals.append(v)
            }
            self.init(metric: s.labels, timestamps: ts[...], values: vals[...])
        } else {
            self.init(metric: s.labels, timestamps: s.timestamps, values: s.values)
        }
    }
}

/// The series of a range selector or subquery plus the time each step evaluates it at.
struct LoadedRange {
    var series: [LoadedSeries]
    /// Per grid step: the window's right edge (after `@` and offset); the window is `(time - range, time]`.
    var times: [Timestamp]
}

/// Indices `[lo, hi)` of the samples with `from < t <= to` (left-open window).
@inline(__always)
func windowBounds(_ ts: ArraySlice<Timestamp>, from: Timestamp, to: Timestamp) -> (Int, Int) {
    (upperBound(ts, from), upperBound(ts, to))
}

/// First index whose timestamp is greater than `x`.
@inline(__always)
func upperBound(_ ts: ArraySlice<Timestamp>, _ x: Timestamp) -> Int {
    var lo = ts.startIndex
    var hi = ts.endIndex
    while lo < hi {
        let mid = (lo + hi) >> 1
        if ts[mid] <= x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

extension Evaluator {
    func select(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws(QueryError) -> [SeriesSamples] {
        do {
            let s = try store.select(matchers, mint: mint, maxt: maxt)
            for x in s { samplesScanned += x.count }
            return s
        } catch let e as QueryError {
            throw e
        } catch {
            throw .storage("\(error)")
        }
    }

    /// An instant selector at every step: the newest sample in `(t - lookback, t]`, unless it is a stale marker.
    /// With `sampleTimes`, yields the sample's timestamp in seconds instead of its value (for `timestamp()`).
    func evalVectorSelector(_ vs: VectorSelector, _ g: StepGrid, sampleTimes: Bool = false) throws(QueryError) -> [StepSeries] {
        let times = selectorTimes(at: vs.at, offset: vs.offset, g)
        guard let minT = times.min(), let maxT = times.max() else { return [] }
        let lookback = options.lookbackDelta
        let loaded = try select(vs.matchers, mint: minT - lookback + 1, maxt: maxT)
        var out: [StepSeries] = []
        out.reserveCapacity(loaded.count)
        for s in loaded {
            var series = StepSeries(metric: s.labels, count: g.count)
            let ts = s.timestamps
            let vals = s.values
            var any = false
            if vs.at != nil {
                // One evaluation time for every step.
                let t = times[0]
                let j = upperBound(ts, t)
                if j > ts.startIndex, ts[j - 1] > t - lookback, !StaleMarker.isStale(vals[j - 1]) {
                    let v = sampleTimes ? Double(ts[j - 1]) / 1000 : vals[j - 1]
                    for i in 0..<g.count { series.set(i, v) }
                    any = true
                }
            } else {
                var j = ts.startIndex
                let end = ts.endIndex
                for i in 0..<g.count {
                    let t = times[i]
                    while j < end && ts[j] <= t { j += 1 }
                    if j > ts.startIndex {
                        let k = j - 1
                        if ts[k] > t - lookback {
                            let v = vals[k]
                            if !StaleMarker.isStale(v) {
                                series.values[i] = sampleTimes ? Double(ts[k]) / 1000 : v
                                series.present[i] = true
                                any = true
                            }
                        }
                    }
                }
            }
            if any { out.append(series) }
        }
        return out
    }

    /// Loads a range selector's series for every window of the grid, stale markers removed.
    func loadRange(_ vs: VectorSelector, range: Int64, _ g: StepGrid) throws(QueryError) -> LoadedRange {
        let times = selectorTimes(at: vs.at, offset: vs.offset, g)
        guard let minT = times.min(), let maxT = times.max() else { return LoadedRange(series: [], times: []) }
        let loaded = try select(vs.matchers, mint: minT - range + 1, maxt: maxT)
        var out: [LoadedSeries] = []
        out.reserveCapacity(loaded.count)
        for s in loaded { out.append(LoadedSeries(withoutStaleMarkers: s)) }
        return LoadedRange(series: out, times: times)
    }

    /// A range selector's series for a range function to read one block at a time (see `SeriesSet`), and the
    /// time each step evaluates it at; nil when the grid is empty.
    func openRange(_ vs: VectorSelector, range: Int64, _ g: StepGrid) throws(QueryError) -> (set: any SeriesSet, times: [Timestamp])? {
        let times = selectorTimes(at: vs.at, offset: vs.offset, g)
        guard let minT = times.min(), let maxT = times.max() else { return nil }
        do {
            return (try store.seriesSet(vs.matchers, mint: minT - range + 1, maxt: maxT), times)
        } catch let e as QueryError {
            throw e
        } catch {
            throw .storage("\(error)")
        }
    }

    /// Evaluates a subquery's inner expression on its own aligned grid and returns it as range-vector input.
    func evalSubquery(_ sq: SubqueryExpr, _ g: StepGrid) throws(QueryError) -> LoadedRange {
        let times = selectorTimes(at: sq.at, offset: sq.offset, g)
        guard let minT = times.min(), let maxT = times.max() else { return LoadedRange(series: [], times: []) }
        let step = sq.step > 0 ? sq.step : options.defaultSubqueryStep
        // The first step at or after the earliest window start, aligned to absolute multiples of the step.
        let target = minT - sq.range
        var innerStart = step * (target / step)
        if innerStart < target { innerStart += step }
        let inner = StepGrid(start: innerStart, end: maxT, step: step)
        var series: [LoadedSeries] = []
        switch try eval(sq.expr, inner) {
        case .vector(let vec):
            for s in vec {
                var ts: [Timestamp] = []
                var vals: [Double] = []
                for i in 0..<inner.count where s.present[i] {
                    ts.append(inner.time(i))
                    vals.append(s.values[i])
                }
                if !ts.isEmpty { series.append(LoadedSeries(metric: s.metric, timestamps: ts[...], values: vals[...])) }
            }
        case .scalar(let v):
            let ts = (0..<inner.count).map { inner.time($0) }
            series.append(LoadedSeries(metric: .empty, timestamps: ts[...], values: v[...]))
        default:
            throw .evaluation("subquery is only allowed on instant vector, got \(sq.expr.type.rawValue) instead")
        }
        return LoadedRange(series: series, times: times)
    }
}
