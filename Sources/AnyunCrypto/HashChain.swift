import Foundation

/// The tamper-evident chain the audit trail is built on: each link is
/// `SM3(previous || payload)`, so changing, dropping or reordering any entry changes
/// every later link.
public enum HashChain {
    /// The `previous` value of the first entry: 32 zero bytes. It is fixed (not random)
    /// so any verifier can recompute a chain from its first entry alone.
    public static let genesis: [UInt8] = [UInt8](repeating: 0, count: SM3.byteCount)

    /// The link for `payload` following the link `previous` (use `genesis` for the first entry).
    public static func link(previous: [UInt8], payload: [UInt8]) -> [UInt8] {
        var hasher = SM3Hasher()
        hasher.update(data: previous)
        hasher.update(data: payload)
        return hasher.finalize()
    }

    /// Recomputes a chain and returns the index of the first entry whose stored link does
    /// not match, or nil when the whole chain is intact.
    public static func firstBrokenLink<S: Sequence>(
        in entries: S, startingFrom start: [UInt8] = genesis
    ) -> Int? where S.Element == (payload: [UInt8], link: [UInt8]) {
        var previous = start
        for (index, entry) in entries.enumerated() {
            let expected = link(previous: previous, payload: entry.payload)
            guard constantTimeEquals(expected, entry.link) else { return index }
            previous = expected
        }
        return nil
    }
}
