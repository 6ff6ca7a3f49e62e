import AnyunCore
import Center
import Foundation
import Hummingbird

/// 用户管理 (system administrator): accounts, their status, lockouts and second factors.
enum UserPages {
    struct Row {
        let id: Int64
        let username: String
        let displayName: String
        let role: String
        let unitName: String
        let status: Badge
        let totp: Bool
        let lastLogin: String
        let version: Int
        let disabled: Bool
        let locked: Bool
        let isSelf: Bool
    }

    struct ListView {
        let roles: [Option]
        let rows: [Row]
        let empty: Bool
        let pager: Pager
    }

    struct FormView {
        let roles: [Option]
        let units: [Option]
        let values: [String: String]
        let totpChecked: Bool
        let errors: [String: String]
        let alert: Alert?
    }

    /// A second factor is shown once, right after it was made: the centre keeps only a sealed copy.
    struct SecretView {
        let heading: String
        let username: String
        let displayName: String
        let role: String
        let secret: String?
        let uri: String?
    }

    static let notices = [
        "disabled": "已停用该账号，其会话立即失效。", "enabled": "已启用该账号。", "unlocked": "已解除该账号的登录锁定。",
    ]

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("users") { request, context in
            let p = try context.requirePrincipal()
            let q = FormData.query(request)
            let page = try q.page()
            let role = try q["role"].map { raw in
                guard let r = Role(rawValue: raw) else { throw ConsoleError.badRequest("未知的角色 (unknown role)") }
                return r
            }
            let result = try await env.center.users.list(role: role, unitID: nil, page: page, by: p)
            let directory = try await Directory.load(env.center, p, withSystems: false)
            let now = env.center.now()
            let time = env.renderer.time
            let rows = result.items.map { u in
                let locked = (u.lockedUntil ?? .distantPast) > now
                let status = u.disabled ? Badge(text: "已停用", tone: "muted")
                    : locked ? Badge(text: "锁定至 \(time.minutes(u.lockedUntil!))", tone: "danger") : Badge(text: "正常", tone: "ok")
                return Row(id: u.id, username: u.username, displayName: u.displayName, role: u.role.chineseName,
                           unitName: u.unitID.map(directory.unitName) ?? "—", status: status, totp: u.totpEnrolled,
                           lastLogin: u.lastLoginAt.map(time.minutes) ?? "从未登录", version: u.version, disabled: u.disabled,
                           locked: locked, isSelf: u.id == p.userID)
            }
            let view = ListView(roles: roleOptions(selected: role?.rawValue), rows: rows, empty: rows.isEmpty,
                                pager: Pager(path: "/users", query: QueryString([("role", role?.rawValue)]), page: page,
                                             shown: rows.count, total: result.total))
            return await env.renderer.page("users", title: "用户管理", nav: .users, view,
                                           notice: q["done"].flatMap { notices[$0] }, context: context)
        }

        pages.get("users/new") { _, context in
            try context.requirePrincipal().require(.userManage)
            return try await form(env, context: context, form: nil)
        }

        pages.post("users") { request, context in
            let p = try context.requirePrincipal()
            let form = try await FormData.posted(request, context: context)
            let request = NewUserRequest(username: form["username"], displayName: form["displayName"], role: form["role"],
                                         unitID: try form.int64("unitID", label: "单位"), password: form.raw("password"),
                                         totp: form.has("totp"))
            do {
                let created = try await env.center.users.create(request, by: p)
                return await env.renderer.page("user-secret", title: "用户已创建", nav: .users,
                                               secretView("用户已创建", created.user, created.totp), status: .created, context: context)
            } catch let e as CenterError where e.isAboutInput {
                return try await self.form(env, context: context, form: form, failure: ConsoleFailure(e))
            }
        }

        pages.post("users/:id/status") { request, context in
            let p = try context.requirePrincipal()
            let form = try await FormData.posted(request, context: context)
            let disable = form["disabled"] == "true"
            _ = try await env.center.users.update(try context.parameters.id(), displayName: nil, disabled: disable,
                                                  version: try form.version(), by: p)
            return PageRenderer.redirect("/users?done=\(disable ? "disabled" : "enabled")")
        }

        pages.post("users/:id/unlock") { request, context in
            let p = try context.requirePrincipal()
            _ = try await FormData.posted(request, context: context)
            try await env.center.users.unlock(try context.parameters.id(), by: p)
            return PageRenderer.redirect("/users?done=unlocked")
        }

        pages.post("users/:id/totp") { request, context in
            let p = try context.requirePrincipal()
            _ = try await FormData.posted(request, context: context)
            let id = try context.parameters.id()
            let enrollment = try await env.center.users.resetTOTP(id, by: p)
            let user = try await env.center.users.user(id, by: p)
            return await env.renderer.page("user-secret", title: "动态口令已重置", nav: .users,
                                           secretView("动态口令已重置", user, enrollment), context: context)
        }
    }

    static func roleOptions(selected: String?) -> [Option] {
        Role.allCases.map { Option(value: $0.rawValue, label: $0.chineseName, selected: $0.rawValue == selected) }
    }

    static func secretView(_ heading: String, _ user: UserAccount, _ totp: TOTPEnrollment?) -> SecretView {
        SecretView(heading: heading, username: user.username, displayName: user.displayName, role: user.role.chineseName,
                   secret: totp?.secret, uri: totp?.uri)
    }

    static func form(_ env: ConsoleEnv, context: AppContext, form: FormData?, failure: ConsoleFailure? = nil) async throws -> Response {
        let p = try context.requirePrincipal()
        let directory = try await Directory.load(env.center, p, withSystems: false)
        var values: [String: String] = [:]
        // The password is never sent back into the page.
        for name in ["username", "displayName"] { values[name] = form?.raw(name) ?? "" }
        let view = FormView(roles: roleOptions(selected: form?["role"]),
                            units: directory.unitOptions(selected: try form?.int64("unitID", label: "单位")),
                            values: values, totpChecked: form?.has("totp") ?? false,
                            errors: Alert.byField(failure), alert: failure.map(Alert.init))
        return await env.renderer.page("user-new", title: "新建用户", nav: .users, view, status: failure?.status ?? .ok,
                                       context: context)
    }
}
