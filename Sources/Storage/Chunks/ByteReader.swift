/// Reads bytes and varints from a blob, throwing `ChunkError` instead of reading past its end.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    /// Bytes past the end of `bytes` that may be loaded (never interpreted): lets bit-unpacking loops use
    /// whole-word loads up to the end of a stream.
    let slack: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0, slack: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.slack = slack
    }

    var remaining: Int { bytes.count - offset }

    /// The unread bytes.
    var rest: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[offset...]) }

    mutating func skip(_ n: Int, in section: String) throws(ChunkError) {
        guard n >= 0, n <= remaining else { throw .truncated(section: section) }
        offset += n
    }

    @inline(__always)
    mutating func byte(in section: String) throws(ChunkError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(section: section) }
        defer { offset &+= 1 }
        return bytes[offset]
    }

    /// A LEB128 varint. Inlined for the usual one-byte case (headers, outlier gaps), which is most of them.
    @inline(__always)
    mutating func unsigned(in section: String) throws(ChunkError) -> UInt64 {
        if offset < bytes.count {
            let b = bytes[offset]
            if b < 0x80 {
                offset &+= 1
                return UInt64(b)
            }
        }
        return try longUnsigned(in: section)
    }

    @inline(never)
    private mutating func longUnsigned(in section: String) throws(ChunkError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw .truncated(section: section) }
            let b = bytes[offset]
            offset += 1
            // The tenth byte may only carry the top bit of a 64-bit value.
            if shift == 63 && b > 1 { throw .corrupt("varint overflows 64 bits in \(section)") }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    mutating func signed(in section: String) throws(ChunkError) -> Int64 {
        Varint.unzigzag(try unsigned(in: section))
    }

    mutating func uint64LittleEndian(in section: String) throws(ChunkError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(section: section) }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
