/// The words the synthetic traffic is made of: who logs in, what they run, which pages are asked
/// for. Lists, not rules: `SyslogSynthetic` decides how they combine.
enum SyslogVocabulary {
    /// Names tried by password-guessing bots, most frequent first.
    static let guessedUsers = [
        "root", "admin", "test", "user", "oracle", "postgres", "ubuntu", "guest", "mysql", "ftpuser",
        "git", "deploy", "jenkins", "hadoop", "www", "nginx", "support", "admin123", "pi", "elastic",
        "redis", "centos", "dev", "backup", "tomcat", "zabbix", "hive", "kafka", "minecraft", "steam",
    ]

    /// The cloud's administrators and service accounts (pinyin names, as in a city government IT team).
    static let staff = [
        "ops01", "ops02", "ops03", "ops04", "ops05", "ops06", "ops07", "ops08", "ops09", "ops10",
        "zhangwei", "liuyang", "wangfang", "lina", "chenjie", "zhaolei", "deploy", "backup", "ansible", "root",
    ]

    static let sudoCommands = [
        "/usr/bin/systemctl restart nginx", "/usr/bin/systemctl status sshd", "/usr/bin/tail -n 200 /var/log/nginx/error.log",
        "/usr/bin/journalctl -u sshd --since today", "/usr/bin/apt-get install -y htop", "/usr/bin/yum update -y openssl",
        "/usr/sbin/iptables -L -n -v", "/usr/sbin/nft list ruleset", "/usr/bin/docker ps -a", "/usr/bin/docker logs --tail 100 gov-portal",
        "/usr/bin/vim /etc/nginx/conf.d/portal.conf", "/bin/cat /etc/shadow", "/usr/bin/crontab -l -u www",
        "/usr/bin/du -sh /data/backup", "/usr/bin/kill -HUP 1423", "/usr/sbin/useradd -m auditor2", "/usr/bin/passwd auditor2",
        "/usr/bin/rm -rf /tmp/upload_cache", "/usr/bin/mysql -u root -e show processlist", "/bin/bash",
        "/usr/bin/chmod 600 /etc/anyun/agent.key", "/usr/bin/openssl x509 -in /etc/pki/tls/portal.crt -noout -dates",
    ]

    static let httpPaths = [
        "/", "/index.html", "/portal/home", "/api/v1/items", "/api/v1/orders", "/api/v1/login", "/api/v1/users/me",
        "/static/js/app.8f3a2c.js", "/static/css/main.css", "/favicon.ico", "/gov/notice/list", "/gov/notice/detail",
        "/hall/apply/submit", "/hall/apply/status", "/open/data/download", "/search", "/captcha/image", "/healthz",
    ]

    /// What scanners ask for; the WAF blocks some of these and nginx answers 403/404 to others.
    static let attackPaths = [
        "/wp-login.php", "/.env", "/phpmyadmin/index.php", "/index.php?id=1%27%20or%201=1--", "/admin/config.php",
        "/../../etc/passwd", "/cgi-bin/luci/;stok=/locale", "/actuator/env", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
        "/solr/admin/cores?action=CREATE", "/api/v1/users?id=1%20union%20select%20password%20from%20users", "/.git/config",
    ]

    static let userAgents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.43",
        "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
        "curl/7.88.1", "python-requests/2.31.0", "Go-http-client/1.1", "Zgrab/0.x", "sqlmap/1.7.2#stable (https://sqlmap.org)",
    ]

    /// WAF rules (OWASP CRS ids) with their messages.
    static let wafRules: [(id: String, message: String)] = [
        ("942100", "SQL Injection Attack Detected via libinjection"),
        ("941100", "XSS Attack Detected via libinjection"),
        ("930100", "Path Traversal Attack (/../)"),
        ("913100", "Found User-Agent associated with security scanner"),
        ("920350", "Host header is a numeric IP address"),
        ("932160", "Remote Command Execution: Unix Shell Code Found"),
        ("949110", "Inbound Anomaly Score Exceeded"),
    ]

    static let unitNames = [
        "市政府办公室", "市发展改革委", "市教育局", "市公安局", "市民政局", "市财政局", "市人社局", "市自然资源局",
        "市生态环境局", "市住建局", "市交通运输局", "市卫健委", "市市场监管局", "市医保局", "市政务服务局", "市大数据局",
    ]

    static let systemNames = ["网上办事大厅", "政务门户网站", "数据共享交换平台", "统一身份认证", "电子证照库", "12345热线"]

    /// Ports that firewall LOG rules see dropped most (remote desktop, databases, SMB, telnet…).
    static let droppedPorts = [22, 23, 445, 3389, 3306, 1433, 6379, 5432, 9200, 27017, 8080, 2375, 11211, 135, 139]
}
