import Foundation

/// Mails the alert, subject = the Chinese title, body = the plain-text facts.
public struct SMTPChannel: NotificationChannel {
    public let name: String
    public let from: String
    public let fromName: String?
    public let recipients: [String]
    private let client: SMTPClient

    public init(name: String, client: SMTPClient, from: String, fromName: String? = "安云安全管理中心", to recipients: [String]) {
        self.name = name
        self.client = client
        self.from = from
        self.fromName = fromName
        self.recipients = recipients
    }

    public func deliver(_ notification: AlertNotification) async throws {
        let message = SMTPMessage(from: from, fromName: fromName, to: recipients, subject: notification.title,
                                  body: notification.plainText)
        let report: SMTPClient.Report
        do {
            report = try await client.send(from: from, to: recipients, message: message.rendered())
        } catch let error as NotificationError {
            throw NotificationError(error.kind, "\(name): \(error.message)", retryable: error.retryable, code: error.code)
        }
        if let first = report.rejected.first {
            // Others have the mail already: sending again would mail them twice, so do not retry.
            let refused = report.rejected.map { "<\($0.recipient)> \($0.reply)" }.joined(separator: "; ")
            throw NotificationError(.smtp, "\(name): delivered to \(report.accepted.count) of \(recipients.count) recipients; refused: \(refused)",
                                    retryable: false, code: first.reply.code)
        }
    }
}
