/// The app name decoders are indexed by: syslog tags come as `sshd`, `sshd[123]`,
/// `sshd(pam_unix)` (old PAM), `/usr/sbin/cron`, `CRON` or `syslogd 1.4.1`; all of these name
/// the program before the first `[`, `(`, space or `:`, after the last `/`, in lowercase.
enum ProgramName {
    static func normalize(_ app: String?) -> String? {
        guard let app, !app.isEmpty else { return nil }
        // Fast path: already a plain lowercase name (the common case) — no copy.
        if app.utf8.allSatisfy(isPlain) { return app }
        var bytes = Array(app.utf8.drop(while: ByteClass.isSpace))
        if let cut = bytes.firstIndex(where: { $0 == 0x5B || $0 == 0x28 || $0 == 0x20 || $0 == 0x09 || $0 == 0x3A }) {
            bytes.removeSubrange(cut...)
        }
        if let slash = bytes.lastIndex(of: 0x2F) { bytes.removeSubrange(...slash) }
        guard !bytes.isEmpty else { return nil }
        for i in bytes.indices where bytes[i] &- 0x41 < 26 { bytes[i] |= 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    private static func isPlain(_ c: UInt8) -> Bool {
        (c &- 0x61 < 26) || ByteClass.isDigit(c) || c == 0x2D || c == 0x5F || c == 0x2E || c >= 0x80
    }
}
