/// Detection: Sigma rules, correlation windows, alerts and their notification channels.
public enum Detection {}
