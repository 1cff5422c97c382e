/// Appends bit fields, most significant bit first, to a byte array.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    /// Pending bits, right-aligned: the low `fill` bits of `acc`.
    private var acc: UInt64 = 0
    private var fill = 0

    init(capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    /// Bits written so far.
    var bitCount: Int { bytes.count &* 8 &+ fill }

    /// Writes the low `count` bits of `value` (`count` in 0...64).
    @inline(__always)
    mutating func write(_ value: UInt64, bits count: Int) {
        if count == 0 { return }
        let v = count == 64 ? value : value & ((1 &<< UInt64(count)) &- 1)
        let free = 64 - fill
        if count < free {
            acc = (acc &<< UInt64(count)) | v
            fill += count
        } else {
            // Fill the accumulator to 64 bits, emit it, keep the rest.
            let rest = count - free
            let top = free == 64 ? v : (acc &<< UInt64(free)) | (v &>> UInt64(rest))
            withUnsafeBytes(of: top.bigEndian) { bytes.append(contentsOf: $0) }
            acc = rest == 0 ? 0 : v & ((1 &<< UInt64(rest)) &- 1)
            fill = rest
        }
    }

    /// Pads with zero bits to a whole byte and returns the bytes.
    mutating func finish() -> [UInt8] {
        while fill >= 8 {
            fill -= 8
            bytes.append(UInt8(truncatingIfNeeded: acc &>> UInt64(fill)))
        }
        if fill > 0 {
            bytes.append(UInt8(truncatingIfNeeded: acc &<< UInt64(8 - fill)))
        }
        acc = 0
        fill = 0
        return bytes
    }
}
