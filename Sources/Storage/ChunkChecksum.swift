import CZlib

/// The checksum stored with every chunk blob (the `crc` column), so damage inside a chunk is reported instead of
/// decoding into wrong samples.
///
/// Chunks written since schema 2 store the low 32 bits of the blob's XXH64 with bit 32 set; older chunks store
/// the blob's CRC-32 (below 2^32), and are still checked with it. XXH64 is about ten times faster than zlib's
/// CRC-32, which had been a twentieth of a range query's selection time.
enum ChunkChecksum {
    /// Marks a stored checksum as XXH64-based.
    static let xxhashFlag: Int64 = 1 << 32

    /// The checksum to store for a new blob.
    static func compute(_ blob: [UInt8]) -> Int64 {
        blob.withUnsafeBytes { compute(UnsafeRawBufferPointer($0)) }
    }

    static func compute(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        xxhashFlag | Int64(XXHash64.hash(bytes) & 0xFFFF_FFFF)
    }

    /// The checksum of `bytes` in the form `stored` uses (XXH64-based or CRC-32).
    static func recompute(_ bytes: UnsafeRawBufferPointer, like stored: Int64) -> Int64 {
        stored & xxhashFlag != 0 ? compute(bytes) : crc32(bytes)
    }

    static func crc32(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return Int64(CZlib.crc32(0, base.assumingMemoryBound(to: UInt8.self), uInt(bytes.count)))
    }

    static func verify(_ blob: UnsafeRawBufferPointer, _ expected: Int64, path: String, series: Int64, minT: Int64) throws(StorageError) {
        let actual = recompute(blob, like: expected)
        guard actual == expected else {
            throw .corrupt(path: path, detail: "chunk of series \(series) at \(minT) fails its checksum (stored \(expected), computed \(actual))")
        }
    }
}
