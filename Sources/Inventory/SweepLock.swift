import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive lock a sweep holds while it writes a snapshot: `flock(2)` on `<database>.lock`.
///
/// The kernel drops the lock when the holder dies, even by SIGKILL, so a `running` snapshot whose
/// lock is free belongs to a dead sweep and shows as `interrupted`. The holder's PID is written into
/// the file so "who holds it" can be answered.
///
/// ```swift
/// let lock = try SweepLock(databasePath: "inventory.db", mode: .failIfHeld)   // StoreError.locked if held
/// let id = try store.beginSnapshot(profile: "default", hosts: hosts, startedAt: now, lock: lock)
/// …
/// lock.release()
/// ```
public final class SweepLock: Sendable {
    /// What to do when another process holds the lock.
    public enum Mode: Sendable {
        /// Throw `StoreError` with kind `.locked` at once (`cimsweep collect` exits 75).
        case failIfHeld
        /// Block until the holder releases it (`--wait`).
        case wait
    }

    /// The database the lock guards.
    public let databasePath: String
    /// The lock file, `<database>.lock`.
    public let path: String
    /// The open descriptor holding the lock; nil once released. Guarded by the Mutex itself.
    private let descriptor: Mutex<Int32?>

    /// The lock file path for a database.
    public static func lockPath(forDatabase databasePath: String) -> String { databasePath + ".lock" }

    /// Takes the lock, blocking the calling thread in `.wait` mode (use `acquire` from async code).
    /// - Throws: `StoreError` `.locked` when held and `mode` is `.failIfHeld`; `.io` when the lock
    ///   file cannot be opened.
    public init(databasePath: String, mode: Mode) throws(StoreError) {
        self.databasePath = databasePath
        path = Self.lockPath(forDatabase: databasePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(.io, path: databasePath, "cannot open the sweep lock \(path): \(String(cString: strerror(errno)))")
        }
        var result: Int32
        repeat {
            result = flock(fd, LOCK_EX | (mode == .failIfHeld ? LOCK_NB : 0))
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK {
                let holder = Self.holderPID(path: path).map { " (pid \($0))" } ?? ""
                throw StoreError(.locked, path: databasePath, "another sweep\(holder) holds the sweep lock \(path)")
            }
            throw StoreError(.io, path: databasePath, "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        descriptor = Mutex(fd)
    }

    /// Takes the lock from async code; in `.wait` mode the blocking wait runs on its own thread, never
    /// on the cooperative pool.
    /// - Throws: as `init(databasePath:mode:)`.
    public static func acquire(databasePath: String, mode: Mode) async throws(StoreError) -> SweepLock {
        if mode == .failIfHeld { return try SweepLock(databasePath: databasePath, mode: mode) }
        let result: Result<SweepLock, StoreError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(StoreError) {
                    continuation.resume(returning: .success(try SweepLock(databasePath: databasePath, mode: .wait)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = "cimsweep.sweep-lock-wait"
            thread.start()
        }
        return try result.get()
    }

    /// Whether this lock is still held by this object.
    public var isHeld: Bool { descriptor.withLock { $0 != nil } }

    /// Releases the lock (closing the descriptor); calling it again does nothing.
    public func release() {
        descriptor.withLock { fd in
            if let open = fd {
                _ = flock(open, LOCK_UN)
                close(open)
                fd = nil
            }
        }
    }

    deinit { release() }

    /// Whether any process (this one included, through another descriptor) holds the lock of a
    /// database. Probes with a non-blocking shared lock that it drops at once.
    public static func isHeld(databasePath: String) -> Bool {
        let fd = open(lockPath(forDatabase: databasePath), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        _ = flock(fd, LOCK_UN)
        return false
    }

    /// The PID written by the current or last holder, if readable.
    static func holderPID(path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
