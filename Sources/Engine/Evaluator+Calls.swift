import Foundation
import PromQL
import TimeSeries

extension Evaluator {
    func evalCall(_ c: Call, _ g: StepGrid) throws(QueryError) -> EvalValue {
        let name = c.function.name
        if c.function.argTypes.contains(.matrix) { return try evalRangeCall(c, g) }
        switch name {
        case "time":
            return .scalar((0..<g.count).map { Double(g.time($0)) / 1000 })
        case "pi":
            return .scalar([Double](repeating: Double.pi, count: g.count))
        case "vector":
            let v = try scalarArg(c.args[0], g)
            return .vector([StepSeries(metric: .empty, values: v, present: [Bool](repeating: true, count: g.count))])
        case "scalar":
            let vec = try vectorArg(c.args[0], g)
            var out = [Double](repeating: .nan, count: g.count)
            for i in 0..<g.count {
                var n = 0
                var v = Double.nan
                for s in vec where s.present[i] {
                    n += 1
                    v = s.values[i]
                    if n > 1 { break }
                }
                if n == 1 { out[i] = v }
            }
            return .scalar(out)
        case "timestamp":
            if case .vectorSelector(let vs) = unwrapParens(c.args[0]) {
                return .vector(try droppingMetricNames(evalVectorSelector(vs, g, sampleTimes: true), g))
            }
            var vec = try vectorArg(c.args[0], g)
            for i in vec.indices {
                for j in 0..<g.count { vec[i].values[j] = Double(g.time(j)) / 1000 }
            }
            return .vector(try droppingMetricNames(vec, g))
        case "absent":
            let vec = try vectorArg(c.args[0], g)
            var out = StepSeries(metric: absentLabels(c.args[0]), count: g.count)
            for i in 0..<g.count where !vec.contains(where: { $0.present[i] }) { out.set(i, 1) }
            return .vector(out.isEmpty ? [] : [out])
        case "sort", "sort_desc":
            var vec = try vectorArg(c.args[0], g)
            if g.count == 1 {
                // NaN sorts last either way.
                let desc = name == "sort_desc"
                vec.sort { a, b in
                    let x = a.values[0], y = b.values[0]
                    if x.isNaN { return false }
                    if y.isNaN { return true }
                    return desc ? x > y : x < y
                }
            }
            return .vector(vec)
        case "label_replace":
            return .vector(try labelReplace(c, g))
        case "label_join":
            return .vector(try labelJoin(c, g))
        case "histogram_quantile":
            return .vector(try histogramQuantile(c, g))
        case "histogram_fraction":
            return .vector(try histogramFraction(c, g))
        case "histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar":
            // Native-histogram functions ignore float samples.
            _ = try vectorArg(c.args[0], g)
            return .vector([])
        case "clamp", "clamp_min", "clamp_max":
            var vec = try vectorArg(c.args[0], g)
            let lo: [Double]? = name == "clamp_max" ? nil : try scalarArg(c.args[1], g)
            let hi: [Double]? = name == "clamp" ? try scalarArg(c.args[2], g) : name == "clamp_max" ? try scalarArg(c.args[1], g) : nil
            for k in vec.indices {
                for i in 0..<g.count where vec[k].present[i] {
                    if let lo, let hi, hi[i] < lo[i] {
                        vec[k].present[i] = false
                        continue
                    }
                    var v = vec[k].values[i]
                    if let lo { v = FloatMath.max(lo[i], v) }
                    if let hi { v = FloatMath.min(hi[i], v) }
                    vec[k].values[i] = v
                }
            }
            return .vector(try droppingMetricNames(vec.filter { !$0.isEmpty }, g))
        case "round":
            var vec = try vectorArg(c.args[0], g)
            let nearest = c.args.count > 1 ? try scalarArg(c.args[1], g) : [Double](repeating: 1, count: g.count)
            for k in vec.indices {
                for i in 0..<g.count where vec[k].present[i] {
                    let inv = 1.0 / nearest[i]
                    vec[k].values[i] = (vec[k].values[i] * inv + 0.5).rounded(.down) / inv
                }
            }
            return .vector(try droppingMetricNames(vec, g))
        default:
            if let f = InstantFunctions.math[name] {
                return .vector(try mapValues(c, g, f))
            }
            if let f = InstantFunctions.date[name] {
                if c.args.isEmpty {
                    let vals = (0..<g.count).map { f(Double(g.time($0)) / 1000) }
                    return .vector([StepSeries(metric: .empty, values: vals, present: [Bool](repeating: true, count: g.count))])
                }
                return .vector(try mapValues(c, g, f))
            }
            throw .evaluation("function \"\(name)\" is not supported")
        }
    }

    /// Applies a float function to every sample of the first argument, dropping the metric name.
    func mapValues(_ c: Call, _ g: StepGrid, _ f: (Double) -> Double) throws(QueryError) -> [StepSeries] {
        var vec = try vectorArg(c.args[0], g)
        for k in vec.indices {
            for i in 0..<g.count where vec[k].present[i] { vec[k].values[i] = f(vec[k].values[i]) }
        }
        return try droppingMetricNames(vec, g)
    }

    func unwrapParens(_ e: Expr) -> Expr {
        if case .paren(let p) = e { return unwrapParens(p.expr) }
        return e
    }

