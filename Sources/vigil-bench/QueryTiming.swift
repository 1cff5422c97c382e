import Dispatch
import Engine
import PromQL
import TimeSeries

/// A query's result and its median wall time.
struct TimedQuery {
    var result: QueryResult
    var ms: Double
}

enum QueryTiming {
    /// Runs `execute` once to warm up, then `runs` times; returns the last result and the median time.
    static func median(runs: Int, _ execute: () throws -> QueryResult) throws -> TimedQuery {
        var result = try execute()
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            result = try execute()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return TimedQuery(result: result, ms: times.sorted()[times.count / 2])
    }

    /// Times two ways of running the same query in alternation (a, b, a, b, ...) after one warm-up each, so
    /// that a noisy neighbour slows both alike; returns each one's median and the median of the per-pair
    /// time ratios a/b, a steadier figure than the ratio of two medians taken minutes apart.
    static func paired(
        runs: Int, _ a: () throws -> QueryResult, _ b: () throws -> QueryResult
    ) throws -> (a: TimedQuery, b: TimedQuery, ratio: Double) {
        var resultA = try a()
        var resultB = try b()
        var timesA: [Double] = []
        var timesB: [Double] = []
        var ratios: [Double] = []
        func time(_ run: () throws -> QueryResult) throws -> (QueryResult, Double) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let r = try run()
            return (r, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        for _ in 0..<runs {
            let (ra, ta) = try time(a)
            let (rb, tb) = try time(b)
            (resultA, resultB) = (ra, rb)
            timesA.append(ta)
            timesB.append(tb)
            ratios.append(ta / tb)
        }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        return (TimedQuery(result: resultA, ms: median(timesA)), TimedQuery(result: resultB, ms: median(timesB)),
                median(ratios))
    }
}

/// Runs a query's selectors alone against a store, the way the engine asks for them (range selectors over
/// their window, instant selectors over the lookback delta), to count series and to time selection and
/// decoding apart from evaluation.
struct SelectorProbe {
    var series = 0
    var samples = 0
    var ms = 0.0

    static func run(_ query: String, store: some Queryable, start: Timestamp, end: Timestamp) -> SelectorProbe? {
        guard let expr = try? Parser.parse(query) else { return nil }
        var probe = SelectorProbe()
        let t0 = DispatchTime.now().uptimeNanoseconds
        func walk(_ e: Expr, range: Int64) {
            switch e {
            case .vectorSelector(let v):
                let lookback = range > 0 ? range : EngineOptions().lookbackDelta
                let selected = (try? store.select(v.matchers, mint: start - v.offset - lookback, maxt: end - v.offset)) ?? []
                probe.series += selected.count
                probe.samples += selected.reduce(0) { $0 + $1.count }
            case .matrixSelector(let m):
                walk(.vectorSelector(m.selector), range: m.range)
            default:
                for child in e.children { walk(child, range: 0) }
            }
        }
        walk(expr, range: 0)
        probe.ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        return probe
    }

    /// The median of `runs` probes after a warm-up.
    static func median(runs: Int, _ query: String, store: some Queryable, start: Timestamp, end: Timestamp) -> SelectorProbe? {
        guard var probe = run(query, store: store, start: start, end: end) else { return nil }
        var times: [Double] = []
        for _ in 0..<runs {
            guard let p = run(query, store: store, start: start, end: end) else { return nil }
            times.append(p.ms)
        }
        probe.ms = times.sorted()[times.count / 2]
        return probe
    }
}
