import Dispatch
import Synchronization
import TimeSeries

/// Slides a range function's window over each series' contiguous samples, step by step: every stored sample
/// enters and leaves the window once. Large inputs are split across cores (the kernels are pure).
struct RangeEvaluator: Sendable {
    /// The function to apply to each window.
    enum Kernel: Sendable {
        case window(RangeKernel)
        /// `rate`/`increase`/`delta`, called directly so the hot loop inlines it.
        case extrapolated(isCounter: Bool, isRate: Bool)
        /// `min_over_time`/`max_over_time`: a monotonic queue gives each window's extreme in O(1) amortised.
        case extreme(max: Bool)

        init?(_ name: String) {
            switch name {
            case "max_over_time": self = .extreme(max: true)
            case "min_over_time": self = .extreme(max: false)
            case "rate": self = .extrapolated(isCounter: true, isRate: true)
            case "increase": self = .extrapolated(isCounter: true, isRate: false)
            case "delta": self = .extrapolated(isCounter: false, isRate: false)
            default:
                guard let k = RangeFunctions.kernels[name] else { return nil }
                self = .window(k)
            }
        }
    }

    struct SeriesResult: Sendable {
        var values: StepValues
        /// Whether any window held a sample (for annotations about the input).
        var sawSample: Bool
    }

    /// Values and presence per step, without labels.
    struct StepValues: Sendable {
        var values: [Double]
        var present: [Bool]
    }

    let kernel: Kernel
    let range: Int64
    /// Each step's window end (after `@` and offset), non-decreasing.
    let times: [Timestamp]
    let grid: StepGrid
    let param: [Double]

    /// Below this many windows the work stays on the calling thread.
    static let parallelThreshold = 200_000

    func evaluate(_ series: [LoadedSeries]) -> [SeriesResult] {
        let n = series.count
        var results = [SeriesResult](repeating: SeriesResult(values: StepValues(values: [], present: []), sawSample: false), count: n)
        let chunks = n * grid.count >= Self.parallelThreshold ? min(n, 64) : 1
        results.withUnsafeMutableBufferPointer { buffer in
            series.withUnsafeBufferPointer { input in
                nonisolated(unsafe) let out = buffer
                nonisolated(unsafe) let input = input
                if chunks == 1 {
                    for k in 0..<n { out[k] = evaluate(input[k]) }
                } else {
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        var k = c
                        while k < n {
                            out[k] = evaluate(input[k])
                            k += chunks
                        }
                    }
                }
            }
        }
        return results
    }

    /// Reads the set a block at a time on each evaluating thread and applies the function to every series as
    /// soon as it is read, while its samples are still in cache. Returns the results in the set's order and the
    /// samples read.
    func evaluate(_ set: any SeriesSet) throws -> (results: [SeriesResult], samples: Int) {
        let n = set.labels.count
        var results = [SeriesResult](repeating: SeriesResult(values: StepValues(values: [], present: []), sawSample: false), count: n)
        // Blocks of about `blockSeries` series (a store reads a block's series together), enough of them to
        // keep every core busy to the end.
        let blocks = n * grid.count >= Self.parallelThreshold ? min(64, max(2, (n + Self.blockSeries - 1) / Self.blockSeries)) : 1
        let samples = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            let work: @Sendable (Int) -> Void = { b in
                var read = 0
                do {
                    try set.read(n * b / blocks..<n * (b + 1) / blocks) { k, s in
                        read += s.count
                        out[k] = evaluate(LoadedSeries(withoutStaleMarkers: s))
                    }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
                samples.add(read, ordering: .relaxed)
            }
            if blocks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: blocks, execute: work) }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return (results, samples.load(ordering: .relaxed))
    }

    /// Series per block of a streamed evaluation: enough for a store to read them in a few batched statements,
    /// few enough that blocks even out across cores.
    static let blockSeries = 128

    func evaluate(_ s: borrowing LoadedSeries) -> SeriesResult {
        var values = [Double](repeating: 0, count: grid.count)
        var present = [Bool](repeating: false, count: grid.count)
        var saw = false
        s.timestamps.withUnsafeBufferPointer { ts in
            s.values.withUnsafeBufferPointer { vs in
                switch kernel {
                case .window(let f):
                    saw = slide(ts, vs, UnsafeBufferPointer(start: nil, count: 0), &values, &present) { f($0) }
                case .extrapolated(let isCounter, let isRate):
                    let resets = isCounter ? RangeFunctions.resetIndices(vs) : []
                    resets.withUnsafeBufferPointer { resets in
                        saw = slide(ts, vs, resets, &values, &present) {
                            RangeFunctions.extrapolatedRate($0, isCounter: isCounter, isRate: isRate)
                        }
                    }
                case .extreme(let isMax):
                    saw = slidingExtreme(ts, vs, isMax: isMax, &values, &present)
                }
            }
        }
        return SeriesResult(values: StepValues(values: values, present: present), sawSample: saw)
    }

    /// Moves the window `(end - range, end]` along the series for every step and applies `kernel`.
    @inline(__always)
    func slide(_ ts: UnsafeBufferPointer<Timestamp>, _ vs: UnsafeBufferPointer<Double>, _ resets: UnsafeBufferPointer<Int32>,
               _ values: inout [Double], _ present: inout [Bool], _ kernel: (RangeWindow) -> Double?) -> Bool {
        var lo = 0
        var hi = 0
        var saw = false
        let n = ts.count
        for i in 0..<grid.count {
            let end = times[i]
            let start = end - range
            while hi < n && ts[hi] <= end { hi += 1 }
            while lo < hi && ts[lo] <= start { lo += 1 }
            if hi > lo { saw = true }
            let w = RangeWindow(ts: ts, vs: vs, lo: lo, hi: hi, start: start, end: end, range: range,
                                stepTime: grid.time(i), param: param[i], resets: resets)
            if let v = kernel(w) {
                values[i] = v
                present[i] = true
            }
        }
        return saw
    }

    /// Prometheus's min/max_over_time over sliding windows: NaNs are ignored unless the window holds only NaNs,
    /// and among equal extremes the earliest wins. The queue holds indices of non-NaN samples whose values are
    /// strictly decreasing (max) or increasing (min).
    func slidingExtreme(_ ts: UnsafeBufferPointer<Timestamp>, _ vs: UnsafeBufferPointer<Double>, isMax: Bool,
                        _ values: inout [Double], _ present: inout [Bool]) -> Bool {
        var queue = [Int](repeating: 0, count: vs.count)
        var head = 0
        var tail = 0
        var lo = 0
        var hi = 0
        var saw = false
        let n = ts.count
        for i in 0..<grid.count {
            let end = times[i]
            let start = end - range
            while hi < n && ts[hi] <= end {
                let v = vs[hi]
                if !v.isNaN {
                    while tail > head && (isMax ? vs[queue[tail - 1]] < v : vs[queue[tail - 1]] > v) { tail -= 1 }
                    queue[tail] = hi
                    tail += 1
                }
                hi += 1
            }
            while lo < hi && ts[lo] <= start { lo += 1 }
            while head < tail && queue[head] < lo { head += 1 }
            guard hi > lo else { continue }
            saw = true
            values[i] = head < tail ? vs[queue[head]] : vs[lo]
            present[i] = true
        }
        return saw
    }
}
