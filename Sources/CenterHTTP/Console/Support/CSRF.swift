import Crypto

/// Form tokens derived from the session token: nothing to store, different for every session,
/// and a page from another origin cannot compute one because it never sees the cookie.
enum CSRF {
    static let fieldName = "csrf"

    static func token(forSession session: String) -> String {
        SHA256.hash(data: Array("csrf:\(session)".utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func isValid(_ submitted: String?, session: String?) -> Bool {
        guard let submitted, let session else { return false }
        let expected = Array(token(forSession: session).utf8), given = Array(submitted.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
