#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An exclusive advisory lock (`flock`) on `<database>.lock`, so only one delivery service at a time sends from
/// an outbox: two would both take the oldest row and send it twice.
///
/// The kernel drops the lock when the process dies, so a killed process never leaves a stale lock behind.
/// `flock` locks belong to the open file, so two services in one process exclude each other too.
final class DeliveryLock: Sendable {
    /// The lock file.
    let path: String
    /// The locked descriptor; -1 once released.
    private let descriptor: Mutex<Int32>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Locks the lock file of the database at `databasePath` without waiting, creating the file when missing.
    static func acquire(databasePath: String) throws(DeliveryLockError) -> DeliveryLock {
        let path = DeliveryLockError.lockPath(for: databasePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .unavailable(path: databasePath, reason: String(cString: strerror(errno)))
        }
        var result: Int32
        repeat { result = flock(fd, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .alreadyDelivering(path: databasePath) }
            throw .unavailable(path: databasePath, reason: String(cString: strerror(code)))
        }
        return DeliveryLock(path: path, descriptor: fd)
    }

    /// Unlocks and closes the lock file (the file stays, so the next process need not create it). Idempotent.
    func release() {
        let fd = descriptor.withLock { fd -> Int32 in
            defer { fd = -1 }
            return fd
        }
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
