/// Refusals that belong to the console itself rather than to the centre's services.
enum ConsoleError: Error, Equatable {
    /// The form did not carry this session's token: it came from elsewhere or from an old session.
    case csrf
    /// A query or form value the page cannot use, said in words the user can act on.
    case badRequest(String)
}
