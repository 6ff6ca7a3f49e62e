/// LogAudit: syslog listeners, parsers, decoders, the event store, search, retention and seals.
public enum LogAudit {}
