/// An amount of money in whole Vietnamese đồng.
///
/// Money is never a floating-point number in GiaiNgan. Sums that could exceed `Int64` are
/// computed with `VNDSum`, which reports overflow instead of wrapping; single amounts
/// are bounded when they are parsed.
public typealias VND = Int64

/// A running total of VND amounts that reports overflow instead of trapping.
public struct VNDSum: Sendable {
    public private(set) var value: VND = 0
    public private(set) var overflowed = false
    public init() {}

    public mutating func add(_ amount: VND) {
        let (result, overflow) = value.addingReportingOverflow(amount)
        if overflow { overflowed = true } else { value = result }
    }
}

/// An error raised when a sum of money leaves the range of `Int64` (about 9.2 × 10¹⁸ VND).
public struct MoneyOverflowError: Error, CustomStringConvertible, Sendable {
    public let context: String
    public init(context: String) { self.context = context }
    public var description: String { "amounts add up beyond the largest amount (9.223.372.036.854.775.807 VND) in \(context): an amount stored in the database is wrong; `giaingan imports` lists the files imported" }
}

extension VND {
    /// Adds, throwing `MoneyOverflowError` instead of trapping.
    @inlinable
    public func checkedAdding(_ other: VND, context: @autoclosure () -> String = "a total") throws -> VND {
        let (r, o) = addingReportingOverflow(other)
        if o { throw MoneyOverflowError(context: context()) }
        return r
    }

    @inlinable
    public func checkedSubtracting(_ other: VND, context: @autoclosure () -> String = "a total") throws -> VND {
        let (r, o) = subtractingReportingOverflow(other)
        if o { throw MoneyOverflowError(context: context()) }
        return r
    }
}
