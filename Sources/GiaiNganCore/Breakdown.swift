/// One part of a subject's capital: a tranche and a fund source.
public struct Slice: Hashable, Sendable, Comparable {
    public var tranche: Tranche
    /// The fund source code (`NSTW`, `NSĐP`, `ODA`, `CTMTQG`, …) as `FundSource.key` makes it,
    /// or `FundSource.unspecified` ("") for a line or an entry that named none.
    public var fundSource: String

    public init(tranche: Tranche, fundSource: String) {
        self.tranche = tranche
        self.fundSource = fundSource
    }

    public static func < (a: Slice, b: Slice) -> Bool {
        let ka = FundSource.sortKey(a.fundSource), kb = FundSource.sortKey(b.fundSource)
        return (a.tranche.order, ka.0, ka.1) < (b.tranche.order, kb.0, kb.1)
    }
}

/// Fund source codes (nguồn vốn): how a file's text becomes a key, and how keys sort.
public enum FundSource {
    /// The key of a plan line or entry without a fund source; reports show it as "unspecified".
    public static let unspecified = ""

    /// The key of a fund source as written: normalised text in upper case, so `nstw` and `NSTW`
    /// are one source; nil or blank is `unspecified`.
    public static func key(_ text: String?) -> String {
        guard let text else { return unspecified }
        return NormalizedText.normalize(text).uppercased()
    }

    /// Codes sort by name, the unspecified part last.
    static func sortKey(_ code: String) -> (Int, String) { code.isEmpty ? (1, "") : (0, code) }
}

/// A subject's figures at the as-of date, part by part (tranche × fund source).
///
/// Every plan line and ledger entry falls in exactly one part, so the parts of a subject always sum
/// to its totals, and a subject's parts are the sums of its projects' parts.
public struct Breakdown: Sendable, Hashable {
    public var parts: [Slice: Position]

    public init(parts: [Slice: Position] = [:]) { self.parts = parts }

    public static let empty = Breakdown()

    /// Adds another subject's parts, throwing on overflow.
    public mutating func add(_ other: Breakdown) throws {
        // One lookup of each slice, the sum written where it is.
        for (slice, position) in other.parts {
            if let i = parts.index(forKey: slice) {
                parts.values[i] = try parts.values[i].adding(position)
            } else {
                parts[slice] = position
            }
        }
    }

    /// The parts with fund sources mapped by `group` (the rules' groups of codes), merged where
    /// two codes map to one group.
    public func grouped(by group: (String) -> String) throws -> Breakdown {
        var out = Breakdown()
        for (slice, position) in parts {
            let key = Slice(tranche: slice.tranche, fundSource: group(slice.fundSource))
            out.parts[key] = try (out.parts[key] ?? .zero).adding(position)
        }
        return out
    }

    /// The figures of the given tranches, per fund source, sorted by code with the unspecified
    /// part last.
    public func byFundSource(tranches: Set<Tranche>) throws -> [(fundSource: String, position: Position)] {
        var sums: [String: Position] = [:]
        for (slice, position) in parts where tranches.contains(slice.tranche) {
            sums[slice.fundSource] = try (sums[slice.fundSource] ?? .zero).adding(position)
        }
        return sums.sorted { FundSource.sortKey($0.key) < FundSource.sortKey($1.key) }.map { ($0.key, $0.value) }
    }

    /// The figures of one tranche, all fund sources together (summed in one pass over the parts:
    /// filtering made a dictionary, rehashing every code, three times for every subject).
    public func tranche(_ t: Tranche) throws -> Position {
        var sum = Position.zero
        for (slice, position) in parts where slice.tranche == t { sum = try sum.adding(position) }
        return sum
    }

    /// The figures of a set of tranches.
    public func total(tranches: Set<Tranche>) throws -> Position {
        var sum = Position.zero
        for (slice, position) in parts where tranches.contains(slice.tranche) { sum = try sum.adding(position) }
        return sum
    }
}

extension Tranche {
    var order: Int {
        switch self { case .current: 0; case .carriedOver: 1; case .advancePlan: 2 }
    }
}
