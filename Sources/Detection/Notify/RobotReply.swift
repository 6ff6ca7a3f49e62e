import Foundation

/// The `{"errcode":0,"errmsg":"ok"}` answer DingTalk and WeCom robots give with HTTP 200: a
/// non-zero errcode means the message was not posted, whatever the status said.
struct RobotReply: Decodable {
    var errcode: Int?
    var errmsg: String?

    /// Throws when the robot refused the message. Rate limiting (DingTalk 130101, WeCom 45009)
    /// passes, so it may be retried; a bad token, keyword or signature will not.
    static func check(_ body: Data, channel: String, robot: String, rateLimitCodes: Set<Int>) throws {
        guard let reply = try? JSONDecoder().decode(RobotReply.self, from: body) else {
            throw NotificationError(.rejected, "\(channel): \(robot) answered with something other than its JSON reply\(HTTPPoster.snippet(body))",
                                    retryable: true)
        }
        guard let code = reply.errcode, code != 0 else { return }
        throw NotificationError(.rejected, "\(channel): \(robot) refused the message: errcode \(code) \(reply.errmsg ?? "")",
                                retryable: rateLimitCodes.contains(code), code: code)
    }
}

/// Truncates text to a byte budget without splitting a character, marking the cut.
enum UTF8Truncation {
    static let marker = "\n\n…（内容过长，已截断）"

    static func truncate(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        let budget = max(0, maxBytes - marker.utf8.count)
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if used + size > budget { break }
            used += size
            end = text.index(after: index)
        }
        return String(text[..<end]) + marker
    }
}
