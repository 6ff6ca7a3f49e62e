import Foundation

/// Byte-string keys to dense ids, for the index of the bucket being written: keys live in one
/// arena and are found by open addressing on a 64-bit hash, so adding a term to the index costs
/// no allocation and no `String` hashing — the index sees about 30 terms per event.
struct TermTable: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int] = []
    /// By hash slot: the high 32 bits of the key's hash, then its id + 1 (0: empty slot). Keeping
    /// the hash in the slot settles most probes without touching the keys. At most half full.
    private var slots: [UInt64] = [UInt64](repeating: 0, count: 1 << 12)

    var count: Int { starts.count }

    func key(_ id: Int32) -> ArraySlice<UInt8> {
        let i = Int(id)
        return arena[starts[i]..<(i + 1 < starts.count ? starts[i + 1] : arena.count)]
    }

    /// Byte order of two keys (memcmp, then length).
    func precedes(_ a: Int32, _ b: Int32) -> Bool {
        let left = key(a), right = key(b)
        let order = arena.withUnsafeBufferPointer { base in
            memcmp(base.baseAddress! + left.startIndex, base.baseAddress! + right.startIndex, min(left.count, right.count))
        }
        return order != 0 ? order < 0 : left.count < right.count
    }

    func find(_ key: UnsafeRawBufferPointer) -> Int32? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] != 0 {
            let entry = slots[slot]
            if entry >> 32 == hash >> 32, equals(Self.id(entry), key) { return Self.id(entry) }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    private static func id(_ entry: UInt64) -> Int32 { Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1 }

    /// The id of `key`, adding it when new.
    mutating func id(of key: UnsafeRawBufferPointer) -> (id: Int32, isNew: Bool) {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] != 0 {
            let entry = slots[slot]
            if entry >> 32 == hash >> 32, equals(Self.id(entry), key) { return (Self.id(entry), false) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let id = Int32(starts.count)
        starts.append(arena.count)
        arena.append(contentsOf: key)
        slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
        if starts.count * 2 > slots.count { grow() }
        return (id, true)
    }

    private func equals(_ id: Int32, _ key: UnsafeRawBufferPointer) -> Bool {
        let stored = self.key(id)
        guard stored.count == key.count else { return false }
        return stored.withUnsafeBytes { $0.elementsEqual(key) }
    }

    private mutating func grow() {
        var bigger = [UInt64](repeating: 0, count: slots.count * 2)
        for id in 0..<Int32(starts.count) {
            let hash = key(id).withUnsafeBytes { Self.hash($0) }
            var slot = Int(truncatingIfNeeded: hash) & (bigger.count - 1)
            while bigger[slot] != 0 { slot = (slot + 1) & (bigger.count - 1) }
            bigger[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
        }
        slots = bigger
    }

    /// 64-bit multiply-xorshift over 8-byte words: keys are short and this runs per term.
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        while i + 8 <= key.count {
            h = (h ^ key.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < key.count {
            tail |= UInt64(key[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}
