import AnyunCore
import Center
import Hummingbird

/// 服务目录: everyone reads it; the security administrator sets prices and switches services on or off.
enum CatalogPages {
    struct Row {
        let service: String
        let name: String
        let meteringUnit: String
        let price: String
        let description: String?
        let enabled: Bool
        let version: Int
        /// The price as the user typed it, when saving that row failed.
        let priceInput: String
        let error: String?
    }

    struct View {
        let editable: Bool
        let rows: [Row]
        let alert: Alert?
    }

    static func add(to pages: RouterGroup<AppContext>, env: ConsoleEnv) {
        pages.get("catalog") { request, context in
            let saved = FormData.query(request)["done"].flatMap(ServiceKind.init(rawValue:))
            return try await page(env, context: context, notice: saved.map { "已保存「\($0.chineseName)」的价格与状态。" })
        }

        pages.post("catalog/:service") { request, context in
            let p = try context.requirePrincipal()
            let form = try await FormData.posted(request, context: context)
            let service = context.parameters.get("service") ?? ""
            let priceText = form["price"] ?? ""
            guard let price = Fen(yuan: priceText) else {
                let failure = ConsoleFailure(.validation([FieldError("unitPrice", "请输入以元为单位、最多两位小数的金额，如 150 或 150.50 (yuan, up to 2 decimals)")]))
                return try await page(env, context: context, failure: failure, row: service, priceInput: priceText)
            }
            let change = CatalogUpdate(unitPrice: price.value, enabled: form.has("enabled"),
                                       version: try form.version())
            do {
                _ = try await env.center.catalog.update(service, change, by: p)
                return PageRenderer.redirect("/catalog?done=\(QueryString.escape(service))")
            } catch let e as CenterError where e.isAboutInput {
                return try await page(env, context: context, failure: ConsoleFailure(e), row: service, priceInput: priceText)
            }
        }
    }

    static func page(_ env: ConsoleEnv, context: AppContext, notice: String? = nil, failure: ConsoleFailure? = nil,
                     row failed: String? = nil, priceInput: String = "") async throws -> Response {
        let p = try context.requirePrincipal()
        let entries = try await env.center.catalog.entries(by: p)
        let rows = entries.map { e in
            let isFailed = e.service.rawValue == failed
            return Row(service: e.service.rawValue, name: e.name, meteringUnit: e.meteringUnit.chineseName,
                       price: e.unitPrice.groupedYuan, description: e.description.isEmpty ? nil : e.description, enabled: e.enabled, version: e.version,
                       priceInput: isFailed ? priceInput : e.unitPrice.yuanText,
                       error: isFailed ? failure.map { $0.details.isEmpty ? $0.message : $0.details.joined(separator: "；") } : nil)
        }
        return await env.renderer.page("catalog", title: "服务目录", nav: .catalog,
                                       View(editable: p.can(.catalogWrite), rows: rows, alert: failure.map(Alert.init)),
                                       status: failure?.status ?? .ok, notice: notice, context: context)
    }
}
