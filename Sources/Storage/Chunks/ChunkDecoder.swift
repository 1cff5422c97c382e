/// Reads chunk blobs written by `ChunkEncoder` back into contiguous arrays, bit-exact.
///
/// Any input bytes are safe: a damaged blob decodes to some samples or throws `ChunkError`; it never traps, reads
/// out of bounds or allocates more than `ChunkEncoder.maxSamples` samples' worth.
public enum ChunkDecoder {
    /// The number of samples in the blob (read from its header; nothing is decoded).
    public static func count(_ blob: UnsafeRawBufferPointer) throws(ChunkError) -> Int {
        var reader = ByteReader(blob)
        _ = try header(&reader)
        return try sampleCount(&reader)
    }

    /// The blob's encoding and whether its body is deflated.
    public static func encoding(_ blob: UnsafeRawBufferPointer) throws(ChunkError) -> (ChunkEncoding, deflated: Bool) {
        var reader = ByteReader(blob)
        return try header(&reader)
    }

    /// Appends all the blob's samples to `timestamps` and `values`. On error both arrays are left as they were.
    /// `timestampBase` must be the one the blob was encoded with.
    public static func decode(
        _ blob: UnsafeRawBufferPointer, timestampBase: Int64 = 0,
        appendingTo timestamps: inout [Int64], _ values: inout [Double]
    ) throws(ChunkError) {
        try decode(blob, range: nil, base: timestampBase, appendingTo: &timestamps, &values)
    }

    /// Appends the blob's samples with `mint <= t <= maxt` (timestamps assumed ascending, as the encoder got them).
    /// The values after the last kept sample are not decoded.
    public static func decode(
        _ blob: UnsafeRawBufferPointer, from mint: Int64, through maxt: Int64, timestampBase: Int64 = 0,
        appendingTo timestamps: inout [Int64], _ values: inout [Double]
    ) throws(ChunkError) {
        try decode(blob, range: (mint, maxt), base: timestampBase, appendingTo: &timestamps, &values)
    }

    /// `count(_:)` for a byte array.
    public static func count(_ blob: [UInt8]) throws(ChunkError) -> Int {
        try withBytes(blob) { (raw) throws(ChunkError) in try count(raw) }
    }

    /// `encoding(_:)` for a byte array.
    public static func encoding(_ blob: [UInt8]) throws(ChunkError) -> (ChunkEncoding, deflated: Bool) {
        try withBytes(blob) { (raw) throws(ChunkError) in try encoding(raw) }
    }

    /// `decode(_:timestampBase:appendingTo:_:)` for a byte array.
    public static func decode(
        _ blob: [UInt8], timestampBase: Int64 = 0, appendingTo timestamps: inout [Int64], _ values: inout [Double]
    ) throws(ChunkError) {
        try withBytes(blob) { (raw) throws(ChunkError) in
            try decode(raw, range: nil, base: timestampBase, appendingTo: &timestamps, &values)
        }
    }

    /// `decode(_:from:through:timestampBase:appendingTo:_:)` for a byte array.
    public static func decode(
        _ blob: [UInt8], from mint: Int64, through maxt: Int64, timestampBase: Int64 = 0,
        appendingTo timestamps: inout [Int64], _ values: inout [Double]
    ) throws(ChunkError) {
        try withBytes(blob) { (raw) throws(ChunkError) in
            try decode(raw, range: (mint, maxt), base: timestampBase, appendingTo: &timestamps, &values)
        }
    }

    private static func header(_ reader: inout ByteReader) throws(ChunkError) -> (ChunkEncoding, deflated: Bool) {
        guard reader.remaining > 0 else { throw .empty }
        let tag = try reader.byte(in: "tag")
        guard let encoding = ChunkEncoding(rawValue: tag & ~ChunkEncoding.deflatedFlag) else {
            throw .unknownEncoding(tag: tag)
        }
        return (encoding, tag & ChunkEncoding.deflatedFlag != 0)
    }

    private static func sampleCount(_ reader: inout ByteReader) throws(ChunkError) -> Int {
        let n = try reader.unsigned(in: "sample count")
        guard n <= UInt64(ChunkEncoder.maxSamples) else { throw .tooManySamples(Int(clamping: n)) }
        return Int(n)
    }

    /// No body is longer than this (the bound on what a deflated body may claim): per sample at most 13 bytes of
    /// timestamp (a sparse entry or a Rice escape), 13 of mantissa plus a quarter of an 11-byte exception, or
    /// 18.2 of Gorilla stream; plus headers.
    static func maxBodyLength(_ n: Int) -> Int { n * 40 + 256 }

