import Testing
@testable import Storage

/// The packed mode of integer sequences: every width, order and divisor round-trips exactly, outliers included,
/// and a partial decode (`limit`) gives the sequence's prefix.
struct PackedCodeTests {
    /// A reproducible sequence whose residuals of `order` are multiples of `divisor` around a level, with a few
    /// huge outliers (a counter reset, a late scrape).
    static func sequence(n: Int, order: Int, divisor: Int64, seed: UInt64) -> [Int64] {
        var rng = seed
        func next() -> UInt64 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return rng >> 11
        }
        var x: [Int64] = []
        var delta: Int64 = 0
        var value: Int64 = Int64(bitPattern: next()) >> 20
        for i in 0..<n {
            var r = (Int64(next() % 41) - 20) * divisor + 1000 * divisor
            if i % 97 == 13 { r = Int64(bitPattern: next() << 8) / divisor * divisor }  // outlier
            switch order {
            case 0: value = r
            case 1: value &+= r
            default:
                delta &+= r
                value &+= delta
            }
            x.append(value)
        }
        return x
    }

    /// Encodes and decodes; with `slack`, garbage bytes follow the section and the decoder may load them.
    static func roundTrip(_ x: [Int64], plan: IntegerSequence.Plan, limit: Int, slack: Bool = false) throws -> [Int64] {
        var bytes: [UInt8] = []
        x.withUnsafeBufferPointer { IntegerSequence.encode($0, plan: plan, to: &bytes) }
        let length = bytes.count
        if slack { bytes += repeatElement(0xA5, count: 8) }
        var out = [Int64](repeating: 0, count: x.count)
        try bytes.withUnsafeBytes { padded in
            let raw = UnsafeRawBufferPointer(rebasing: padded[..<length])
            var reader = ByteReader(raw, slack: slack ? 8 : 0)
            try out.withUnsafeMutableBufferPointer { dst in
                try IntegerSequence.decode(from: &reader, count: x.count, limit: limit, into: dst.baseAddress!,
                                           section: "test")
            }
            if limit == x.count { #expect(reader.remaining == 0, "the whole section is consumed") }
            // The same section decoded straight into doubles (decimal values at scale 0).
            var doubles = [Double](repeating: .nan, count: x.count)
            var scratch = [Int64](repeating: 0, count: x.count)
            var again = ByteReader(raw, slack: slack ? 8 : 0)
            try doubles.withUnsafeMutableBufferPointer { d in
                try scratch.withUnsafeMutableBufferPointer { s in
                    try IntegerSequence.decode(from: &again, count: x.count, limit: limit, intoDoubles: d.baseAddress!,
                                               scratch: s.baseAddress!, section: "test")
                }
            }
            #expect(doubles[..<limit].map(\.bitPattern) == x[..<limit].map { Double($0).bitPattern }, "as doubles")
            #expect(again.offset == reader.offset)
        }
        return Array(out[..<limit])
    }

    @Test(arguments: [0, 1, 2])
    func everyWidthRoundTrips(order: Int) throws {
        for divisor: Int64 in [1, 3] {
            // With no residuals (n <= order) the planner never picks a divisor, and the format has no room for one.
            for n in [1, 2, 3, 9, 120, 480] where divisor == 1 || n > order {
                let x = Self.sequence(n: n, order: order, divisor: divisor, seed: UInt64(n * 10 + order))
                for width in Array(0...16) + [56, 57, 58, 63, 64] {
                    var plan = IntegerSequence.Plan()
                    plan.order = order
                    plan.mode = .packed
                    plan.center = 1000 * divisor
                    plan.divisor = UInt64(divisor)
                    plan.packedWidth = width
                    for limit in Set([n, n / 2, 0]) {
                        for slack in [false, true] {
                            let got = try Self.roundTrip(x, plan: plan, limit: limit, slack: slack)
                            #expect(got == Array(x[..<limit]), "order \(order) divisor \(divisor) n \(n) width \(width) limit \(limit) slack \(slack)")
                        }
                    }
                }
            }
        }
    }

    /// Sparse sections (only the residuals that differ from the center listed) decode through the packed path
    /// as width 0 with outliers: every order, divisor, limit and position of the listed residuals.
    @Test(arguments: [0, 1, 2])
    func sparseSectionsRoundTrip(order: Int) throws {
        for divisor: Int64 in [1, 5] {
            for n in [1, 2, 3, 9, 120, 480] where divisor == 1 || n > order {
                var rng = UInt64(n * 7 + order)
                func next() -> UInt64 {
                    rng = rng &* 6364136223846793005 &+ 1442695040888963407
                    return rng >> 11
                }
                // A counter with a steady increment and rare steps (first and last residuals included).
                var x: [Int64] = []
                var value: Int64 = 1 << 40
                var delta: Int64 = 0
                for i in 0..<n {
                    var r = 60 * divisor
                    if i == order || i == n - 1 || next() % 17 == 0 { r = (Int64(next() % 2001) - 1000) * divisor }
                    switch order {
                    case 0: value = r
                    case 1: value &+= r
                    default:
                        delta &+= r
                        value &+= delta
                    }
                    x.append(value)
                }
                var plan = IntegerSequence.Plan()
                plan.order = order
                plan.mode = .sparse
                plan.center = 60 * divisor
                plan.divisor = UInt64(divisor)
                for limit in Set([n, n / 2, n - 1, 0]) where limit >= 0 {
                    for slack in [false, true] {
                        let got = try Self.roundTrip(x, plan: plan, limit: limit, slack: slack)
                        #expect(got == Array(x[..<limit]), "order \(order) divisor \(divisor) n \(n) limit \(limit)")
                    }
                }
            }
        }
    }

    @Test func plannerPicksPackingForTypicalCounterIncrements() {
        // Per-scrape increments of a request counter: Rice would be a little smaller, packing decodes faster.
        var x: [Int64] = []
        var v: Int64 = 1_000_000
        var rng: UInt64 = 7
        for _ in 0..<480 {
            rng = rng &* 6364136223846793005 &+ 1
            v += 200 + Int64((rng >> 33) % 60)
            x.append(v)
        }
        let plan = x.withUnsafeBufferPointer { IntegerSequence.plan($0) }
        #expect(plan.mode == .packed)
        #expect(plan.order == 1)
        #expect(plan.packedWidth <= 7, "increments within ±30 of the median need at most 6–7 bits")
    }

    @Test func truncatedOrDamagedPackedSectionsThrow() throws {
        let x = Self.sequence(n: 120, order: 1, divisor: 1, seed: 5)
        var plan = IntegerSequence.Plan()
        plan.order = 1
        plan.mode = .packed
        plan.center = 1000
        plan.packedWidth = 6
        var bytes: [UInt8] = []
        x.withUnsafeBufferPointer { IntegerSequence.encode($0, plan: plan, to: &bytes) }
        for cut in [bytes.count - 1, bytes.count / 2, 4] {
            let short = Array(bytes[..<cut])
            var out = [Int64](repeating: 0, count: x.count)
            #expect(throws: ChunkError.self) {
                try short.withUnsafeBytes { raw in
                    var reader = ByteReader(raw)
                    try out.withUnsafeMutableBufferPointer { dst in
                        try IntegerSequence.decode(from: &reader, count: x.count, limit: x.count, into: dst.baseAddress!,
                                                   section: "test")
                    }
                }
            }
        }
    }
}

