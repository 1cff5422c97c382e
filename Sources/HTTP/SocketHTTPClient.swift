import Foundation
import Glibc

/// An `HTTPClient` for `http://` URLs on plain POSIX sockets, one connection and one thread per request.
///
/// Built because URLSession over libcurl on Linux spins a core while a request waits on a slow server;
/// here a waiting request sleeps in poll(). The blocking work runs on its own thread, never on Swift's
/// cooperative pool, and is bridged back with a continuation. `HTTPClientRequest.timeout` bounds the whole
/// exchange (resolve, connect, send, receive). No TLS: https URLs throw; use `DefaultHTTPClient` to route.
/// Proxy environment variables are not consulted.
public struct SocketHTTPClient: HTTPClient {
    /// Largest response body accepted; a larger one fails with `HTTPClientError.transport`.
    public var maxResponseBodyBytes: Int
    /// Largest response head (status line plus headers) accepted.
    public var maxResponseHeaderBytes: Int
    /// Tests only: receives the CPU time each request's worker thread consumed.
    var workerCPUObserver: (@Sendable (Duration) -> Void)?

    /// Creates a client; the defaults cap a response at 8 MiB of body and 64 KiB of headers.
    public init(maxResponseBodyBytes: Int = 8 << 20, maxResponseHeaderBytes: Int = 64 << 10) {
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.maxResponseHeaderBytes = maxResponseHeaderBytes
    }

    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let endpoint = try HTTPClientEndpoint(url: request.url)
        try Task.checkCancellation()
        let deadline = ContinuousClock.now + request.timeout
        let control = try ExchangeControl()
        let exchange = HTTPClientExchange(
            request: request, endpoint: endpoint, deadline: deadline, wakeFD: control.wakeFD,
            maxHeaderBytes: maxResponseHeaderBytes, maxBodyBytes: maxResponseBodyBytes)
        let observer = workerCPUObserver
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: ResponseContinuation) in
                guard control.begin(continuation) else { return }
                let worker = Thread {
                    let started = Self.threadCPUTime()
                    let result = Result { try exchange.run() }
                    observer?(Self.threadCPUTime() - started)
                    control.finish(result)
                }
                worker.name = "vigil-http-client"
                worker.start()
                // Name resolution cannot be interrupted; this bounds the caller's wait even if it hangs.
                let grace = Duration.milliseconds(100)
                DispatchQueue.global().asyncAfter(deadline: .now() + Self.dispatchInterval(request.timeout + grace)) {
                    [weak control] in control?.expire()
                }
            }
        } onCancel: {
            control.cancel()
        }
    }

    /// CPU time the calling thread has used (CLOCK_THREAD_CPUTIME_ID, the RUSAGE_THREAD figure in ns).
    static func threadCPUTime() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        guard seconds < 1_000_000_000 else { return .seconds(1_000_000_000) }
        return .nanoseconds(Int(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)))
    }
}

private typealias ResponseContinuation = CheckedContinuation<HTTPClientResponse, any Error>

/// Shared between the awaiting task, its cancellation handler, the watchdog and the worker thread:
/// resumes the continuation exactly once and wakes the worker through a pipe it polls alongside its socket.
private final class ExchangeControl: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: ResponseContinuation?
    private var over = false
    /// The pipe's read end; readable once `cancel` or `expire` ran.
    let wakeFD: Int32
    private let signalFD: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw HTTPClientError.transport("cannot create a wake-up pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        wakeFD = fds[0]
        signalFD = fds[1]
    }

    // Closed only here, after every party dropped its reference, so a descriptor number is never reused under them.
    deinit {
        close(wakeFD)
        close(signalFD)
    }

    /// Stores the continuation; false (and resumed with CancellationError) if cancellation came first.
    func begin(_ continuation: ResponseContinuation) -> Bool {
        let alreadyOver = lock.withLock { () -> Bool in
            if !over { self.continuation = continuation }
            return over
        }
        if alreadyOver { continuation.resume(throwing: CancellationError()) }
        return !alreadyOver
    }

    /// The worker's outcome; ignored if the caller was already answered.
    func finish(_ result: Result<HTTPClientResponse, any Error>) {
        take()?.resume(with: result)
    }

    /// Task cancellation: answer at once and wake the worker so it closes its socket.
    func cancel() {
        let pending = take()
        wake()
        pending?.resume(throwing: CancellationError())
    }

    /// The watchdog: the worker missed its deadline (stuck resolving the host).
    func expire() {
        let pending = take()
        guard let pending else { return }
        wake()
        pending.resume(throwing: HTTPClientError.timedOut)
    }

    private func take() -> ResponseContinuation? {
        lock.withLock {
            over = true
            defer { continuation = nil }
            return continuation
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(signalFD, &byte, 1)
    }
}
