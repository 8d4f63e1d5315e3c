/// A value that could not be read, before it is pinned to a file, line and column.
///
/// The parsers (``AmountParser``, ``DateParser``, the word lists) throw it; ``TableReader`` turns it
/// into an ``ImportIssue``.
public struct ValueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What a valid value looks like, phrased to follow "expected": "a date as yyyy-MM-dd, …".
    public var expected: String
    /// Why this value is not one, when more can be said: "month 13 does not exist".
    public var reason: String?

    /// Creates an error from what was expected and, optionally, why the value is not that.
    public init(expected: String, reason: String? = nil) {
        self.expected = expected
        self.reason = reason
    }

    /// The text that follows "expected " in an ``ImportIssue``: `WHAT; WHY`.
    public var expectation: String { reason.map { "\(expected); \($0)" } ?? expected }

    /// `expected WHAT; WHY`.
    public var description: String { "expected " + expectation }
}