    private static func decode(
        _ blob: UnsafeRawBufferPointer, range: (Int64, Int64)?, base: Int64,
        appendingTo timestamps: inout [Int64], _ values: inout [Double]
    ) throws(ChunkError) {
        var reader = ByteReader(blob)
        let (encoding, deflated) = try header(&reader)
        let n = try sampleCount(&reader)
        if deflated {
            let length = try reader.unsigned(in: "deflated length")
            guard length >= 1, length <= UInt64(maxBodyLength(n)) else {
                throw .corrupt("deflated length \(length) for \(n) samples")
            }
            let body = try Deflate.decompress(reader.rest, length: Int(length))
            try withBytes(body) { (raw) throws(ChunkError) in
                var bodyReader = ByteReader(raw)
                try decodeBody(encoding, &bodyReader, count: n, range: range, base: base,
                               appendingTo: &timestamps, &values)
            }
        } else {
            try decodeBody(encoding, &reader, count: n, range: range, base: base, appendingTo: &timestamps, &values)
        }
    }

    private static func decodeBody(
        _ encoding: ChunkEncoding, _ reader: inout ByteReader, count n: Int, range: (Int64, Int64)?, base: Int64,
        appendingTo timestamps: inout [Int64], _ values: inout [Double]
    ) throws(ChunkError) {
        if n == 0 {
            guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
            return
        }
        // Decode into scratch space first so that a failure leaves the caller's arrays untouched.
        try withUnsafeTemporaryAllocation(of: Int64.self, capacity: 2 * n) { (scratch) throws(ChunkError) in
            try withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { (vs) throws(ChunkError) in
                let ts = scratch.baseAddress!
                var none: TimestampProgression?
                let keep = try decodeBody(encoding, &reader, count: n, range: range, base: base, timestamps: ts,
                                          values: vs.baseAddress!, mantissas: ts + n, wantsProgression: false,
                                          progression: &none)
                timestamps.append(contentsOf: UnsafeBufferPointer(start: ts + keep.lowerBound, count: keep.count))
                values.append(contentsOf: UnsafeBufferPointer(start: vs.baseAddress! + keep.lowerBound, count: keep.count))
            }
        }
    }

    /// Kept timestamps that are evenly spaced: `count` of them from `first`, `step` apart.
    struct TimestampProgression: Equatable {
        var first: Int64
        var step: Int64
        var count: Int
        var last: Int64 { first &+ step &* Int64(count &- 1) }
    }

    /// `decode(_:from:through:timestampBase:into:_:mantissas:slack:)`, except that timestamps stored as an
    /// arithmetic progression (a steady scrape, most chunks) are returned as one instead of being written: a
    /// caller that already holds them (series scraped together share them) need not write and compare them.
    static func decodeValues(
        _ blob: UnsafeRawBufferPointer, from mint: Int64, through maxt: Int64, timestampBase: Int64,
        into timestamps: UnsafeMutablePointer<Int64>, _ values: UnsafeMutablePointer<Double>,
        mantissas: UnsafeMutablePointer<Int64>, slack: Int = 0
    ) throws(ChunkError) -> (kept: Int, progression: TimestampProgression?) {
        var progression: TimestampProgression?
        let kept = try decode(blob, from: mint, through: maxt, timestampBase: timestampBase, into: timestamps, values,
                              mantissas: mantissas, slack: slack, progression: &progression, wantsProgression: true)
        return (kept, progression)
    }

    /// Decodes the blob's samples inside `[mint, maxt]` straight into `timestamps` and `values`, which must have
    /// room for all the blob's samples (`count(_:)`); the kept ones end up at the start, and their number is
    /// returned. `mantissas` is scratch space for as many values. On error the destination holds garbage.
    /// `slack` bytes after the blob may be loaded (their values never matter).
    static func decode(
        _ blob: UnsafeRawBufferPointer, from mint: Int64, through maxt: Int64, timestampBase: Int64,
        into timestamps: UnsafeMutablePointer<Int64>, _ values: UnsafeMutablePointer<Double>,
        mantissas: UnsafeMutablePointer<Int64>, slack: Int = 0
    ) throws(ChunkError) -> Int {
        var none: TimestampProgression?
        return try decode(blob, from: mint, through: maxt, timestampBase: timestampBase, into: timestamps, values,
                          mantissas: mantissas, slack: slack, progression: &none, wantsProgression: false)
    }

    private static func decode(
        _ blob: UnsafeRawBufferPointer, from mint: Int64, through maxt: Int64, timestampBase: Int64,
        into timestamps: UnsafeMutablePointer<Int64>, _ values: UnsafeMutablePointer<Double>,
        mantissas: UnsafeMutablePointer<Int64>, slack: Int, progression: inout TimestampProgression?,
        wantsProgression: Bool
    ) throws(ChunkError) -> Int {
        var reader = ByteReader(blob, slack: slack)
        let (encoding, deflated) = try header(&reader)
        let n = try sampleCount(&reader)
        var keep = 0..<0
        if deflated {
            let length = try reader.unsigned(in: "deflated length")
            guard length >= 1, length <= UInt64(maxBodyLength(n)) else {
                throw .corrupt("deflated length \(length) for \(n) samples")
            }
            let body = try Deflate.decompress(reader.rest, length: Int(length))
            keep = try withBytes(body) { (raw) throws(ChunkError) in
                var bodyReader = ByteReader(raw)
                return try decodeBody(encoding, &bodyReader, count: n, range: (mint, maxt), base: timestampBase,
                                      timestamps: timestamps, values: values, mantissas: mantissas,
                                      wantsProgression: wantsProgression, progression: &progression)
            }
        } else if n == 0 {
            guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
        } else {
            keep = try decodeBody(encoding, &reader, count: n, range: (mint, maxt), base: timestampBase,
                                  timestamps: timestamps, values: values, mantissas: mantissas,
                                  wantsProgression: wantsProgression, progression: &progression)
        }
        if keep.lowerBound > 0 && !keep.isEmpty {
            if progression == nil { timestamps.update(from: timestamps + keep.lowerBound, count: keep.count) }
            values.update(from: values + keep.lowerBound, count: keep.count)
        }
        return keep.count
    }

