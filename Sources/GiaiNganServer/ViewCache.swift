import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganStore
import NIOCore

/// Evaluations and rendered pages, kept while the data does not change.
///
/// Keyed by the database's data version (it moves with every import and user change), the plan
/// year and the as-of date; an import by another process is seen on the next request.
final class ViewCache: @unchecked Sendable {
    struct Key: Hashable { var version: Int64; var planYear: Int; var asOf: CivilDate }
    final class Entry: @unchecked Sendable {
        let province: Evaluation
        let snapshots: [ProjectSnapshot]
        /// The same day of the previous plan year, for every view made from this entry.
        let baselines: Baselines
        var investorViews: [InvestorID: Evaluation] = [:]
        var pages: [String: ByteBuffer] = [:]
        init(province: Evaluation, snapshots: [ProjectSnapshot], baselines: Baselines = Baselines()) {
            self.province = province
            self.snapshots = snapshots
            self.baselines = baselines
        }
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var order: [Key] = []
    let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    func entry(for key: Key, make: () throws -> Entry) rethrows -> Entry {
        lock.lock()
        if let e = entries[key] { lock.unlock(); return e }
        lock.unlock()
        let made = try make()
        lock.lock(); defer { lock.unlock() }
        if let e = entries[key] { return e }
        entries[key] = made
        order.append(key)
        while order.count > capacity { entries[order.removeFirst()] = nil }
        return made
    }

    func investorView(_ entry: Entry, _ investor: InvestorID, make: () throws -> Evaluation) rethrows -> Evaluation {
        lock.lock()
        if let v = entry.investorViews[investor] { lock.unlock(); return v }
        lock.unlock()
        let v = try make()
        lock.lock(); entry.investorViews[investor] = v; lock.unlock()
        return v
    }

    /// A rendered page or download as the bytes sent: a cached page costs no copy per request.
    func page(_ entry: Entry, _ name: String, make: () throws -> String) rethrows -> ByteBuffer {
        try bytes(entry, name) { ByteBuffer(string: try make()) }
    }

    /// A download made as bytes (an `.xlsx` workbook), cached like a page.
    func bytes(_ entry: Entry, _ name: String, make: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        lock.lock()
        if let p = entry.pages[name] { lock.unlock(); return p }
        lock.unlock()
        let p = try make()
        lock.lock()
        // Bounded: a national province has hundreds of investors, each with pages and downloads.
        if entry.pages.count >= 512 { entry.pages.removeAll(keepingCapacity: true) }
        entry.pages[name] = p
        lock.unlock()
        return p
    }
}
