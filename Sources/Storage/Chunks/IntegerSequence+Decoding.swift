extension IntegerSequence {
    /// Reads a sequence of `count` values laid out by `encode` and stores the first `limit` of them in `out`, each
    /// plus `offset` (the one given to `encode`). When `limit < count` the reader is left inside the sequence: only
    /// use that for a chunk's last section.
    static func decode(
        from reader: inout ByteReader, count n: Int, limit: Int, offset: Int64 = 0,
        into out: UnsafeMutablePointer<Int64>, section: String
    ) throws(ChunkError) {
        _ = try decode(from: &reader, count: n, limit: limit, offset: offset, into: Int64Output(out), integers: out,
                       section: section)
    }

    /// The first value and step of a sequence of `count` values that is an arithmetic progression stored as such
    /// (order 2, every residual zero: timestamps of a steady scrape), read without moving `reader`; nil otherwise
    /// or when the step is not positive.
    static func progression(at reader: ByteReader, count n: Int, offset: Int64) -> (first: Int64, step: Int64)? {
        guard n >= 2 else { return nil }
        var peek = reader
        guard let header = try? peek.byte(in: "timestamps"), header == 2,
              let x0 = try? peek.signed(in: "timestamps"), let d0 = try? peek.signed(in: "timestamps"), d0 > 0
        else { return nil }
        return (x0 &+ offset, d0)
    }

    /// `decode`, storing `Double(value)` for each value (exactly the encoder's check for decimals at scale 0).
    /// Packed sequences, most of them, convert as they integrate; the others decode into `scratch` (room for
    /// `count` values) and convert after.
    static func decode(
        from reader: inout ByteReader, count n: Int, limit: Int, intoDoubles out: UnsafeMutablePointer<Double>,
        scratch: UnsafeMutablePointer<Int64>, section: String
    ) throws(ChunkError) {
        if try !decode(from: &reader, count: n, limit: limit, offset: 0, into: DoubleOutput(out), integers: scratch,
                       section: section) {
            DecimalValues.toDoubles(scratch, count: min(limit, n), power: 1, into: out)
        }
    }

    /// Decodes into `output` when the sequence is packed and returns true; otherwise into `integers` (false).
    private static func decode<Output: IntegerOutput>(
        from reader: inout ByteReader, count n: Int, limit: Int, offset: Int64,
        into output: Output, integers out: UnsafeMutablePointer<Int64>, section: String
    ) throws(ChunkError) -> Bool {
        if n == 0 { return true }
        let header = try reader.byte(in: section)
        guard header & 0xE0 == 0, header & 3 != 3, let mode = Mode(rawValue: (header >> 2) & 3) else {
            throw .corrupt("bad \(section) header 0x\(String(header, radix: 16))")
        }
        let order = Int(header & 3)
        let hasDivisor = header & 0x10 != 0
        let seeds = min(order, n)
        let x0: Int64 = seeds >= 1 ? try reader.signed(in: section) &+ offset : 0
        let d0: Int64 = seeds >= 2 ? try reader.signed(in: section) : 0
        let limit = min(limit, n)
        let m = n - seeds
        if m == 0 || mode == .zero {
            guard !hasDivisor else { throw .corrupt("divisor without residuals in \(section)") }
            // Constant residuals: the values follow directly (no running sums).
            switch order {
            case 0: for i in 0..<limit { out[i] = offset }
            case 1: for i in 0..<limit { out[i] = x0 }
            default:
                // Eight values a step in four two-lane vectors: a vector multiply of 64-bit lanes would be
                // emulated without AVX-512, and the compiler left the scalar induction unvectorised.
                var a = SIMD2<Int64>(x0, x0 &+ d0)
                let two = SIMD2<Int64>(repeating: d0 &* 2)
                var b = a &+ two
                var c = b &+ two
                var d = c &+ two
                let eight = SIMD2<Int64>(repeating: d0 &* 8)
                let raw = UnsafeMutableRawPointer(out)
                var i = 0
                while i &+ 8 <= limit {
                    raw.storeBytes(of: a, toByteOffset: i &* 8, as: SIMD2<Int64>.self)
                    raw.storeBytes(of: b, toByteOffset: i &* 8 &+ 16, as: SIMD2<Int64>.self)
                    raw.storeBytes(of: c, toByteOffset: i &* 8 &+ 32, as: SIMD2<Int64>.self)
                    raw.storeBytes(of: d, toByteOffset: i &* 8 &+ 48, as: SIMD2<Int64>.self)
                    a &+= eight
                    b &+= eight
                    c &+= eight
                    d &+= eight
                    i &+= 8
                }
                var x = a[0]
                while i < limit {
                    out[i] = x
                    x &+= d0
                    i &+= 1
                }
            }
            return false
        }
        let center = try reader.signed(in: section)
        var divisor: Int64 = 1
        if hasDivisor {
            let d = try reader.unsigned(in: section)
            guard d >= 2, d <= UInt64(Int64.max) else { throw .corrupt("bad divisor \(d) in \(section)") }
            divisor = Int64(d)
        }
        switch mode {
        case .zero:
            break
        case .rice:
            try decodeRice(from: &reader, range: seeds..<n, limit: limit, center: center, divisor: divisor,
                           into: out, section: section)
        case .packed, .sparse:
            // Integrated in the same pass.
            try PackedCode.decodeSequence(
                from: &reader, residuals: m, limit: limit,
                integration: .init(order: order, offset: offset, x0: x0, d0: d0), center: center, divisor: divisor,
                sparse: mode == .sparse, into: output, section: section)
            return true
        }
        // Integrate the residuals in place.
        switch order {
        case 0:
            if offset != 0 {
                for i in 0..<limit { out[i] &+= offset }
            }
        case 1:
            var x = x0
            if limit > 0 { out[0] = x }
            for i in 1..<max(limit, 1) {
                x &+= out[i]
                out[i] = x
            }
        default:
            var x = x0
            var delta = d0
            if limit > 0 { out[0] = x }
            if limit > 1 {
                x &+= delta
                out[1] = x
            }
            for i in 2..<max(limit, 2) {
                delta &+= out[i]
                x &+= delta
                out[i] = x
            }
        }
        return false
    }

    private static func decodeRice(
        from reader: inout ByteReader, range: Range<Int>, limit: Int, center: Int64, divisor: Int64,
        into out: UnsafeMutablePointer<Int64>, section: String
    ) throws(ChunkError) {
        let k = Int(try reader.byte(in: section))
        guard k <= 63 else { throw .corrupt("Rice parameter \(k) in \(section)") }
        var bits = BitReader(reader.rest)
        let end = min(limit, range.upperBound)
        RiceCode.decode(count: max(end - range.lowerBound, 0), k: k, center: center, divisor: divisor,
                        from: &bits, into: out + range.lowerBound)
        if end < range.upperBound { return }
        if bits.isOverrun { throw .truncated(section: section) }
        try reader.skip(bits.bytesConsumed, in: section)
    }
}
