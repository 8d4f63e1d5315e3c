import Foundation

/// Work started on a second thread now and collected later.
///
/// A large report has two big independent parts - the project rows and the warnings with
/// their sentences - and GiaiNgan runs on machines with two or more cores: a renderer starts
/// the warnings here, writes the rest meanwhile, and takes the warnings' text when it gets to
/// them. The work must only read values it was given.
///
/// ```swift
/// let warnings = Background { render(e.warnings) }
/// out += header()
/// out += warnings.result()
/// ```
final class Background<Value: Sendable>: @unchecked Sendable {
    /// Written once by the thread, read after `finished` is signalled.
    private var value: Value?
    private let finished = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            value = work()
            finished.signal()
        }
        thread.name = "giaingan.report"
        thread.start()
    }

    /// Waits for the work to finish and returns what it made.
    func result() -> Value {
        finished.wait()
        finished.signal()   // later calls return at once
        return value!
    }
}
