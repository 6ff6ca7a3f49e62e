import Foundation

extension DataProtocol {
    /// Calls `body` once per contiguous region, so a multi-region `DispatchData` or a
    /// sliced `Data` is streamed without first being copied into one buffer.
    @inline(__always)
    func forEachRegion(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        for region in regions {
            try region.withUnsafeBytes(body)
        }
    }

    /// The bytes as an array; a single memcpy for `Data` and `[UInt8]`.
    @inline(__always)
    var byteArray: [UInt8] {
        if let array = self as? [UInt8] { return array }
        return [UInt8](self)
    }
}

/// Compares two byte strings in time that depends only on their lengths, so a MAC or
/// tag check does not leak how many leading bytes matched.
func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices {
        difference |= lhs[index] ^ rhs[index]
    }
    return difference == 0
}
