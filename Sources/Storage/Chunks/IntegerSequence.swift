/// A compact, exact form for a sequence of Int64 (timestamps, or decimal mantissas), picked per sequence.
///
/// The sequence is turned into residuals of a chosen `order` (0: the values, 1: deltas, 2: deltas of deltas;
/// the first `order` values are kept as seeds), the residuals are shifted by a `center` (a median, so counters'
/// steady increments and gauges' levels become small) and divided by their greatest common divisor (byte counts in
/// 4 KiB pages, values with trailing zeros). What is left is stored in the cheapest `Mode`.
///
/// Layout (absent when the sequence is empty):
/// `header` (bits 0–1 order, 2–3 mode, 4 set when a divisor follows; 5–7 zero), `order` zigzag varint seeds
/// (x0, then x1 - x0), and when there are residuals and the mode is not `zero`: zigzag varint `center`,
/// uvarint `divisor` (only with bit 4; at least 2), then for `rice` one byte `k` and the Rice bit stream of the
/// zigzagged quotients, for `packed` the `PackedCode` section, for `sparse` uvarint `count` and per nonzero quotient `uvarint gap` (zero quotients
/// skipped since the previous one) and `uvarint zigzag(quotient)`.
/// All arithmetic wraps, so any Int64 sequence (extremes included) round-trips.
enum IntegerSequence {
    enum Mode: UInt8 {
        /// Every residual is zero: nothing more is stored (constant series, exact scrape intervals).
        case zero = 0
        /// Every quotient is Rice-coded.
        case rice = 1
        /// Only the nonzero quotients are listed (mostly flat series with rare steps).
        case sparse = 2
        /// Every quotient in a fixed width, outliers listed after (`PackedCode`): fast to decode.
        case packed = 3
    }

    /// What `encode` will write, and how many bytes that takes.
    struct Plan {
        var order = 0
        var mode = Mode.zero
        var center: Int64 = 0
        var divisor: UInt64 = 1
        var riceK = 0
        var packedWidth = 0
        var byteCount = Int.max
    }

    /// Appends the sequence as `plan` lays it out (a plan from `plan(_:orders:)` for the same `x`). `offset` is
    /// subtracted from the first seed, so the decoder given the same offset adds it back (plans of order ≥ 1 only).
    static func encode(_ x: UnsafeBufferPointer<Int64>, plan: Plan, offset: Int64 = 0, to out: inout [UInt8]) {
        let n = x.count
        if n == 0 { return }
        precondition(offset == 0 || plan.order >= 1, "an offset needs a seed to apply to")
        let order = min(plan.order, n)
        let hasDivisor = plan.mode != .zero && plan.divisor > 1
        out.append(UInt8(plan.order) | plan.mode.rawValue << 2 | (hasDivisor ? 0x10 : 0))
        if order >= 1 { Varint.append(signed: x[0] &- offset, to: &out) }
        if order >= 2 { Varint.append(signed: x[1] &- x[0], to: &out) }
        let m = n - order
        if m <= 0 || plan.mode == .zero { return }
        Varint.append(signed: plan.center, to: &out)
        if hasDivisor { Varint.append(unsigned: plan.divisor, to: &out) }
        let divisor = Int64(bitPattern: plan.divisor)
        switch plan.mode {
        case .zero:
            return
        case .rice:
            out.append(UInt8(plan.riceK))
            var writer = BitWriter(capacity: m * (plan.riceK + 2) / 8 + 16)
            for i in order..<n {
                let q = quotient(residual(x, i, order: plan.order) &- plan.center, divisor)
                RiceCode.write(Varint.zigzag(q), k: plan.riceK, to: &writer)
            }
            out.append(contentsOf: writer.finish())
        case .packed:
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n - order) { u in
                for i in order..<n {
                    u[i - order] = Varint.zigzag(quotient(residual(x, i, order: plan.order) &- plan.center, divisor))
                }
                PackedCode.encode(UnsafeBufferPointer(u), width: plan.packedWidth, to: &out)
            }
        case .sparse:
            var count: UInt64 = 0
            for i in order..<n where residual(x, i, order: plan.order) != plan.center { count += 1 }
            Varint.append(unsigned: count, to: &out)
            var next = order
            for i in order..<n {
                let d = residual(x, i, order: plan.order) &- plan.center
                if d == 0 { continue }
                Varint.append(unsigned: UInt64(i - next), to: &out)
                Varint.append(unsigned: Varint.zigzag(quotient(d, divisor)), to: &out)
                next = i + 1
            }
        }
    }

    @inline(__always)
    static func residual(_ x: UnsafeBufferPointer<Int64>, _ i: Int, order: Int) -> Int64 {
        switch order {
        case 0: x[i]
        case 1: x[i] &- x[i &- 1]
        default: (x[i] &- x[i &- 1]) &- (x[i &- 1] &- x[i &- 2])
        }
    }

    /// `d / divisor`, skipping the slow division in the usual case of no divisor.
    @inline(__always)
    static func quotient(_ d: Int64, _ divisor: Int64) -> Int64 {
        divisor == 1 ? d : d / divisor
    }
}
