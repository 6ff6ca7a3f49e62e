import AnyunCore

/// The anyun `new_value` correlation: fires when a group (e.g. an account) shows a value (e.g. a
/// source address) it has not shown before, once the learning period is over.
struct NewValueTracker: Sendable {
    let ruleID: String
    let groupBy: [String]
    let groupAccessors: [Int: [FieldAccessor]]
    let valueAccessors: [Int: FieldAccessor]
    let valueField: String
    let learning: Int64
    let forgetAfter: Int64?
    let store: any SeenValuesStore

    struct Result {
        var groupKey: String
        var groupValues: [(String, String)]
        var value: String
    }

    func ingest(_ event: LogEvent, baseRule: Int) -> Result? {
        guard let value = valueAccessors[baseRule]?.value(in: event), !value.isEmpty else { return nil }
        let accessors = groupAccessors[baseRule] ?? []
        var groupValues: [(String, String)] = []
        for (i, name) in groupBy.enumerated() {
            groupValues.append((name, i < accessors.count ? accessors[i].value(in: event) ?? "" : ""))
        }
        let key = groupValues.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let start = store.learningStart(rule: ruleID, proposed: event.time)
        let isNew = store.remember(rule: ruleID, key: key, value: value, time: event.time, forgetAfter: forgetAfter)
        guard isNew, event.time >= start + learning else { return nil }
        // The new value is part of what the alert is about: two new sources are two alerts.
        let fullKey = (key.isEmpty ? "" : key + ",") + "\(valueField)=\(value)"
        return Result(groupKey: fullKey, groupValues: groupValues + [(valueField, value)], value: value)
    }
}
