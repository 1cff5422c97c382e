/// The `decimal` encoding's value section: values that are exact decimals `m / 10^scale`, stored as the integer
/// mantissas `m` in an `IntegerSequence`, so a counter of CPU seconds with two decimals costs what its small
/// increments cost instead of a float's changing mantissa bits.
///
/// Layout: one byte `scale | 0x80 when exceptions follow`; with exceptions `uvarint count`, then per exception
/// `uvarint gap` (its index minus the previous exception's index plus one) and its 8 bytes little-endian; then the
/// mantissas. An exception (NaN of any payload, the stale marker, ±Inf, -0.0, a value needing more digits) keeps
/// its exact bits and its mantissa slot repeats the previous mantissa, so it costs the sequence almost nothing.
enum DecimalValues {
    /// The largest scale tried: 10^18 is still an exact double and mantissas stay within Int64.
    static let maxScale = 18
    /// Chunks with more exceptions than 1 in this many values are left to the XOR encoding.
    static let exceptionRatio = 4

    /// 10^0 ... 10^18, all exact doubles.
    static let powers: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    ]

    /// A value section ready to write.
    struct Candidate {
        var scale: Int
        var exceptions: [Int]
        var plan: IntegerSequence.Plan
        var byteCount: Int
    }

    /// The mantissa `m` of `v` at `power` = 10^scale when `m / power` gives back exactly `v`'s bits (the decoder's
    /// computation).
    @inline(__always)
    static func mantissa(_ v: Double, power: Double) -> Int64? {
        let r = (v * power).rounded()
        // Also rejects NaN and ±Inf (comparisons with NaN are false).
        guard r > -9.2e18 && r < 9.2e18 else { return nil }
        let m = Int64(r)
        return (Double(m) / power).bitPattern == v.bitPattern ? m : nil
    }

    /// Finds the smallest common scale and fills `mantissas`; nil when too many values are not decimals.
    static func analyze(
        _ values: UnsafeBufferPointer<Double>, mantissas: UnsafeMutableBufferPointer<Int64>
    ) -> Candidate? {
        let n = values.count
        if n == 0 { return nil }
        let maxExceptions = n / exceptionRatio
        let powers = Self.powers
        var scale = 0
        var power = powers[0]
        var exceptions: [Int] = []
        // Mantissas before this index were found at a smaller scale than the final one.
        var rescaleBefore = 0
        for i in 0..<n {
            let v = values[i]
            if let m = mantissa(v, power: power) {
                mantissas[i] = m
                continue
            }
            var found = false
            if scale < maxScale && v.isFinite && !(v == 0 && v.sign == .minus) {
                for k in (scale + 1)...maxScale {
                    guard let m = mantissa(v, power: powers[k]) else { continue }
                    (scale, power, rescaleBefore, found) = (k, powers[k], i, true)
                    mantissas[i] = m
                    break
                }
            }
            if !found {
                exceptions.append(i)
                if exceptions.count > maxExceptions { return nil }
            }
        }
        if rescaleBefore > 0 {
            // Redo the earlier mantissas at the final scale; one that no longer round-trips becomes an exception.
            var redone: [Int] = []
            var next = 0
            for i in 0..<rescaleBefore {
                if next < exceptions.count && exceptions[next] == i {
                    next += 1
                } else if let m = mantissa(values[i], power: power) {
                    mantissas[i] = m
                } else {
                    redone.append(i)
                }
            }
            if !redone.isEmpty {
                exceptions = (exceptions + redone).sorted()
                if exceptions.count > maxExceptions { return nil }
            }
        }
        if exceptions.count == n { return nil }
        // An exception's slot repeats the mantissa before it (the first mantissa for leading ones).
        var leading = 0
        while leading < exceptions.count && exceptions[leading] == leading { leading += 1 }
        for e in exceptions {
            mantissas[e] = e < leading ? mantissas[leading] : mantissas[e - 1]
        }
        let plan = IntegerSequence.plan(UnsafeBufferPointer(mantissas))
        var bytes = 1 + plan.byteCount
        if !exceptions.isEmpty {
            bytes += Varint.length(UInt64(exceptions.count))
            var last = -1
            for i in exceptions {
                bytes += Varint.length(UInt64(i - last - 1)) + 8
                last = i
            }
        }
        return Candidate(scale: scale, exceptions: exceptions, plan: plan, byteCount: bytes)
    }

    static func encode(
        _ values: UnsafeBufferPointer<Double>, mantissas: UnsafeBufferPointer<Int64>, candidate: Candidate,
        to out: inout [UInt8]
    ) {
        out.append(UInt8(candidate.scale) | (candidate.exceptions.isEmpty ? 0 : 0x80))
        if !candidate.exceptions.isEmpty {
            Varint.append(unsigned: UInt64(candidate.exceptions.count), to: &out)
            var last = -1
            for i in candidate.exceptions {
                Varint.append(unsigned: UInt64(i - last - 1), to: &out)
                withUnsafeBytes(of: values[i].bitPattern.littleEndian) { out.append(contentsOf: $0) }
                last = i
            }
        }
        IntegerSequence.encode(mantissas, plan: candidate.plan, to: &out)
    }

    /// `out[i] = Double(m[i]) / power` (exactly what the encoder checked). Mantissas within ±2^51, the usual
    /// case, are converted by adding them to the bits of 2^52 + 2^51 and subtracting that double: integer adds
    /// and a float subtract, which vectorise, where Int64-to-Double conversion does not without AVX-512.
    static func toDoubles(_ m: UnsafeMutablePointer<Int64>, count: Int, power: Double, into out: UnsafeMutablePointer<Double>) {
        var spread: UInt64 = 0
        for i in 0..<count { spread |= UInt64(bitPattern: m[i] &+ (1 << 51)) }
        if spread >> 52 != 0 {
            for i in 0..<count { out[i] = Double(m[i]) / power }
            return
        }
        let magic = 6_755_399_441_055_744.0  // 2^52 + 2^51: its ulp is 1, so adding an integer to its bits is exact
        let magicBits = Int64(bitPattern: magic.bitPattern)
        if power == 1 {
            for i in 0..<count { out[i] = Double(bitPattern: UInt64(bitPattern: magicBits &+ m[i])) - magic }
        } else {
            for i in 0..<count { out[i] = (Double(bitPattern: UInt64(bitPattern: magicBits &+ m[i])) - magic) / power }
        }
    }

    /// Reads the section for `n` values and stores the first `limit` in `out`; `scratch` holds `n` mantissas.
    static func decode(
        from reader: inout ByteReader, count n: Int, limit: Int, into out: UnsafeMutablePointer<Double>,
        scratch: UnsafeMutablePointer<Int64>
    ) throws(ChunkError) {
        let section = "decimal values"
        let header = try reader.byte(in: section)
        let scale = Int(header & 0x7f)
        guard scale <= maxScale else { throw .corrupt("decimal scale \(scale)") }
        var exceptions: [(index: Int, bits: UInt64)] = []
        if header & 0x80 != 0 {
            let count = try reader.unsigned(in: section)
            guard count >= 1, count <= UInt64(n) else { throw .corrupt("\(count) exceptions for \(n) values") }
            var index = -1
            exceptions.reserveCapacity(Int(count))
            for _ in 0..<count {
                let gap = try reader.unsigned(in: section)
                guard gap < UInt64(n - index - 1) else { throw .corrupt("exception index past the end") }
                index += Int(gap) + 1
                exceptions.append((index, try reader.uint64LittleEndian(in: section)))
            }
        }
        let limit = min(limit, n)
        if scale == 0 {
            // Integers (counters, bucket counts): converted as they are decoded.
            try IntegerSequence.decode(from: &reader, count: n, limit: limit, intoDoubles: out, scratch: scratch,
                                       section: "mantissas")
        } else {
            try IntegerSequence.decode(from: &reader, count: n, limit: limit, into: scratch, section: "mantissas")
            toDoubles(scratch, count: limit, power: powers[scale], into: out)
        }
        for (index, bits) in exceptions where index < limit {
            out[index] = Double(bitPattern: bits)
        }
    }
}
