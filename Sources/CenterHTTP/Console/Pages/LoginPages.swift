import AnyunCore
import Center
import Hummingbird

/// Login with password and TOTP, and logout.
enum LoginPages {
    struct LoginView {
        let username: String
        let next: String
        let error: String?
    }

    static func addPublic(to group: RouterGroup<AppContext>, env: ConsoleEnv) {
        group.get("login") { request, _ in
            let next = LoginTarget.sanitized(FormData.query(request).raw("next"))
            return env.renderer.bare("login", title: "登录", LoginView(username: "", next: next, error: nil))
        }

        group.post("login") { request, context in
            func refuse(_ status: HTTPResponse.Status, _ message: String, username: String = "", next: String = "/") -> Response {
                env.renderer.bare("login", title: "登录", LoginView(username: username, next: next, error: message), status: status)
            }
            let form: FormData
            do { form = try await FormData.read(request) } catch {
                return refuse(.badRequest, "登录请求格式不正确，请刷新页面后重试。")
            }
            let username = form["username"] ?? ""
            let next = LoginTarget.sanitized(form.raw("next"))
            guard !username.isEmpty, let password = form.raw("password"), !password.isEmpty else {
                return refuse(.badRequest, "请输入用户名和密码。", username: username, next: next)
            }
            do {
                let result = try await env.center.auth.login(username: username, password: password, totp: form["totp"],
                                                             source: context.remoteAddress)
                return PageRenderer.redirect(next, headers: [.setCookie: env.cookies.set(result.token)])
            } catch CenterError.unauthorized(let why) {
                return refuse(.unauthorized, why, username: username, next: next)
            } catch CenterError.locked(let until) {
                return refuse(ConsoleFailure.locked,
                              "登录失败次数过多，账号已锁定，请于 \(env.renderer.time.minutes(until)) 后重试或联系系统管理员解锁。(account locked)",
                              username: username, next: next)
            } catch {
                // The login page has no layout to render an error page in; say it on the form.
                context.logger.error("console login failed", metadata: ["error": "\(String(reflecting: error))"])
                return refuse(.internalServerError, "登录服务暂时不可用，请稍后重试。(internal error)", username: username, next: next)
            }
        }
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.post("logout") { request, context in
            _ = try await FormData.posted(request, context: context)
            if let token = context.credential, let p = context.principal { try await env.center.auth.logout(token, principal: p) }
            return PageRenderer.redirect("/login", headers: [.setCookie: env.cookies.clear()])
        }
    }
}
