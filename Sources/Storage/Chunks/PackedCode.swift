/// Fixed-width bit packing with patched outliers, the fast-decoding alternative to `RiceCode`.
///
/// Every zigzagged quotient takes `width` bits; the few that need more (counter resets, a late scrape) are
/// listed after the packed bits and patched in. Rice codes are a few percent smaller on typical residuals but
/// each code's length depends on the one before, so decoding is a serial chain; here every value's position is
/// known up front, so the decode loop has no loop-carried dependency and runs several times faster. Queries read
/// far more often than imports write, so the planner takes this mode unless Rice saves a clear margin.
///
/// Layout: one byte `width` (0...64); `ceil(m * width / 8)` bytes of packed values, most significant bit first
/// (an outlier's slot holds zero bits); uvarint outlier count; per outlier uvarint gap (its index minus the
/// previous outlier's index plus one) and the uvarint value.
enum PackedCode {
    /// Outliers above this share of the values make a width too narrow to consider.
    static let maxOutlierShare = 8

    /// The width with the fewest bytes for `u`, and that byte count (the whole section after `center`/divisor).
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

    /// Appends the section for `u` packed at `width`.
    static func encode(_ u: UnsafeBufferPointer<UInt64>, width: Int, to out: inout [UInt8]) {
        out.append(UInt8(width))
        let limit: UInt64 = width >= 64 ? .max : (1 &<< UInt64(width)) &- 1
        var writer = BitWriter(capacity: (u.count * width + 7) / 8 + 8)
        var outliers = 0
        for v in u {
            if v > limit {
                writer.write(0, bits: width)
                outliers += 1
            } else {
                writer.write(v, bits: width)
            }
        }
        out.append(contentsOf: writer.finish())
        Varint.append(unsigned: UInt64(outliers), to: &out)
        var next = 0
        for (i, v) in u.enumerated() where v > limit {
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
    /// section.
    static func decodeSequence(
        from reader: inout ByteReader, residuals m: Int, limit: Int, integration: Integration, center: Int64,
        divisor: Int64, into out: UnsafeMutablePointer<Int64>, section: String
    ) throws(ChunkError) {
        let width = Int(try reader.byte(in: section))
        guard width <= 64 else { throw .corrupt("packed width \(width) in \(section)") }
        let streamBytes = (m * width + 7) / 8
        guard streamBytes <= reader.remaining else { throw .truncated(section: section) }
        let stream = UnsafeRawBufferPointer(rebasing: reader.rest[..<streamBytes])
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
            outliers[Int(outlierCount)] = (Int.max, 0)  // sentinel: the loop never reaches it
            let seeds = min(integration.order, limit)
            if seeds >= 1 { out[0] = integration.x0 }
            if seeds >= 2 { out[1] = integration.x0 &+ integration.d0 }
            let count = max(0, min(limit, m &+ integration.order) &- integration.order)
            var reader = PackedResiduals(stream, width: width, center: center, divisor: divisor)
            let dst = out + integration.order
            var next = 0
            var nextIndex = outliers[0].index
            switch integration.order {
            case 0:
                let offset = integration.offset
                for i in 0..<count {
                    var r = reader.value(i)
                    if i == nextIndex { r = outliers[next].value; next &+= 1; nextIndex = outliers[next].index }
                    dst[i] = r &+ offset
                }
            case 1:
                var x = integration.x0
                for i in 0..<count {
                    var r = reader.value(i)
                    if i == nextIndex { r = outliers[next].value; next &+= 1; nextIndex = outliers[next].index }
                    x &+= r
                    dst[i] = x
                }
            default:
                var x = integration.x0 &+ integration.d0
                var delta = integration.d0
                for i in 0..<count {
                    var r = reader.value(i)
                    if i == nextIndex { r = outliers[next].value; next &+= 1; nextIndex = outliers[next].index }
                    delta &+= r
                    x &+= delta
                    dst[i] = x
                }
            }
        }
    }
}

/// Random access to packed residuals: value `i` starts at bit `i * width`, so one unaligned 8-byte load and two
/// shifts give it, independently of every other value (no loop-carried dependency, unlike Rice codes).
struct PackedResiduals {
    let base: UnsafeRawPointer?
    let byteCount: Int
    let width: Int
    let right: UInt64
    let center: Int64
    let divisor: Int64
    /// Values below this index can be loaded with one 8-byte read inside the stream.
    let fast: Int

    init(_ stream: UnsafeRawBufferPointer, width: Int, center: Int64, divisor: Int64) {
        base = stream.baseAddress
        byteCount = stream.count
        self.width = width
        right = UInt64(64 &- width)
        self.center = center
        self.divisor = divisor
        fast = width == 0 ? Int.max : width <= 57 && stream.count >= 8 ? ((stream.count &- 8) &* 8) / width &+ 1 : 0
    }

    @inline(__always)
    func value(_ i: Int) -> Int64 {
        if i < fast {
            if width == 0 { return center }
            let bit = i &* width
            let word = UInt64(bigEndian: base!.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
            return center &+ Varint.unzigzag((word &<< UInt64(bit & 7)) &>> right) &* divisor
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
            return center &+ Varint.unzigzag(bits.read(bits: width)) &* divisor
        }
        // Near the end: the same load, with zero bytes past the stream.
        var word: UInt64 = 0
        let first = bit &>> 3
        for k in 0..<8 {
            let at = first &+ k
            word = (word &<< 8) | (at < byteCount ? UInt64(base!.load(fromByteOffset: at, as: UInt8.self)) : 0)
        }
        return center &+ Varint.unzigzag((word &<< UInt64(bit & 7)) &>> right) &* divisor
    }
}
