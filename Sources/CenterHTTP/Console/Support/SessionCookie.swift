import Hummingbird

/// The session cookie's attributes. HttpOnly keeps scripts away from it, SameSite=Strict keeps
/// other sites from sending it, Secure (behind TLS) keeps it off plain connections.
struct SessionCookie: Sendable {
    let secure: Bool

    var name: String { AuthMiddleware.cookieName }

    func set(_ token: String) -> String {
        "\(name)=\(token); HttpOnly; SameSite=Strict; Path=/" + (secure ? "; Secure" : "")
    }

    func clear() -> String {
        "\(name)=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/" + (secure ? "; Secure" : "")
    }

    func token(in request: Request) -> String? {
        guard let value = AuthMiddleware.cookie(request, name), !value.isEmpty else { return nil }
        return value
    }
}