    /// Decodes `n` samples (n > 0) into `ts[0..<n]` and the values of the kept range into `vs`; returns the
    /// indices inside `range`.
    /// With `progression`, timestamps stored as an arithmetic progression are not written: it is set to the kept
    /// ones instead.
    private static func decodeBody(
        _ encoding: ChunkEncoding, _ reader: inout ByteReader, count n: Int, range: (Int64, Int64)?, base: Int64,
        timestamps ts: UnsafeMutablePointer<Int64>, values vs: UnsafeMutablePointer<Double>,
        mantissas: UnsafeMutablePointer<Int64>, wantsProgression: Bool, progression: inout TimestampProgression?
    ) throws(ChunkError) -> Range<Int> {
        if n == 0 {
            guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
            return 0..<0
        }
        var keep = 0..<n
        switch encoding {
        case .gorilla:
            try GorillaCodec.decode(from: &reader, count: n, base: base, timestamps: ts, values: vs)
            if let range { keep = kept(UnsafeBufferPointer(start: ts, count: n), range) }
        case .xor, .decimal:
            if wantsProgression, let (first, step) = IntegerSequence.progression(at: reader, count: n, offset: base) {
                // Only moves the reader past the section.
                try IntegerSequence.decode(
                    from: &reader, count: n, limit: 0, offset: base, into: ts, section: "timestamps")
                if let range {
                    let lower = partition(n) { first &+ step &* Int64($0) < range.0 }
                    let upper = partition(n) { first &+ step &* Int64($0) <= range.1 }
                    keep = lower..<max(lower, upper)
                }
                progression = TimestampProgression(
                    first: first &+ step &* Int64(keep.lowerBound), step: step, count: keep.count)
            } else {
                try IntegerSequence.decode(
                    from: &reader, count: n, limit: n, offset: base, into: ts, section: "timestamps")
                if let range { keep = kept(UnsafeBufferPointer(start: ts, count: n), range) }
            }
            if keep.isEmpty { return keep }
            if encoding == .xor {
                try decodeXOR(from: &reader, count: n, limit: keep.upperBound, into: vs)
            } else {
                try DecimalValues.decode(from: &reader, count: n, limit: keep.upperBound, into: vs, scratch: mantissas)
            }
        }
        // Values past the kept range were not decoded, so their section's end is unknown.
        if keep.upperBound == n && reader.remaining != 0 { throw .trailingBytes(reader.remaining) }
        return keep
    }

    private static func decodeXOR(
        from reader: inout ByteReader, count n: Int, limit: Int, into out: UnsafeMutablePointer<Double>
    ) throws(ChunkError) {
        var bits = BitReader(reader.rest)
        var xor = XORValueStream.Decoder()
        for i in 0..<limit {
            out[i] = Double(bitPattern: try xor.next(from: &bits))
        }
        if limit < n { return }
        if bits.isOverrun { throw .truncated(section: "XOR values") }
        try reader.skip(bits.bytesConsumed, in: "XOR values")
    }

    /// `Array.withUnsafeBytes` keeping the typed error (the standard one only rethrows `any Error`).
    private static func withBytes<R>(
        _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ChunkError) -> R
    ) throws(ChunkError) -> R {
        let result: Result<R, ChunkError> = bytes.withUnsafeBytes { raw in
            do throws(ChunkError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The indices of ascending `ts` inside `[mint, maxt]`.
    private static func kept(_ ts: UnsafeBufferPointer<Int64>, _ range: (Int64, Int64)) -> Range<Int> {
        let lower = partition(ts) { $0 < range.0 }
        let upper = partition(ts) { $0 <= range.1 }
        return lower..<max(lower, upper)
    }

    /// The first index whose timestamp fails `below` (binary search).
    private static func partition(_ ts: UnsafeBufferPointer<Int64>, _ below: (Int64) -> Bool) -> Int {
        partition(ts.count) { below(ts[$0]) }
    }

    /// The first index in `0..<n` that fails `below`, which holds for a prefix (binary search).
    private static func partition(_ n: Int, _ below: (Int) -> Bool) -> Int {
        var low = 0
        var high = n
        while low < high {
            let mid = (low + high) / 2
            if below(mid) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
