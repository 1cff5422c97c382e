/// Fixed-width bit packing with patched outliers, the fast-decoding alternative to `RiceCode`.
///
/// Every quotient within `±2^(width-1)` of zero takes `width` bits, stored biased by `2^(width-1)` (offset
/// binary, so decoding is one multiply-add rather than an un-zigzag); the few that need more (counter resets, a
/// late scrape) are listed after the packed bits and patched in. Rice codes are a few percent smaller on typical
/// residuals but each code's length depends on the one before, so decoding is a serial chain; here every value's
/// position is known up front, so the decode loop has no loop-carried dependency but the running sum and runs
/// several times faster. Queries read far more often than imports write, so the planner takes this mode unless
/// Rice saves a clear margin.
///
/// Layout: one byte `width` (0...64); `ceil(m * width / 8)` bytes of packed values, most significant bit first
/// (an outlier's slot holds zero bits); uvarint outlier count; per outlier uvarint gap (its index minus the
/// previous outlier's index plus one) and the zigzagged quotient as a uvarint.
enum PackedCode {
    /// Outliers above this share of the values make a width too narrow to consider.
    static let maxOutlierShare = 8

    /// The bias of slots `width` bits wide.
    @inline(__always)
    static func bias(_ width: Int) -> UInt64 { width == 0 ? 0 : 1 &<< UInt64(width &- 1) }

    /// The width with the fewest bytes for the zigzagged quotients `u`, and that byte count (the whole section
    /// after `center`/divisor). A zigzagged quotient of bit length `L` fits a biased slot of `L` bits.
    static func plan(_ u: UnsafeBufferPointer<UInt64>) -> (width: Int, bytes: Int) {
        let m = u.count
        // Histogram of bit lengths, and the varint bytes the values of each length would cost as outliers.
        var histogram = [Int](repeating: 0, count: 65)
        for v in u { histogram[64 &- v.leadingZeroBitCount] &+= 1 }
        var best = (width: 64, bytes: 1 + (m * 64 + 7) / 8 + 1)
        // Values longer than the candidate width, and their outlier cost (value bytes plus about a gap byte).
        var above = 0
        var aboveBytes = 0
        var width = 64
        while width >= 0 {
            if above * maxOutlierShare > m { break }
            let bytes = 1 + (m * width + 7) / 8 + Varint.length(UInt64(above)) + aboveBytes
            if bytes <= best.bytes { best = (width, bytes) }
            // Moving to width - 1 turns the values of length `width` into outliers.
            above &+= histogram[width]
            aboveBytes &+= histogram[width] * (1 + max(1, (width + 6) / 7))
            width -= 1
        }
        return best
    }

    /// Appends the section for the zigzagged quotients `u` packed at `width`.
    static func encode(_ u: UnsafeBufferPointer<UInt64>, width: Int, to out: inout [UInt8]) {
        out.append(UInt8(width))
        let fits: (UInt64) -> Bool = { v in width >= 64 || v &>> UInt64(width) == 0 }
        let bias = Self.bias(width)
        var writer = BitWriter(capacity: (u.count * width + 7) / 8 + 8)
        var outliers = 0
        for v in u {
            if fits(v) {
                writer.write(UInt64(bitPattern: Varint.unzigzag(v)) &+ bias, bits: width)
            } else {
                writer.write(0, bits: width)
                outliers += 1
            }
        }
        out.append(contentsOf: writer.finish())
        Varint.append(unsigned: UInt64(outliers), to: &out)
        var next = 0
        for (i, v) in u.enumerated() where !fits(v) {
            Varint.append(unsigned: UInt64(i - next), to: &out)
            Varint.append(unsigned: v, to: &out)
            next = i + 1
        }
    }

    /// How residuals turn back into the sequence: `IntegerSequence`'s order with its seeds.
    struct Integration {
        var order: Int
        /// Added to every value for order 0.
        var offset: Int64
        var x0: Int64
        var d0: Int64
    }