    /// Labels of `absent(...)`/`absent_over_time(...)`: the selector's equality matchers, minus repeated names.
    func absentLabels(_ e: Expr) -> Labels {
        let matchers: [LabelMatcher]
        switch e {
        case .vectorSelector(let vs): matchers = vs.matchers
        case .matrixSelector(let ms): matchers = ms.selector.matchers
        default: return .empty
        }
        var out: [String: String] = [:]
        var seen: Set<String> = []
        for m in matchers where m.name != Labels.metricName {
            if m.type == .equal && !seen.contains(m.name) {
                out[m.name] = m.value
                seen.insert(m.name)
            } else {
                out[m.name] = nil
            }
        }
        return Labels(out)
    }

    // MARK: - Range-vector functions

    func evalRangeCall(_ c: Call, _ g: StepGrid) throws(QueryError) -> EvalValue {
        let name = c.function.name
        guard let matrixIndex = c.function.argTypes.firstIndex(of: .matrix) else { throw .evaluation("no range argument") }
        let arg = unwrapParens(c.args[matrixIndex])
        if case .matrixSelector(let ms) = arg, name != "absent_over_time" {
            return try evalStreamedRangeCall(c, ms, matrixIndex: matrixIndex, g)
        }
        let loaded: LoadedRange
        let range: Int64
        switch arg {
        case .matrixSelector(let ms):
            loaded = try loadRange(ms.selector, range: ms.range, g)
            range = ms.range
        case .subquery(let sq):
            loaded = try evalSubquery(sq, g)
            range = sq.range
        default:
            throw .evaluation("expected a range vector in call to \(name)")
        }
        let param = try rangeParam(c, g)
        if name == "absent_over_time" {
            var out = StepSeries(metric: absentLabels(c.args[0]), count: g.count)
            for i in 0..<g.count {
                let end = loaded.times[i]
                let start = end - range
                let any = loaded.series.contains { s in
                    let (lo, hi) = windowBounds(s.timestamps, from: start, to: end)
                    return hi > lo
                }
                if !any { out.set(i, 1) }
            }
            return .vector(out.isEmpty ? [] : [out])
        }
        guard let kernel = RangeEvaluator.Kernel(name) else { throw .unsupported("function \"\(name)\" is not supported") }
        let results = RangeEvaluator(kernel: kernel, range: range, times: loaded.times, grid: g, param: param)
            .evaluate(loaded.series)
        return try rangeCallResult(c, matrixIndex: matrixIndex, metrics: loaded.series.map(\.metric), results)
    }

    /// A range function over a range selector: the selector's series are read and evaluated a block at a time.
    private func evalStreamedRangeCall(_ c: Call, _ ms: MatrixSelector, matrixIndex: Int, _ g: StepGrid) throws(QueryError) -> EvalValue {
        let name = c.function.name
        guard let kernel = RangeEvaluator.Kernel(name) else { throw .unsupported("function \"\(name)\" is not supported") }
        guard let (set, times) = try openRange(ms.selector, range: ms.range, g) else { return .vector([]) }
        let param = try rangeParam(c, g)
        let evaluator = RangeEvaluator(kernel: kernel, range: ms.range, times: times, grid: g, param: param)
        let evaluated: (results: [RangeEvaluator.SeriesResult], samples: Int)
        do {
            evaluated = try evaluator.evaluate(set)
        } catch let e as QueryError {
            throw e
        } catch {
            throw .storage("\(error)")
        }
        samplesScanned += evaluated.samples
        return try rangeCallResult(c, matrixIndex: matrixIndex, metrics: set.labels, evaluated.results)
    }

    /// The per-step parameter of `quantile_over_time` and `predict_linear` (zeros for the others).
    private func rangeParam(_ c: Call, _ g: StepGrid) throws(QueryError) -> [Double] {
        switch c.function.name {
        case "quantile_over_time":
            let param = try scalarArg(c.args[0], g)
            for q in param where q.isNaN || q < 0 || q > 1 {
                annotate(.warning, "quantile value should be between 0 and 1, got \(GoFloat.formatG(q))", c.args[0].position)
            }
            return param
        case "predict_linear":
            return try scalarArg(c.args[1], g)
        default:
            return [Double](repeating: 0, count: g.count)
        }
    }

    /// The output series of a range function, from each input series' labels and result.
    private func rangeCallResult(_ c: Call, matrixIndex: Int, metrics: [Labels],
                                 _ results: [RangeEvaluator.SeriesResult]) throws(QueryError) -> EvalValue {
        let keepName = RangeFunctions.keepsName.contains(c.function.name)
        var out: [StepSeries] = []
        out.reserveCapacity(results.count)
        let checkCounter = c.function.name == "rate" || c.function.name == "increase"
        var names: Set<String> = []
        for k in results.indices {
            let metric = metrics[k]
            let name = metric.metricName
            if names.count < 2 { names.insert(name ?? "") }
            if checkCounter, results[k].sawSample, let name, !Evaluator.looksLikeCounter(name) {
                annotate(.info, "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \(Labels.quote(name))",
                         c.args[matrixIndex].position)
            }
            guard results[k].values.present.contains(true) else { continue }
            out.append(StepSeries(metric: keepName ? metric : metric.withoutMetricName,
                                  values: results[k].values.values, present: results[k].values.present))
        }
        // Distinct input series that share one metric name stay distinct once it is dropped.
        if !keepName && names.count > 1 {
            var seen: Set<Labels> = []
            for s in out where !seen.insert(s.metric).inserted {
                throw .evaluation("vector cannot contain metrics with the same labelset")
            }
        }
        return .vector(out)
    }

    static func looksLikeCounter(_ name: String) -> Bool {
        name.hasSuffix("_total") || name.hasSuffix("_sum") || name.hasSuffix("_count") || name.hasSuffix("_bucket")
    }
}