/// Mantissas back to doubles: the fast conversion agrees bit for bit with `Double(m) / power` on both sides of
/// its ±2^51 range, for every scale.
struct DecimalConversionTests {
    @Test func fastConversionIsExact() {
        var rng: UInt64 = 42
        let edges: [Int64] = [0, 1, -1, (1 << 51) - 1, -(1 << 51), 1 << 51, -(1 << 51) - 1, Int64.max, Int64.min, 123_456_789]
        for scale in 0...DecimalValues.maxScale {
            for wide in [false, true] {
                var m: [Int64] = edges.filter { wide || ($0 < (1 << 51) && $0 >= -(1 << 51)) }
                for _ in 0..<200 {
                    rng = rng &* 6364136223846793005 &+ 1442695040888963407
                    m.append(Int64(bitPattern: rng) >> (wide ? 1 : 14))
                }
                var out = [Double](repeating: .nan, count: m.count)
                let power = DecimalValues.powers[scale]
                m.withUnsafeMutableBufferPointer { mp in
                    out.withUnsafeMutableBufferPointer { op in
                        DecimalValues.toDoubles(mp.baseAddress!, count: mp.count, power: power, into: op.baseAddress!)
                    }
                }
                let expected = m.map { Double($0) / power }
                #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "scale \(scale) wide \(wide)")
            }
        }
    }
}
