import AnyunCore
import Center
import Hummingbird

/// An error as a page says it: status, heading, a sentence and, for bad input, the fields.
struct ConsoleFailure {
    var status: HTTPResponse.Status
    var heading: String
    var message: String
    var details: [String] = []
    /// The fields at fault, for forms that show each reason next to its field.
    var fields: [FieldError] = []

    static let locked = HTTPResponse.Status(code: 423, reasonPhrase: "Locked")

    init(_ error: any Error) {
        switch error {
        case let e as CenterError: self.init(e)
        case ConsoleError.csrf:
            self.init(status: .forbidden, heading: "请求被拒绝",
                      message: "表单已过期或来源不可信，请返回上一页刷新后重试。(CSRF token missing or wrong)")
        case ConsoleError.badRequest(let why):
            self.init(status: .badRequest, heading: "请求有误", message: why)
        case let p as Problem:
            self.init(status: p.status, heading: Self.heading(for: p.status), message: p.detail)
        case let e as HTTPError:
            self.init(status: e.status, heading: Self.heading(for: e.status), message: e.body ?? e.status.reasonPhrase)
        default:
            self.init(status: .internalServerError, heading: "服务器内部错误",
                      message: "处理请求时发生内部错误，已记录日志。请稍后重试或联系系统管理员。(internal error)")
        }
    }

    init(status: HTTPResponse.Status, heading: String, message: String, details: [String] = []) {
        self.status = status
        self.heading = heading
        self.message = message
        self.details = details
    }

    init(_ e: CenterError) {
        switch e {
        case .validation(let errors):
            self.init(status: .unprocessableContent, heading: "输入有误", message: "请修正以下问题后重试。",
                      details: errors.map(FieldLabels.sentence))
            fields = errors
        case .importRejected(let rows):
            self.init(status: .unprocessableContent, heading: "导入被拒绝", message: "共 \(rows.count) 处错误，未写入任何数据。",
                      details: rows.prefix(50).map { "第 \($0.line) 行 \(FieldLabels.label($0.field))：\($0.reason)" })
        case .notFound:
            self.init(status: .notFound, heading: "页面不存在", message: "要访问的内容不存在，或您无权查看。(not found)")
        case .conflict(let f):
            self.init(status: .conflict, heading: "操作冲突", message: FieldLabels.sentence(f))
            fields = [f]
        case .versionConflict:
            self.init(status: .conflict, heading: "数据已被修改",
                      message: "该记录已被他人修改，请返回刷新后重新操作。(changed by someone else)")
        case .unauthorized(let why):
            self.init(status: .unauthorized, heading: "未登录", message: why)
        case .forbidden(let why):
            self.init(status: .forbidden, heading: "无权访问", message: why)
        case .locked:
            self.init(status: Self.locked, heading: "账号已锁定", message: "账号已锁定，请稍后重试。(account locked)")
        case .immutable(let why):
            self.init(status: .conflict, heading: "不可修改", message: why)
        case .internalFailure:
            self.init(status: .internalServerError, heading: "服务器内部错误", message: "处理请求时发生内部错误，已记录日志。(internal error)")
        }
    }

    static func heading(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "请求有误"
        case 403: "无权访问"
        case 404: "页面不存在"
        case 405: "不支持的请求方式"
        case 409: "操作冲突"
        case 413: "请求内容过大"
        case 422: "输入有误"
        case 500...: "服务器内部错误"
        default: "请求未完成"
        }
    }
}

/// Chinese names of the fields the services report errors on.
enum FieldLabels {
    static let names: [String: String] = [
        "unitID": "单位", "service": "服务", "systemIDs": "业务系统", "hostIDs": "云主机", "quantity": "数量",
        "startDay": "开始日期", "endDay": "结束日期", "purpose": "用途说明", "note": "审批意见", "version": "版本",
        "username": "用户名", "displayName": "姓名", "role": "角色", "password": "密码", "disabled": "状态",
        "unitPrice": "单价", "description": "说明", "month": "月份", "name": "名称", "level": "等级",
        "state": "状态", "systemID": "业务系统", "unit": "单位",
    ]

    static func label(_ field: String) -> String { names[base(field)] ?? field }

    /// `systemIDs[2]` → `systemIDs`: a form shows one message per field, not per element.
    static func base(_ field: String) -> String { String(field.prefix { $0 != "[" }) }

    static func sentence(_ f: FieldError) -> String { "\(label(f.field))：\(f.reason)" }
}

extension CenterError {
    /// Refusals the user can fix on the same page (bad or stale input), as opposed to
    /// refusals of access, which get the error page.
    var isAboutInput: Bool {
        switch self {
        case .validation, .conflict, .versionConflict, .immutable: true
        default: false
        }
    }
}