    /// Decodes a whole `IntegerSequence` whose `m` residuals are packed, integrating them in the same pass:
    /// writes the first `limit` values of the sequence (seeds included) to `out` and moves the reader past the
    /// section. A `sparse` section is read the same way: it is laid out exactly as a packed one of width 0 (every
    /// residual `center`) without the width byte, its nonzero quotients as the outliers.
    static func decodeSequence<Output: IntegerOutput>(
        from reader: inout ByteReader, residuals m: Int, limit: Int, integration: Integration, center: Int64,
        divisor: Int64, sparse: Bool = false, into out: Output, section: String
    ) throws(ChunkError) {
        let width = sparse ? 0 : Int(try reader.byte(in: section))
        guard width <= 64 else { throw .corrupt("packed width \(width) in \(section)") }
        let streamBytes = (m * width + 7) / 8
        guard streamBytes <= reader.remaining else { throw .truncated(section: section) }
        let stream = UnsafeRawBufferPointer(rebasing: reader.rest[..<streamBytes])
        let readable = reader.remaining + reader.slack  // from the stream's start: the blob's rest and its slack
        try reader.skip(streamBytes, in: section)
        // The outliers follow the packed bits; read them first so that one pass can patch and integrate.
        let outlierCount = try reader.unsigned(in: section)
        guard outlierCount <= UInt64(m) else { throw .corrupt("\(outlierCount) outliers for \(m) values in \(section)") }
        try withUnsafeTemporaryAllocation(of: (index: Int, value: Int64).self, capacity: Int(outlierCount) + 1) {
            (outliers) throws(ChunkError) in
            var index = 0
            for k in 0..<Int(outlierCount) {
                let gap = try reader.unsigned(in: section)
                guard gap < UInt64(m - index) else { throw .corrupt("outlier index past the end in \(section)") }
                index += Int(gap)
                outliers[k] = (index, center &+ Varint.unzigzag(try reader.unsigned(in: section)) &* divisor)
                index += 1
            }
            outliers[Int(outlierCount)] = (Int.max, 0)  // sentinel: the loops never reach it
            let seeds = min(integration.order, limit)
            if seeds >= 1 { out.store(0, integration.x0) }
            if seeds >= 2 { out.store(1, integration.x0 &+ integration.d0) }
            let count = max(0, min(limit, m &+ integration.order) &- integration.order)
            let slots = PackedResiduals(stream, readable: readable, width: width, center: center, divisor: divisor)
            let dst = out.advanced(by: integration.order)
            // Runs of packed values between outliers, each in a tight loop.
            var x = integration.order == 0 ? integration.offset : integration.x0 &+ (integration.order == 2 ? integration.d0 : 0)
            var delta = integration.d0
            var i = 0
            var next = 0
            while i < count {
                let stop = min(outliers[next].index, count)
                switch integration.order {
                case 0: slots.writeOffset(from: i, to: stop, adding: x, into: dst)
                case 1: x = slots.writeFirstOrder(from: i, to: stop, start: x, into: dst)
                default: (x, delta) = slots.writeSecondOrder(from: i, to: stop, start: x, delta: delta, into: dst)
                }
                i = stop
                if i < count {
                    let r = outliers[next].value
                    switch integration.order {
                    case 0: dst.store(i, r &+ x)
                    case 1:
                        x &+= r
                        dst.store(i, x)
                    default:
                        delta &+= r
                        x &+= delta
                        dst.store(i, x)
                    }
                    i &+= 1
                    next &+= 1
                }
            }
        }
    }
}

/// Packed residuals: value `i` starts at bit `i * width`, so one unaligned 8-byte load and two shifts give it,
/// independently of every other value (no loop-carried dependency, unlike Rice codes).
struct PackedResiduals {
    let base: UnsafeRawPointer?
    let byteCount: Int
    let width: Int
    let right: UInt64
    /// `center - bias * divisor`: a slot `v` is the residual `low + v * divisor`.
    let low: Int64
    let divisor: Int64
    /// Values below this index can be loaded with one 8-byte read inside the stream.
    let fast: Int

