extension IntegerSequence {
    /// Packed sections may be this fraction (1/n) larger than the Rice section they replace. On the benchmark
    /// workload 1/4 cost about 0.03 bytes a sample on disk against Rice everywhere and left Rice on 6 % of query
    /// b's samples, a tenth of its decoding instructions; 1/2 costs 0.004 bytes a sample more and leaves 2 %.
    static let packedAllowanceDivisor = 2

    /// Finds the smallest plan among residual orders `orders` (each in 0...2).
    ///
    /// Every order's residuals are computed, but only the promising ones are sized exactly: a 15-value sample
    /// gives each order's median and interquartile spread, and orders spread much wider than the narrowest
    /// one (their Rice codes would be bits longer per value) are skipped. An order whose residuals are all zero
    /// ends the search: list orders so that later ones cannot beat that (timestamps: 2 before 1).
    static func plan(_ x: UnsafeBufferPointer<Int64>, orders: [Int] = [0, 1, 2]) -> Plan {
        let n = x.count
        var best = Plan()
        if n == 0 {
            best.byteCount = 0
            return best
        }
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: 3 * n) { residuals in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n) { quotients in
                var candidates: [(order: Int, r: UnsafeMutableBufferPointer<Int64>, stats: SampleStats)] = []
                for (slot, order) in orders.enumerated() where order <= 2 {
                    let seeds = min(order, n)
                    let r = UnsafeMutableBufferPointer(rebasing: residuals[(slot * n)..<(slot * n + n - seeds)])
                    if r.isEmpty || !fillResiduals(x, order: order, into: r) {
                        // All zero: only the seeds are stored; higher orders would only add seeds.
                        best.order = order
                        best.byteCount = seedBytes(x, order: order)
                        break
                    }
                    candidates.append((order, r, SampleStats(UnsafeBufferPointer(r))))
                }
                let narrowest = candidates.map(\.stats.spread).min() ?? 0
                for c in candidates where c.stats.spread <= narrowest * 2 || c.stats.spread == 0 {
                    let plan = evaluate(x, order: c.order, residuals: UnsafeBufferPointer(c.r), stats: c.stats,
                                        quotients: quotients)
                    if plan.byteCount < best.byteCount { best = plan }
                }
                return best
            }
        }
    }

    /// The median and interquartile spread of up to 15 evenly spaced residuals: robust to the odd outlier
    /// (a reset), and cheap.
    struct SampleStats {
        var median: Int64
        /// Third minus first quartile, saturated at UInt64.max / 4 so that comparisons cannot overflow.
        var spread: UInt64

        init(_ r: UnsafeBufferPointer<Int64>) {
            let samples = min(r.count, 15)
            (median, spread) = withUnsafeTemporaryAllocation(of: Int64.self, capacity: samples) { buf in
                for j in 0..<samples {
                    buf[j] = r[j * r.count / samples]
                }
                // Insertion sort: at most 15 elements.
                for j in 1..<max(samples, 1) {
                    let v = buf[j]
                    var p = j
                    while p > 0 && buf[p - 1] > v {
                        buf[p] = buf[p - 1]
                        p -= 1
                    }
                    buf[p] = v
                }
                let spread = UInt64(bitPattern: buf[samples * 3 / 4] &- buf[samples / 4])
                return (buf[samples / 2], min(spread, UInt64.max / 4))
            }
        }
    }

    private static func seedBytes(_ x: UnsafeBufferPointer<Int64>, order: Int) -> Int {
        let seeds = min(order, x.count)
        var bytes = 1
        if seeds >= 1 { bytes += Varint.length(Varint.zigzag(x[0])) }
        if seeds >= 2 { bytes += Varint.length(Varint.zigzag(x[1] &- x[0])) }
        return bytes
    }

    /// The exact size of the best plan for one order with nonzero `residuals`; uses `quotients` as scratch.
    private static func evaluate(
        _ x: UnsafeBufferPointer<Int64>, order: Int, residuals r: UnsafeBufferPointer<Int64>, stats: SampleStats,
        quotients: UnsafeMutableBufferPointer<UInt64>
    ) -> Plan {
        let m = r.count
        var plan = Plan()
        plan.order = order
        plan.center = stats.median
        plan.divisor = divisor(r, center: plan.center)
        var fixed = seedBytes(x, order: order) + Varint.length(Varint.zigzag(plan.center))
        if plan.divisor > 1 { fixed += Varint.length(plan.divisor) }
        let divisor = Int64(bitPattern: plan.divisor)
        let u = UnsafeMutableBufferPointer(rebasing: quotients[0..<m])
        var zeros = 0
        for i in 0..<m {
            let q = Varint.zigzag(quotient(r[i] &- plan.center, divisor))
            u[i] = q
            zeros &+= q == 0 ? 1 : 0
        }
        // Zigzagged quotients are about the spread over the divisor; the walk in `bestRiceK` corrects this guess.
        let typical = stats.spread / plan.divisor
        let (k, bits) = bestRiceK(UnsafeBufferPointer(u), from: max(0, 63 - typical.leadingZeroBitCount - 1))
        plan.mode = .rice
        plan.riceK = k
        plan.byteCount = fixed + 1 + (bits + 7) / 8
        // Packing decodes several times faster than Rice codes, so it wins unless Rice is clearly smaller.
        let packed = PackedCode.plan(UnsafeBufferPointer(u))
        let riceBytes = plan.byteCount - fixed
        if packed.bytes <= riceBytes + riceBytes / packedAllowanceDivisor {
            plan.mode = .packed
            plan.packedWidth = packed.width
            plan.byteCount = fixed + packed.bytes
        }
        // Listing only nonzero quotients can only win when most are zero.
        if zeros * 2 >= m {
            let sparse = sparseBytes(UnsafeBufferPointer(u), nonzero: m - zeros)
            if sparse <= plan.byteCount - fixed {
                plan.mode = .sparse
                plan.byteCount = fixed + sparse
            }
        }
        return plan
    }

    private static func sparseBytes(_ u: UnsafeBufferPointer<UInt64>, nonzero: Int) -> Int {
        var bytes = Varint.length(UInt64(nonzero))
        var next = 0
        for i in 0..<u.count where u[i] != 0 {
            bytes &+= Varint.length(UInt64(i &- next)) &+ Varint.length(u[i])
            next = i &+ 1
        }
        return bytes
    }

    /// Writes the residuals of `order` for x[order...] into `r`; returns whether any is nonzero.
    private static func fillResiduals(
        _ x: UnsafeBufferPointer<Int64>, order: Int, into r: UnsafeMutableBufferPointer<Int64>
    ) -> Bool {
        var any: Int64 = 0
        switch order {
        case 0:
            for i in 0..<r.count {
                r[i] = x[i]
                any |= x[i]
            }
        case 1:
            for i in 0..<r.count {
                let d = x[i &+ 1] &- x[i]
                r[i] = d
                any |= d
            }
        default:
            for i in 0..<r.count {
                let d = (x[i &+ 2] &- x[i &+ 1]) &- (x[i &+ 1] &- x[i])
                r[i] = d
                any |= d
            }
        }
        return any != 0
    }

    /// The greatest common divisor of the centered residuals (1 when it would not fit an Int64).
    private static func divisor(_ r: UnsafeBufferPointer<Int64>, center: Int64) -> UInt64 {
        var g: UInt64 = 0
        for v in r {
            let d = v &- center
            g = gcd(g, d < 0 ? 0 &- UInt64(bitPattern: d) : UInt64(bitPattern: d))
            if g == 1 { return 1 }  // as it is at once for most noisy data
        }
        return g == 0 || g > UInt64(Int64.max) ? 1 : g
    }

    /// Binary GCD: shifts and subtractions, no division.
    @inline(__always)
    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        if a == 0 { return b }
        if b == 0 { return a }
        let shift = (a | b).trailingZeroBitCount
        var a = a &>> UInt64(a.trailingZeroBitCount)
        var b = b
        repeat {
            b &>>= UInt64(b.trailingZeroBitCount)
            // Branch-free min/max: the comparison is unpredictable.
            let low = min(a, b)
            b = max(a, b) &- low
            a = low
        } while b != 0
        return a &<< UInt64(shift)
    }

    /// The exact cheapest Rice parameter, walking from `start` while the total falls (it is unimodal in k).
    private static func bestRiceK(_ u: UnsafeBufferPointer<UInt64>, from start: Int) -> (k: Int, bits: Int) {
        var k = min(start, 63)
        var bits = riceBits(u, k: k)
        var climbed = false
        while k < 63 {
            let next = riceBits(u, k: k + 1)
            if next >= bits { break }
            (k, bits, climbed) = (k + 1, next, true)
        }
        while !climbed && k > 0 {
            let next = riceBits(u, k: k - 1)
            if next >= bits { break }
            (k, bits) = (k - 1, next)
        }
        return (k, bits)
    }

    private static func riceBits(_ u: UnsafeBufferPointer<UInt64>, k: Int) -> Int {
        var bits = 0
        for v in u { bits &+= RiceCode.cost(v, k: k) }
        return bits
    }
}
