import AnyunCore
import Center

/// The pages a navigation entry leads to; a page names its entry so it is highlighted.
enum NavKey {
    case overview, units, systems, hosts, applications, subscriptions, catalog, statements, users, audit
    case situation, logs, alerts
}

/// The frame around every page: who is logged in and where they may go. Entries are shown only
/// for what the role may do; the services refuse the rest anyway.
struct Chrome {
    struct Link {
        let label: String
        let href: String
        let active: Bool
    }

    struct Section {
        let label: String
        let links: [Link]
    }

    let displayName: String
    let username: String
    let roleName: String
    let unitName: String?
    let sections: [Section]

    static func make(for p: Principal, active: NavKey?, center: Center) async -> Chrome {
        // The header is decoration: if a lookup fails the page still renders with the username.
        let account = try? await center.users.user(p.userID, by: p)
        let unit: String? = if let id = p.unitID { try? await center.registry.unit(id, by: p).name } else { nil }
        func link(_ label: String, _ href: String, _ key: NavKey, _ allowed: Bool) -> Link? {
            allowed ? Link(label: label, href: href, active: key == active) : nil
        }
        let groups: [(String, [Link?])] = [
            ("总览", [link("总览 Overview", "/", .overview, true)]),
            ("资产", [link("单位", "/units", .units, p.can(.registryRead)),
                      link("业务系统", "/systems", .systems, p.can(.registryRead)),
                      link("云主机", "/hosts", .hosts, p.can(.registryRead))]),
            ("服务", [link("服务申请", "/applications", .applications, p.can(.registryRead)),
                      link("服务订购", "/subscriptions", .subscriptions, p.can(.registryRead)),
                      link("服务目录", "/catalog", .catalog, p.can(.catalogRead))]),
            ("计费", [link("结算单", "/statements", .statements, p.can(.billingRead))]),
            ("日志审计", [link("态势感知", "/situation", .situation, p.can(.logRead)),
                          link("日志检索", "/logs", .logs, p.can(.logRead)),
                          link("告警", "/alerts", .alerts, p.can(.alertRead))]),
            ("管理", [link("用户管理", "/users", .users, p.can(.userManage)),
                      link("审计日志", "/audit", .audit, p.can(.auditRead))]),
        ]
        return Chrome(displayName: account?.displayName ?? p.username, username: p.username, roleName: p.role.chineseName,
                      unitName: unit,
                      sections: groups.compactMap { label, links in
                          let shown = links.compactMap { $0 }
                          return shown.isEmpty ? nil : Section(label: label, links: shown)
                      })
    }
}
