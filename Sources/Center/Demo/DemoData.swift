import AnyunCore

/// The fixed shape of the demo deployment: the reference numbers of DESIGN.md, 16 units,
/// 80 business systems and 300 hosts of a city government cloud.
enum DemoData {
    static let units = [
        "市公安局", "市卫生健康委员会", "市教育局", "市人力资源和社会保障局", "市民政局", "市财政局",
        "市自然资源和规划局", "市生态环境局", "市住房和城乡建设局", "市交通运输局", "市水务局", "市农业农村局",
        "市商务局", "市文化和旅游局", "市市场监督管理局", "市大数据局",
    ]
    static let contacts = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐强", "孙丽",
                           "马超", "朱琳", "胡军", "郭佳"]

    struct SystemTemplate {
        var name: String
        var level: Int
        var domain: String
    }

    static let systems = [
        SystemTemplate(name: "门户网站", level: 2, domain: "互联网区"),
        SystemTemplate(name: "协同办公系统", level: 2, domain: "政务外网区"),
        SystemTemplate(name: "业务审批系统", level: 3, domain: "政务外网区"),
        SystemTemplate(name: "数据共享交换平台", level: 3, domain: "政务外网区"),
        SystemTemplate(name: "移动政务服务", level: 2, domain: "互联网区"),
    ]

    static let platforms = ["浪潮云", "华为云", "阿里云"]
    static let operatingSystems = ["麒麟 Kylin V10 SP2", "统信 UOS 20", "CentOS 7.9", "openEuler 22.03", "Windows Server 2019"]
    static let totalHosts = 300

    /// A valid unified social credit code for a government organ (category 11) in region 370100.
    static func creditCode(_ index: Int) -> String {
        CreditCode.completing("1137010000" + String(index + 1).leftPad(7))!.value
    }

    static func filingNumber(unit: Int, system: Int) -> String {
        "37010099\(String(unit + 1).leftPad(3))-2\(system + 1)00\(unit % 10)"
    }
}
