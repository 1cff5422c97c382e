import Foundation
import SQLite
@testable import Storage
import Testing
import TimeSeries

/// Chunk checksums: XXH64 agrees with the reference implementation, new chunks carry it, and chunks written by
/// schema 1 (CRC-32) are still checked and read after the file is migrated.
@Suite struct ChunkChecksumTests {
    let dir = TempDir()

    /// Digests from the reference implementation (Python's `xxhash` package, which wraps Collet's C code), seed 0.
    static let vectors: [(input: [UInt8], digest: UInt64)] = [
        ([], 0xEF46_DB37_51D8_E999),
        (Array("a".utf8), 0xD24E_C4F1_A98C_6E5B),
        (Array("abc".utf8), 0x44BC_2CF5_AD77_0999),
        (Array("0123456789abcdef0123456789abcdef0".utf8), 0xE876_84F0_8D6D_0816),
        ((0..<37).map { UInt8($0) }, 0xD93F_A2DF_EE5C_24C9),
        ((0..<768).map { UInt8($0 % 256) }, 0x8E03_C838_C596_036F),
    ]

    @Test func xxhash64MatchesTheReference() {
        for (input, digest) in Self.vectors {
            #expect(input.withUnsafeBytes { XXHash64.hash($0) } == digest, "\(input.count) bytes")
        }
    }

    @Test func everyLengthAndEveryFlippedBitChangesTheChecksum() {
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var seen = Set<Int64>()
        for n in 0...bytes.count {
            seen.insert(ChunkChecksum.compute(Array(bytes[..<n])))
        }
        #expect(seen.count == bytes.count + 1, "each prefix has its own checksum")
        let whole = ChunkChecksum.compute(bytes)
        #expect(whole & ChunkChecksum.xxhashFlag != 0)
        for bit in 0..<(bytes.count * 8) {
            var damaged = bytes
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(ChunkChecksum.compute(damaged) != whole, "bit \(bit)")
        }
    }

    /// Turns a fresh file into what schema 1 wrote: CRC-32 checksums and `user_version` 1.
    func downgradeToSchema1(_ path: String) throws {
        let db = try Database(path: path)
        var rows: [(Int64, Int64, [UInt8])] = []
        try db.prepare("SELECT series_id, min_t, data FROM chunks").rows { row in
            rows.append((row.int64(at: 0), row.int64(at: 1), row.blob(at: 2)))
        }
        #expect(!rows.isEmpty)
        for (id, minT, blob) in rows {
            let crc = blob.withUnsafeBytes { ChunkChecksum.crc32($0) }
            #expect(crc < ChunkChecksum.xxhashFlag)
            try db.prepare("UPDATE chunks SET crc = ? WHERE series_id = ? AND min_t = ?")
                .execute(.integer(crc), .integer(id), .integer(minT))
        }
        try db.execute("PRAGMA user_version = 1")
        db.close()
    }

    @Test func schema1ChunksWithCRC32AreMigratedAndStillChecked() throws {
        let path = dir.path("v1.db")
        var options = StoreOptions()
        options.chunkSamples = 50
        let series = Labels(["__name__": "c"])
        do {
            let store = try SQLiteStore(path: path, options: options)
            try store.append((0..<100).map { (series, Int64($0) * 1000, Double($0)) })
            store.close()
        }
        try downgradeToSchema1(path)
        let matcher = try LabelMatcher(.equal, "__name__", "c")
        do {
            let store = try SQLiteStore(path: path, options: options)
            let got = try store.select([matcher], mint: 0, maxt: .max)
            #expect(got.first?.values.map { $0 } == (0..<100).map(Double.init))
            // New chunks get the XXH64-based checksum beside the old CRC-32 ones.
            try store.append((100..<150).map { (series, Int64($0) * 1000, Double($0)) })
            #expect(try store.select([matcher], mint: 0, maxt: .max).first?.count == 150)
            #expect(try store.verify(full: true).problems.isEmpty)
            store.close()
        }
        let db = try Database(path: path)
        #expect(try db.userVersion() == 2)
        let kinds = try db.prepare("SELECT crc >> 32, count(*) FROM chunks GROUP BY 1 ORDER BY 1").fetchAll { ($0.int64(at: 0), $0.int64(at: 1)) }
        #expect(kinds.map(\.0) == [0, 1], "CRC-32 chunks and XXH64 chunks side by side")
        // Damage in an old CRC-32 chunk is still caught.
        var blob = try db.prepare("SELECT data FROM chunks WHERE crc < 4294967296 ORDER BY min_t LIMIT 1").fetchOne { $0.blob(at: 0) } ?? []
        blob[blob.count / 2] ^= 0x04
        try db.prepare("UPDATE chunks SET data = ? WHERE crc < 4294967296 AND min_t = 0").execute(.blob(blob))
        db.close()
        let store = try SQLiteStore(path: path, options: options)
        #expect { try store.select([matcher], mint: 0, maxt: .max) } throws: { "\($0)".contains("fails its checksum") }
    }

    @Test func aNewerSchemaIsRefusedAndLeftAlone() throws {
        let path = dir.path("newer.db")
        do {
            let store = try SQLiteStore(path: path)
            try store.append([(Labels(["__name__": "x"]), 1000, 1)])
            store.close()
        }
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA user_version = 99")
            db.close()
        }
        #expect { try SQLiteStore(path: path) } throws: { error in
            let text = "\(error)"
            return text.contains(path) && text.contains("99") && text.contains("\(2)")
        }
        let db = try Database(path: path)
        #expect(try db.userVersion() == 99)
        #expect(try db.prepare("SELECT count(*) FROM head").fetchOne { $0.int64(at: 0) } == 1)
    }
}
