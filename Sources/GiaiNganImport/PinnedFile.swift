import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file to import, opened once and checked on the opened descriptor, so that every later read
/// reads that same file, whatever happens to its name meanwhile.
///
/// An import reads a file several times (its SHA-256, its first bytes, its header, its rows, an
/// `.xlsx` archive's parts). Opening the name each time leaves a window in which the name can be
/// swapped for a link to a file elsewhere (a weekly inbox is a folder other people write to), and
/// a name that is a FIFO or a device (`/dev/zero`) would make the first read wait or never end.
/// So the name is opened once, without blocking (`O_NONBLOCK`: opening a FIFO returns at once)
/// and, where links are not allowed, without following one (`O_NOFOLLOW`); the descriptor is then
/// checked with `fstat` — only a regular file is imported — and every later read opens
/// `/proc/self/fd/N`, which on Linux is the file the descriptor holds, not whatever the name now
/// points to. Readers call ``PinnedFile/readPath(_:)``, which gives that path for a file pinned
/// by the running import (a task-local table) and the name itself otherwise; messages keep
/// naming the file as the user named it.
public final class PinnedFile: Sendable {
    /// The name as given: what messages say.
    public let path: String
    /// The open descriptor, closed when the pin is released.
    public let descriptor: Int32
    /// Device and inode of the opened file.
    public let device: UInt64
    public let inode: UInt64

    /// Why a name cannot be pinned: a clear sentence for the user.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        /// True when the name is a symbolic link and links were not allowed.
        public var isSymbolicLink: Bool
        /// True when the name is a folder.
        public var isFolder: Bool = false
        public var description: String { "\(path): \(reason)" }
    }

    private init(path: String, descriptor: Int32, device: UInt64, inode: UInt64) {
        self.path = path
        self.descriptor = descriptor
        self.device = device
        self.inode = inode
    }

    deinit { close(descriptor) }

    /// Opens `path` for reading and checks that it is a regular file.
    ///
    /// - parameter followLinks: false in the weekly inbox: a symbolic link there is refused at
    ///   the open itself (`O_NOFOLLOW`), not by a check that a swap could outrun.
    /// - throws: ``Refusal`` for a missing or unreadable file, a folder, a FIFO, a socket or a
    ///   device, or (without `followLinks`) a symbolic link.
    public static func open(_ path: String, followLinks: Bool) throws(Refusal) -> PinnedFile {
        var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        if !followLinks { flags |= O_NOFOLLOW }
        let fd = Glibc.open(path, flags)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP && !followLinks {
                throw Refusal(path: path, reason: "a symbolic link: only regular files are imported from here, never "
                    + "what a link points to", isSymbolicLink: true)
            }
            throw Refusal(path: path, reason: "cannot be opened: \(String(cString: strerror(code)))", isSymbolicLink: false)
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let code = errno
            close(fd)
            throw Refusal(path: path, reason: "cannot be examined: \(String(cString: strerror(code)))", isSymbolicLink: false)
        }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG else {
            close(fd)
            throw Refusal(path: path, reason: "is \(PinnedFile.noun(type)), not a regular file: only regular files are "
                + "imported; save the data to a file and import that file", isSymbolicLink: false, isFolder: type == S_IFDIR)
        }
        // Reads of a regular file never block; the flag only kept the open from waiting on a FIFO.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let pinned = PinnedFile(path: path, descriptor: fd, device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        // /proc must show this very file; a system without /proc would reopen the name.
        var through = stat()
        guard stat(pinned.procPath, &through) == 0, UInt64(through.st_dev) == pinned.device,
              UInt64(through.st_ino) == pinned.inode else {
            throw Refusal(path: path, reason: "cannot be read through /proc/self/fd (is /proc mounted?): GiaiNgan reads an "
                + "imported file only through the descriptor it checked", isSymbolicLink: false)
        }
        return pinned
    }

    /// `/proc/self/fd/N`: the opened file, whatever its name points to now.
    public var procPath: String { "/proc/self/fd/\(descriptor)" }

    private static func noun(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// The files the running import has pinned, by the name the user gave.
    @TaskLocal public static var pinned: [String: PinnedFile] = [:]

    /// The path to open for reading `path`: the pinned descriptor's when the running import
    /// pinned it, else `path` itself.
    public static func readPath(_ path: String) -> String {
        pinned[path]?.procPath ?? path
    }

    /// Runs `body` with `files` pinned (added to those already pinned by an enclosing run).
    public static func withPinned<T>(_ files: [PinnedFile], _ body: () throws -> T) rethrows -> T {
        var table = pinned
        for file in files where table[file.path] == nil { table[file.path] = file }
        return try $pinned.withValue(table, operation: body)
    }
}
