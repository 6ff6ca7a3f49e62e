#if canImport(Glibc)
import Glibc
#endif

/// Raises the soft limit on open files to the hard limit: every syslog TCP connection and every
/// open day of logs holds descriptors, and the usual soft limit of 1024 is below what a
/// cloud's worth of senders opens.
enum FileLimit {
    @discardableResult
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}
