/// One data row of an input file, decoded into a model value or into the problems that stop it.
///
/// `value` is `nil` exactly when `issues` is not empty, so a caller can collect the issues of many
/// rows (up to ``ImportIssue/maximumListed``) and refuse the whole file at once.
public struct DecodedRow<Value: Sendable>: Sendable {
    /// The 1-based line, as an editor counts, where the row starts.
    public var line: Int
    /// The decoded value, or `nil` when the row has issues.
    public var value: Value?
    /// Every problem found in the row, one per column at fault.
    public var issues: [ImportIssue]

    /// Creates a row; `value` must be `nil` exactly when `issues` is not empty.
    public init(line: Int, value: Value?, issues: [ImportIssue]) {
        precondition((value == nil) == !issues.isEmpty, "a row has a value or issues, never both or neither")
        self.line = line
        self.value = value
        self.issues = issues
    }
}
