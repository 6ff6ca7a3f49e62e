import COpenSSL
import Foundation

/// Arithmetic on the SM2 recommended curve (GB/T 32918.5) that the EVP layer does not offer.
enum SM2Curve {
    static let coordinateByteCount = 32
    /// 04 || X || Y.
    static let uncompressedPointByteCount = 1 + 2 * coordinateByteCount

    private static func withGroup<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let group = EC_GROUP_new_by_curve_name(NID_sm2) else {
            throw OpenSSL.error("EC_GROUP_new_by_curve_name(SM2)")
        }
        defer { EC_GROUP_free(group) }
        return try body(group)
    }

    /// True when `encodedPoint` (04||X||Y, or compressed) decodes to a point on the curve.
    static func isOnCurve(_ encodedPoint: [UInt8]) -> Bool {
        let valid = try? withGroup { group -> Bool in
            guard let point = EC_POINT_new(group) else { return false }
            defer { EC_POINT_free(point) }
            return encodedPoint.withUnsafeBufferPointer {
                EC_POINT_oct2point(group, point, $0.baseAddress, $0.count, nil) == 1
            }
        }
        OpenSSL.clearErrors()
        return valid ?? false
    }

    /// Checks 1 <= d <= n-2 (GB/T 32918.1 6.1) and returns Q = [d]G as 04||X||Y.
    static func publicPoint(forPrivateScalar scalar: [UInt8]) throws -> [UInt8] {
        try withGroup { group in
            guard let d = scalar.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else {
                throw OpenSSL.error("BN_bin2bn")
            }
            defer { BN_clear_free(d) }
            guard let order = EC_GROUP_get0_order(group), let limit = BN_dup(order) else {
                throw OpenSSL.error("EC_GROUP_get0_order")
            }
            defer { BN_free(limit) }
            guard BN_sub_word(limit, 2) == 1 else { throw OpenSSL.error("BN_sub_word") }
            guard BN_is_zero(d) == 0, BN_cmp(d, limit) <= 0 else {
                throw AnyunCryptoError(.invalidKey, "SM2 private key must be in [1, n-2]")
            }
            guard let point = EC_POINT_new(group) else { throw OpenSSL.error("EC_POINT_new") }
            defer { EC_POINT_free(point) }
            guard EC_POINT_mul(group, point, d, nil, nil, nil) == 1 else {
                throw OpenSSL.error("EC_POINT_mul")
            }
            var encoded = [UInt8](repeating: 0, count: uncompressedPointByteCount)
            let written = encoded.withUnsafeMutableBufferPointer {
                EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, $0.baseAddress, $0.count, nil)
            }
            guard written == uncompressedPointByteCount else { throw OpenSSL.error("EC_POINT_point2oct") }
            return encoded
        }
    }
}
