import Foundation
import GiaiNganCore

/// Pieces of text made on the cores and taken in order, a few at a time.
///
/// A large report's text (some 90 MB of JSON for 20,000 projects and 35,000 warnings) is cut
/// into pieces of a few hundred elements that depend on nothing but the evaluation. Helper
/// threads make them from the first on; the reader takes them in order and, while the next is
/// not made yet, makes one itself. Nobody gets more than `lookahead` pieces ahead of the reader,
/// and a piece taken and handed back is written over by a later one: the text is never held
/// whole (the warnings alone, made on a second thread in one block, touched 30 MB of fresh
/// memory), and the cores share the work however it falls between the parts.
///
/// Pieces are made from the first index to the last; `make` must only read values it was given.
final class OrderedPieces: @unchecked Sendable {
    let count: Int
    private let lookahead: Int
    private let make: @Sendable (Int, inout ByteStore) -> Void
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var made: [ByteStore?]
    private var spare: [ByteStore] = []
    /// The next piece to make.
    private var next = 0
    /// Pieces the reader has taken.
    private var taken = 0

    /// - parameter helpers: threads that make pieces besides the reader (none: the reader makes
    ///   every piece when it takes it).
    init(count: Int, lookahead: Int = 6, helpers: Int = Parallel.threads - 1,
         make: @escaping @Sendable (Int, inout ByteStore) -> Void) {
        precondition(count >= 0 && lookahead >= 1)
        self.count = count
        self.lookahead = lookahead
        self.make = make
        made = [ByteStore?](repeating: nil, count: count)
        for _ in 0..<min(max(0, helpers), count) {
            let thread = Thread { [self] in help() }
            thread.name = "giaingan.pieces"
            thread.start()
        }
    }

    /// The next piece that may be made now, claimed; nil when none may.
    private func claim() -> Int? {
        guard next < count && next < taken + lookahead else { return nil }
        defer { next += 1 }
        return next
    }

    /// Makes piece `k` (claimed) outside the lock, in a spare buffer when there is one.
    private func makePiece(_ k: Int) {
        var bytes = spare.popLast() ?? ByteStore()
        condition.unlock()
        bytes.removeAll(keepingCapacity: true)
        make(k, &bytes)
        condition.lock()
        made[k] = bytes
        condition.broadcast()
    }

    private func help() {
        condition.lock()
        defer { condition.unlock() }
        while next < count {
            if let k = claim() { makePiece(k) } else { condition.wait() }
        }
    }

    /// Piece `k`, the one after those taken so far, made here if no one has made it yet.
    func take(_ k: Int) -> ByteStore {
        condition.lock()
        defer { condition.unlock() }
        precondition(k == taken && k < count, "pieces are taken once each, in order")
        while true {
            if let bytes = made[k] {
                made[k] = nil
                taken += 1
                condition.broadcast()
                return bytes
            }
            if let j = claim() { makePiece(j) } else { condition.wait() }
        }
    }

    /// A piece taken and written out, whose storage a later piece may use.
    func giveBack(_ bytes: ByteStore) {
        condition.lock()
        if spare.count < lookahead { spare.append(bytes) }
        condition.unlock()
    }

    /// The reader takes no more pieces: helpers stop after the one they are making.
    func finish() {
        condition.lock()
        next = count
        condition.broadcast()
        condition.unlock()
    }
}

/// Elements of the array being written that pieces `range` of `pieces` hold, made elsewhere.
struct PieceRun {
    let pieces: OrderedPieces
    let range: Range<Int>
}
