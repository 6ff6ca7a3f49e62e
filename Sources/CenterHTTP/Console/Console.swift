import Center
import Hummingbird

/// The server-rendered console. (Pages are added in the console files.)
enum Console {
    static func add(to router: Router<AppContext>, center: Center, secureCookies: Bool) throws {}
}
