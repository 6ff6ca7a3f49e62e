import AnyunCore
import Center
import Hummingbird

struct LoginRequest: Decodable {
    var username: String?
    var password: String?
    var totp: String?
}

struct LoginResponse: Encodable {
    var token: String
    var expiresIn: Int
    var user: UserAccount
}

struct PasswordChange: Decodable {
    var currentPassword: String?
    var newPassword: String?
}

enum AuthRoutes {
    static func addPublic(to api: RouterGroup<AppContext>, center: Center) {
        api.post("auth/login") { request, context in
            let body = try await JSONIO.decode(LoginRequest.self, from: request)
            var missing: [FieldError] = []
            if (body.username ?? "").isEmpty { missing.append(FieldError("username", "不能为空 (required)")) }
            if (body.password ?? "").isEmpty { missing.append(FieldError("password", "不能为空 (required)")) }
            if !missing.isEmpty { throw CenterError.validation(missing) }
            let result = try await center.auth.login(username: body.username!, password: body.password!, totp: body.totp,
                                                     source: context.remoteAddress)
            return try JSONIO.response(LoginResponse(token: result.token, expiresIn: Int(result.expiresIn), user: result.account))
        }
    }

    static func add(to api: RouterGroup<AppContext>, center: Center) {
        api.post("auth/logout") { _, context in
            let p = try context.requirePrincipal()
            if let credential = context.credential { try await center.auth.logout(credential, principal: p) }
            return Response(status: .noContent)
        }
        api.get("auth/me") { _, context in
            let p = try context.requirePrincipal()
            return try JSONIO.response(try await center.users.user(p.userID, by: p))
        }
        api.post("auth/password") { request, context in
            let p = try context.requirePrincipal()
            let body = try await JSONIO.decode(PasswordChange.self, from: request)
            try await center.users.changeOwnPassword(current: body.currentPassword ?? "", new: body.newPassword ?? "", by: p)
            return Response(status: .noContent)
        }
    }
}
