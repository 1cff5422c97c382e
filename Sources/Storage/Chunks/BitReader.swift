/// Reads bit fields, most significant bit first, from a byte range it never reads outside of.
///
/// The next bits wait in a 64-bit register that is refilled 8 bytes at a time, so decoding one code is a few
/// register operations rather than a dependent memory load. Reading past the end yields zero bits and makes
/// `isOverrun` true instead of failing at once: hot decode loops stay free of error checks, every loop is
/// bounded by the sample count, and callers check `isOverrun` once at the end.
struct BitReader {
    // Internal rather than private so that specialised decode loops (`RiceCode.decode`) can run on local
    // copies of the state, which the compiler keeps in registers.
    let base: UnsafeRawPointer?
    let byteCount: Int
    /// The next `available` bits, most significant first; the bits below them are zero.
    var buffer: UInt64 = 0
    var available = 0
    /// The next byte to load into `buffer` (may pass `byteCount`: zero bytes are loaded past the end).
    var nextByte = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        byteCount = bytes.count
        refill()
    }

    /// Bits consumed so far.
    var position: Int { nextByte &* 8 &- available }

    /// Whether more bits were consumed than there are.
    var isOverrun: Bool { position > byteCount &* 8 }

    /// Whole bytes touched so far (the stream's length once padded).
    var bytesConsumed: Int { min(byteCount, (position &+ 7) >> 3) }

    /// Tops `buffer` up to at least 56 bits.
    @inline(__always)
    mutating func refill() {
        if nextByte &+ 8 <= byteCount, let base {
            let word = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: nextByte, as: UInt64.self))
            buffer |= word &>> UInt64(available)
            let bytes = (63 &- available) >> 3
            nextByte &+= bytes
            available &+= bytes &* 8
        } else {
            refillNearEnd()
        }
    }

    // Inlined like everything here: one out-of-line call taking `self` would keep the reader in memory
    // instead of registers for the whole decode loop.
    @inline(__always)
    private mutating func refillNearEnd() {
        while available < 56 {
            var byte: UInt64 = 0
            if nextByte < byteCount, let base { byte = UInt64(base.load(fromByteOffset: nextByte, as: UInt8.self)) }
            buffer |= byte &<< UInt64(56 &- available)
            nextByte &+= 1
            available &+= 8
        }
    }

    /// The next 64 bits, most significant first, without consuming them; at least the first 56 are stream bits
    /// (or zeros past the end).
    @inline(__always)
    mutating func peek() -> UInt64 {
        if available < 56 { refill() }
        return buffer
    }

    /// Consumes `bits` (at most 56) after a `peek`.
    @inline(__always)
    mutating func skip(_ bits: Int) {
        buffer = bits >= 64 ? 0 : buffer &<< UInt64(bits)
        available &-= bits
    }

    /// Consumes `count` bits, any number.
    mutating func skipBits(_ count: Int) {
        var left = count
        while left > 0 {
            let step = min(left, 56)
            _ = peek()
            skip(step)
            left &-= step
        }
    }

    /// Reads `count` bits (0...64) as an unsigned integer.
    @inline(__always)
    mutating func read(bits count: Int) -> UInt64 {
        if count <= 56 { return readShort(bits: count) }
        let high = readShort(bits: 32)
        return (high &<< UInt64(count &- 32)) | readShort(bits: count &- 32)
    }

    /// Reads `count` bits (0...56).
    @inline(__always)
    private mutating func readShort(bits count: Int) -> UInt64 {
        // Shifting by 1 then 63 - count also gives 0 bits for count 0.
        let v = (peek() &>> 1) &>> UInt64(63 &- count)
        skip(count)
        return v
    }

}