    /// `readable` bytes from the stream's start may be loaded (at least the stream's own).
    init(_ stream: UnsafeRawBufferPointer, readable: Int, width: Int, center: Int64, divisor: Int64) {
        base = stream.baseAddress
        byteCount = stream.count
        self.width = width
        right = UInt64(64 &- width)
        low = center &- Int64(bitPattern: PackedCode.bias(width)) &* divisor
        self.divisor = divisor
        // Value i is loaded from byte (i * width) / 8 onwards: 8 of them must be readable.
        fast = width == 0 ? Int.max : width <= 57 && readable >= 8 ? ((readable &- 8) &* 8) / width &+ 1 : 0
    }

    /// The residual at `i`.
    @inline(__always)
    func value(_ i: Int) -> Int64 {
        if width == 0 { return low }
        if i < fast {
            let bit = i &* width
            let word = UInt64(bigEndian: base!.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
            return low &+ Int64(bitPattern: (word &<< UInt64(bit & 7)) &>> right) &* divisor
        }
        return slowValue(i)
    }

    /// The stream's last bytes, and widths over 57 bits.
    @inline(never)
    func slowValue(_ i: Int) -> Int64 {
        let bit = i &* width
        if width > 57 {
            var bits = BitReader(UnsafeRawBufferPointer(start: base, count: byteCount))
            bits.skipBits(bit)
            return low &+ Int64(bitPattern: bits.read(bits: width)) &* divisor
        }
        // Near the end: the same load, with zero bytes past the stream.
        var word: UInt64 = 0
        let first = bit &>> 3
        for k in 0..<8 {
            let at = first &+ k
            word = (word &<< 8) | (at < byteCount ? UInt64(base!.load(fromByteOffset: at, as: UInt8.self)) : 0)
        }
        return low &+ Int64(bitPattern: (word &<< UInt64(bit & 7)) &>> right) &* divisor
    }

    /// The end of the range `from..<to` that the tight loops may take (the rest goes through `value`).
    @inline(__always)
    private func fastEnd(_ from: Int, _ to: Int) -> Int { width == 0 ? from : max(from, min(to, fast)) }

    /// The slot at `i` inside the fast range, as an unsigned integer.
    @inline(__always)
    private func slot(_ base: UnsafeRawPointer, _ bit: Int) -> UInt64 {
        let word = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
        return (word &<< UInt64(bit & 7)) &>> right
    }

    /// The widths whose slots `eachGroupedSlot` unpacks eight at a time.
    static let groupedWidths = 1...8

    /// Where the whole groups of eight inside `from..<to` start and how many there are; no groups for widths
    /// outside `groupedWidths`. Groups of 8-bit slots start at multiples of 8 (see `eachGroupedSlot`).
    @inline(__always)
    private func groupRange(from: Int, to: Int) -> (start: Int, groups: Int) {
        guard Self.groupedWidths.contains(width) else { return (to, 0) }
        let start = width == 8 ? min((from &+ 7) & ~7, to) : from
        return (start, (to &- start) &>> 3)
    }

    /// Calls `body(k, slot k)` for the `groups * 8` slots from `i` (inside the fast range) and returns true, or
    /// returns false for widths outside `groupedWidths`. Eight slots of `w` bits are exactly `w` bytes, so every
    /// group starts at the same bit of a byte as the first, and for `w <= 7` one 8-byte load shifted by that bit
    /// holds all eight (8-bit slots need groups that start on a byte). With the width a constant in each copy
    /// below, the shifts and mask are constants too: about a third of the instructions per value of loading
    /// each slot on its own.
    @inline(__always)
    private func eachGroupedSlot(_ base: UnsafeRawPointer, from i: Int, groups: Int, _ body: (Int, UInt64) -> Void) -> Bool {
        switch width {
        case 1: Self.unpackGroups(base, width: 1, from: i, groups: groups, body)
        case 2: Self.unpackGroups(base, width: 2, from: i, groups: groups, body)
        case 3: Self.unpackGroups(base, width: 3, from: i, groups: groups, body)
        case 4: Self.unpackGroups(base, width: 4, from: i, groups: groups, body)
        case 5: Self.unpackGroups(base, width: 5, from: i, groups: groups, body)
        case 6: Self.unpackGroups(base, width: 6, from: i, groups: groups, body)
        case 7: Self.unpackGroups(base, width: 7, from: i, groups: groups, body)
        case 8: Self.unpackGroups(base, width: 8, from: i, groups: groups, body)
        default: return false
        }
        return true
    }

    @inline(__always)
    private static func unpackGroups(_ base: UnsafeRawPointer, width w: Int, from i: Int, groups: Int,
                                     _ body: (Int, UInt64) -> Void) {
        var p = base + ((i &* w) &>> 3)
        let skip = UInt64((i &* w) & 7)
        var k = i
        let mask: UInt64 = (1 &<< UInt64(w)) &- 1
        for _ in 0..<groups {
            let word = UInt64(bigEndian: p.loadUnaligned(as: UInt64.self)) &<< skip
            body(k, (word &>> UInt64(64 &- w)) & mask)
            body(k &+ 1, (word &>> UInt64(64 &- 2 &* w)) & mask)
            body(k &+ 2, (word &>> UInt64(64 &- 3 &* w)) & mask)
            body(k &+ 3, (word &>> UInt64(64 &- 4 &* w)) & mask)
            body(k &+ 4, (word &>> UInt64(64 &- 5 &* w)) & mask)
            body(k &+ 5, (word &>> UInt64(64 &- 6 &* w)) & mask)
            body(k &+ 6, (word &>> UInt64(64 &- 7 &* w)) & mask)
            body(k &+ 7, (word &>> UInt64(64 &- 8 &* w)) & mask)
            p += w
            k &+= 8
        }
    }

    /// `dst[i] = residual(i) + offset` for `from..<to`.
    func writeOffset<Output: IntegerOutput>(from: Int, to: Int, adding offset: Int64, into dst: Output) {
        if width == 0 {
            for i in from..<max(from, to) { dst.store(i, low &+ offset) }
            return
        }
        let end = fastEnd(from, to)
        var i = from
        if i < end, let base {
            let add = low &+ offset
            let width = self.width
            let divisor = self.divisor
            let (groupStart, groups) = groupRange(from: i, to: end)
            var bit = i &* width
            while i < groupStart {
                dst.store(i, add &+ Int64(bitPattern: slot(base, bit)) &* divisor)
                bit &+= width
                i &+= 1
            }
            if groups > 0 && eachGroupedSlot(base, from: i, groups: groups, { k, v in dst.store(k, add &+ Int64(bitPattern: v) &* divisor) }) {
                i &+= groups &* 8
                bit = i &* width
            }
            while i < end {
                dst.store(i, add &+ Int64(bitPattern: slot(base, bit)) &* divisor)
                bit &+= width
                i &+= 1
            }
        }
        while i < to {
            dst.store(i, value(i) &+ offset)
            i &+= 1
        }
    }

    /// Running sums of the residuals `from..<to` after `start`; returns the last sum.
    func writeFirstOrder<Output: IntegerOutput>(from: Int, to: Int, start: Int64, into dst: Output) -> Int64 {
        if width == 0 {
            // Every residual is `low` (sparse sections: a counter's steady increment).
            var x = start
            for i in from..<max(from, to) {
                x &+= low
                dst.store(i, x)
            }
            return x
        }
        let end = fastEnd(from, to)
        var x = start
        var i = from
        if i < end, let base {
            let low = self.low
            let width = self.width
            let (groupStart, groups) = groupRange(from: i, to: end)
            var bit = i &* width
            while i < groupStart {
                x &+= low &+ Int64(bitPattern: slot(base, bit)) &* divisor
                dst.store(i, x)
                bit &+= width
                i &+= 1
            }
            if groups > 0 {
                // Counter increments: the common case, so divisor 1 gets its own copy without the multiply.
                let unpacked = divisor == 1
                    ? eachGroupedSlot(base, from: i, groups: groups, { k, v in
                        x &+= low &+ Int64(bitPattern: v)
                        dst.store(k, x)
                    })
                    : eachGroupedSlot(base, from: i, groups: groups, { [divisor] k, v in
                        x &+= low &+ Int64(bitPattern: v) &* divisor
                        dst.store(k, x)
                    })
                if unpacked {
                    i &+= groups &* 8
                    bit = i &* width
                }
            }
            if divisor == 1 {
                while i < end {
                    x &+= low &+ Int64(bitPattern: slot(base, bit))
                    dst.store(i, x)
                    bit &+= width
                    i &+= 1
                }
            } else {
                let divisor = self.divisor
                while i < end {
                    x &+= low &+ Int64(bitPattern: slot(base, bit)) &* divisor
                    dst.store(i, x)
                    bit &+= width
                    i &+= 1
                }
            }
        }
        while i < to {
            x &+= value(i)
            dst.store(i, x)
            i &+= 1
        }
        return x
    }

    /// Second-order running sums (residuals are deltas of deltas) for `from..<to`; returns the last value and delta.
    func writeSecondOrder<Output: IntegerOutput>(
        from: Int, to: Int, start: Int64, delta: Int64, into dst: Output
    ) -> (Int64, Int64) {
        if width == 0 {
            var x = start
            var d = delta
            for i in from..<max(from, to) {
                d &+= low
                x &+= d
                dst.store(i, x)
            }
            return (x, d)
        }
        let end = fastEnd(from, to)
        var x = start
        var d = delta
        var i = from
        if i < end, let base {
            let low = self.low
            let width = self.width
            let divisor = self.divisor
            let (groupStart, groups) = groupRange(from: i, to: end)
            var bit = i &* width
            while i < groupStart {
                d &+= low &+ Int64(bitPattern: slot(base, bit)) &* divisor
                x &+= d
                dst.store(i, x)
                bit &+= width
                i &+= 1
            }
            if groups > 0 && eachGroupedSlot(base, from: i, groups: groups, { k, v in
                d &+= low &+ Int64(bitPattern: v) &* divisor
                x &+= d
                dst.store(k, x)
            }) {
                i &+= groups &* 8
                bit = i &* width
            }
            while i < end {
                d &+= low &+ Int64(bitPattern: slot(base, bit)) &* divisor
                x &+= d
                dst.store(i, x)
                bit &+= width
                i &+= 1
            }
        }
        while i < to {
            d &+= value(i)
            x &+= d
            dst.store(i, x)
            i &+= 1
        }
        return (x, d)
    }
}

/// Where decoded integers go: as they are, or converted to doubles on the way (decimal values at scale 0, so the
/// mantissas need not be written and read back).
protocol IntegerOutput {
    func store(_ i: Int, _ x: Int64)
    func advanced(by n: Int) -> Self
}

struct Int64Output: IntegerOutput {
    let base: UnsafeMutablePointer<Int64>
    init(_ base: UnsafeMutablePointer<Int64>) { self.base = base }
    @inline(__always) func store(_ i: Int, _ x: Int64) { base[i] = x }
    @inline(__always) func advanced(by n: Int) -> Int64Output { Int64Output(base + n) }
}

/// Stores `Double(x)`: round to nearest, as the encoder's check `Double(m) / 1` computed.
struct DoubleOutput: IntegerOutput {
    let base: UnsafeMutablePointer<Double>
    init(_ base: UnsafeMutablePointer<Double>) { self.base = base }
    @inline(__always) func store(_ i: Int, _ x: Int64) { base[i] = Double(x) }
    @inline(__always) func advanced(by n: Int) -> DoubleOutput { DoubleOutput(base + n) }
}
