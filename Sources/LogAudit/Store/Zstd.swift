import CZstd

/// One-shot zstd over libzstd, for sealed partitions: a sealed partition never changes, so it is
/// compressed whole as one frame and read back whole.
enum Zstd {
    /// Compresses `bytes` as one zstd frame (content size recorded in the frame header).
    ///
    /// The frame also carries zstd's content checksum: a sealed partition can sit in an archive for
    /// years, and without it a flipped bit inside a literal section decompresses "successfully"
    /// into wrong bytes.
    static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        // A context per call: no state shared between callers, and its cost is small next to
        // compressing a whole partition.
        guard let context = ZSTD_createCCtx() else { preconditionFailure("zstd: cannot allocate a compression context") }
        defer { ZSTD_freeCCtx(context) }
        // Levels outside zstd's range are clamped by zstd itself, so these only fail on a broken libzstd.
        check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "compression level \(level)")
        check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "checksum flag")
        check(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1), "content size flag")

        let bound = ZSTD_compressBound(bytes.count)
        return bytes.withUnsafeBytes { source in
            [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                let written = ZSTD_compress2(context, buffer.baseAddress, bound, source.baseAddress, source.count)
                // With ZSTD_compressBound of room, compression cannot run out of space.
                check(written, "compress \(source.count) bytes")
                count = written
            }
        }
    }

    /// Decompresses one frame; refuses frames whose declared content size is unknown or larger
    /// than `limit`, and corrupt input.
    ///
    /// The size comes from the frame header before anything is allocated, so a hostile or damaged
    /// file cannot make us allocate more than `limit` bytes.
    static func decompress(_ bytes: [UInt8], limit: Int) throws(ZstdError) -> [UInt8] {
        // withUnsafeBytes rethrows untyped errors, so the typed error travels out as a Result.
        try bytes.withUnsafeBytes { source in
            Result { () throws(ZstdError) in try decode(source, limit: limit) }
        }.get()
    }

    private static func decode(_ source: UnsafeRawBufferPointer, limit: Int) throws(ZstdError) -> [UInt8] {
        let declared = ZSTD_getFrameContentSize(source.baseAddress, source.count)
        if declared == anyun_zstd_contentsize_error() { throw ZstdError(reason: "not a zstd frame") }
        if declared == anyun_zstd_contentsize_unknown() { throw ZstdError(reason: "content size unknown") }
        guard declared <= UInt64(max(limit, 0)) else {
            throw ZstdError(reason: "content size \(declared) exceeds limit \(limit)")
        }
        // ZSTD_decompress would go on into a following frame; one partition is one frame, so
        // anything after it is damage, not more data.
        let frameLength = ZSTD_findFrameCompressedSize(source.baseAddress, source.count)
        if ZSTD_isError(frameLength) != 0 { throw ZstdError(code: frameLength) }
        guard frameLength == source.count else {
            throw ZstdError(reason: "\(source.count - frameLength) bytes after the frame")
        }

        let capacity = Int(declared)
        var result = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            result = ZSTD_decompress(buffer.baseAddress, capacity, source.baseAddress, source.count)
            count = ZSTD_isError(result) != 0 ? 0 : min(result, capacity)
        }
        if ZSTD_isError(result) != 0 { throw ZstdError(code: result) }
        guard result == capacity else {
            throw ZstdError(reason: "decompressed \(result) bytes, frame declared \(capacity)")
        }
        return output
    }

    private static func check(_ code: Int, _ what: @autoclosure () -> String) {
        if ZSTD_isError(code) != 0 {
            preconditionFailure("zstd: \(what()) failed: \(String(cString: ZSTD_getErrorName(code)))")
        }
    }
}

/// Why a zstd frame was refused; `reason` names the problem (zstd's own error name for corrupt data).
struct ZstdError: Error, Equatable, CustomStringConvertible {
    let reason: String

    init(reason: String) { self.reason = reason }

    init(code: Int) { reason = String(cString: ZSTD_getErrorName(code)) }

    var description: String { "zstd: \(reason)" }
}
