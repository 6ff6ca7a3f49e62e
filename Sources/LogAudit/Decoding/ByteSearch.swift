#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search on UTF-8 bytes: memchr finds candidates for the first byte (vectorised in
/// libc), memcmp confirms the rest. Needles in decoders are short, so this beats anything fancier.
enum ByteSearch {
    /// The first `k` in `from...maxStart` where `needle` occurs at `k`, or nil.
    @inline(__always)
    static func first(_ needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>,
                      from: Int, maxStart: Int) -> Int? {
        let n = needle.count
        guard n > 0 else { return from <= maxStart ? from : nil }
        guard from <= maxStart, let base = hay.baseAddress, let nb = needle.baseAddress else { return nil }
        let first = Int32(nb[0])
        var k = from
        while k <= maxStart {
            guard let hit = memchr(base + k, first, maxStart - k + 1) else { return nil }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if n == 1 || memcmp(base + at + 1, nb + 1, n - 1) == 0 { return at }
            k = at + 1
        }
        return nil
    }

    /// The last `k` in `minStart...from` where `needle` occurs at `k`, or nil.
    @inline(__always)
    static func last(_ needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>,
                     from: Int, minStart: Int) -> Int? {
        let n = needle.count
        guard let base = hay.baseAddress, let nb = needle.baseAddress, n > 0 else { return from >= minStart ? from : nil }
        let first = nb[0]
        var k = from
        while k >= minStart {
            if base[k] == first, n == 1 || memcmp(base + k + 1, nb + 1, n - 1) == 0 { return k }
            k -= 1
        }
        return nil
    }

    @inline(__always)
    static func hasPrefix(_ needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>, at k: Int, end: Int) -> Bool {
        let n = needle.count
        guard end - k >= n else { return false }
        guard n > 0, let base = hay.baseAddress, let nb = needle.baseAddress else { return true }
        return memcmp(base + k, nb, n) == 0
    }
}
