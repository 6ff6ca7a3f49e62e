import AnyunCore
import Center
import Hummingbird

struct UserUpdate: Decodable {
    var displayName: String?
    var disabled: Bool?
    var version: Int?
}

struct PasswordReset: Decodable {
    var password: String?
}

struct TokenRequest: Decodable {
    var name: String?
    var scopes: [String]?
}

enum UserRoutes {
    static func add(to api: RouterGroup<AppContext>, center: Center) {
        let users = center.users
        api.get("users") { request, context in
            let role = try request.string("role").map { raw -> Role in
                guard let r = Role(rawValue: raw) else { throw CenterError.validation([FieldError("role", "未知的角色 (unknown role)")]) }
                return r
            }
            return try JSONIO.response(try await users.list(role: role, unitID: try request.int64("unitID"), page: try request.page,
                                                          by: try context.requirePrincipal()))
        }
        api.post("users") { request, context in
            let body = try await JSONIO.decode(NewUserRequest.self, from: request)
            return try JSONIO.response(try await users.create(body, by: try context.requirePrincipal()), status: .created)
        }
        api.get("users/:id") { _, context in
            try JSONIO.response(try await users.user(try context.parameters.id(), by: try context.requirePrincipal()))
        }
        api.put("users/:id") { request, context in
            let bytes = try await JSONIO.body(request)
            let body = try JSONIO.decode(UserUpdate.self, bytes: bytes)
            return try JSONIO.response(try await users.update(try context.parameters.id(), displayName: body.displayName,
                                                            disabled: body.disabled, version: try JSONIO.version(request, bytes: bytes),
                                                            by: try context.requirePrincipal()))
        }
        api.post("users/:id/password") { request, context in
            let body = try await JSONIO.decode(PasswordReset.self, from: request)
            try await users.resetPassword(try context.parameters.id(), to: body.password ?? "", by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        api.post("users/:id/totp") { _, context in
            try JSONIO.response(try await users.resetTOTP(try context.parameters.id(), by: try context.requirePrincipal()))
        }
        api.post("users/:id/unlock") { _, context in
            try await users.unlock(try context.parameters.id(), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }

        api.get("tokens") { _, context in
            try JSONIO.response(Items(items: try await users.tokens(by: try context.requirePrincipal())))
        }
        api.post("tokens") { request, context in
            let body = try await JSONIO.decode(TokenRequest.self, from: request)
            return try JSONIO.response(try await users.createToken(name: body.name, scopes: body.scopes, by: try context.requirePrincipal()),
                                       status: .created)
        }
        api.delete("tokens/:id") { _, context in
            try await users.revokeToken(try context.parameters.id(), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
    }
}
