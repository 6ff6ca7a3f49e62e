import AnyunCore

extension DecoderSet {
    /// Decodes an event's message with its app name and stores the result in the event:
    /// `decoder` names the decoder, decoded fields join `fields` (a decoded name wins over a
    /// structured-data one of the same name, which cannot happen with `sd.`-prefixed names).
    /// Returns whether a decoder matched; an event nothing matched is left as it was.
    @discardableResult
    public func decode(_ event: inout LogEvent) -> Bool {
        guard let result = decode(app: event.app, message: event.message) else { return false }
        event.decoder = result.decoder
        if event.fields.isEmpty {
            event.fields = result.fields
        } else {
            event.fields.merge(result.fields) { _, decoded in decoded }
        }
        return true
    }
}
