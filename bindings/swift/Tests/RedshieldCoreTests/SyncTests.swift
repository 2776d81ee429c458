// Mirrors bindings/kotlin's SyncTest against a real centre: `redshield serve` (the path in
// REDSHIELD_BIN, else target/debug/redshield beside this package) on a temp data dir.
//
// Swift does not drop a Rust future when its Task is cancelled (the future runs to its end), so
// an app cancels a sync through its SyncHandle; the Kotlin suite also cancels a coroutine
// mid-push. A relay between the device and the centre holds the push so that the cancel lands
// mid-push every time, with no sleeps.
import Darwin
import Foundation
import Network
import XCTest

import RedshieldCore

final class SyncTests: XCTestCase {
    private var dir: URL!
    private var centre: Centre!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("redshield-\(UUID().uuidString)")
            .appendingPathComponent("store")
        centre = try Centre.start()
    }

    override func tearDownWithError() throws {
        centre?.stop()
        try? FileManager.default.removeItem(at: dir.deletingLastPathComponent())
    }

    private func complaint(_ name: String) -> NewCase {
        NewCase(
            kind: .complaint,
            complainants: [Person(name: name, phone: "13807312233", address: "长沙市天心区书院路 9 号")],
            respondent: Business(name: "长沙市某某超市", address: "芙蓉区五一大道 1 号"),
            matter: NewMatter(facts: "购买的酸奶已过保质期", demands: [.refund])
        )
    }

    /// A signed-in device with `cases` complaints, enrolled with the centre at `server`.
    private func phone(_ server: String, cases: Int = 3) async throws -> FieldCore {
        let core = try FieldCore.open(dir: dir.path, platform: KeychainPlatform())
        _ = try core.signIn(name: "李明", enforcementId: "HN-12315-0042")
        for i in 0..<cases {
            _ = try core.openCase(case: complaint("王芳\(i)"))
        }
        try await core.enrol(server: server, code: try centre.enrolmentCode(), centreCaPem: nil)
        return core
    }

    func testAListenerHearsEveryPhaseAndTheReportHoldsTheAcknowledgement() async throws {
        let core = try await phone(centre.url)
        let head = try core.verifyChain().events
        let heard = Heard()
        let report = try await core.sync(listener: heard, handle: nil)
        XCTAssertEqual(report.eventsPushed, head)
        XCTAssertEqual(report.ackedSeq, head)
        XCTAssertEqual(try await centre.metric("redshield_events_stored_total"), Int64(head))
        XCTAssertEqual(heard.phases, [.pushing, .pulling, .done])
        XCTAssertEqual(heard.all.first?.eventsToPush, head)
        XCTAssertEqual(heard.all.last?.bytesSent, report.bytesSent)
        let uncertainty = try XCTUnwrap(report.timeUncertaintyMs)
        XCTAssertLessThanOrEqual(abs(report.timeOffsetMs), Int64(uncertainty) + 5)

        // A listener that throws does not fail the sync.
        _ = try core.openCase(case: complaint("钱七"))
        let again = try await core.sync(listener: Failing(), handle: nil)
        XCTAssertEqual(again.ackedSeq, try core.verifyChain().events)
    }

    func testASyncCancelledThroughItsHandleThrowsCancelledAndTheNextOneResumes() async throws {
        let relay = try Relay(upstream: centre.port, requestLine: "POST /v1/devices/", hold: .request)
        defer { relay.stop() }
        let core = try await phone(relay.url)
        let head = try core.verifyChain().events
        let handle = SyncHandle()
        let heard = Heard()
        let sync = Task { try await core.sync(listener: heard, handle: handle) }
        // The push's request is held: nothing of it reached the centre.
        await fulfillment(of: [relay.held], timeout: 60)
        handle.cancel()
        do {
            _ = try await sync.value
            XCTFail("the sync was not cancelled")
        } catch CoreError.Cancelled {
        }
        XCTAssertTrue(handle.isCancelled())
        XCTAssertEqual(heard.phases, [.pushing])
        XCTAssertEqual(try await centre.metric("redshield_events_stored_total"), 0)

        let report = try await core.sync(listener: nil, handle: nil)
        XCTAssertEqual(report.eventsPushed, head)
        XCTAssertEqual(report.ackedSeq, head)
        XCTAssertEqual(try await centre.metric("redshield_events_stored_total"), Int64(head))
        XCTAssertEqual(try await centre.metric("redshield_events_duplicate_total"), 0)
        XCTAssertEqual(try await core.sync(listener: nil, handle: nil).eventsPushed, 0)
    }

    func testCancelledAfterTheCentreStoredThePushNothingDoubles() async throws {
        let relay = try Relay(upstream: centre.port, requestLine: "POST /v1/devices/", hold: .answer)
        defer { relay.stop() }
        let core = try await phone(relay.url)
        let head = try core.verifyChain().events
        let handle = SyncHandle()
        let sync = Task { try await core.sync(listener: nil, handle: handle) }
        // The centre stored the push and answered; the answer is held.
        await fulfillment(of: [relay.held], timeout: 60)
        XCTAssertEqual(try await centre.metric("redshield_events_stored_total"), Int64(head))
        handle.cancel()
        do {
            _ = try await sync.value
            XCTFail("the sync was not cancelled")
        } catch CoreError.Cancelled {
        }

        let report = try await core.sync(listener: nil, handle: nil)
        XCTAssertEqual(report.eventsPushed, head)
        XCTAssertEqual(report.ackedSeq, head)
        XCTAssertEqual(try await centre.metric("redshield_events_stored_total"), Int64(head))
        XCTAssertEqual(try await centre.metric("redshield_events_duplicate_total"), Int64(head))
    }
}

/// The app's listener: keeps what it hears (called on the core's thread).
final class Heard: SyncListener, @unchecked Sendable {
    private let lock = NSLock()
    private var heard: [SyncProgress] = []

    func progress(progress: SyncProgress) throws {
        lock.lock()
        defer { lock.unlock() }
        heard.append(progress)
    }

    var all: [SyncProgress] {
        lock.lock()
        defer { lock.unlock() }
        return heard
    }

    /// The phases heard, in order, each once.
    var phases: [SyncPhase] {
        var phases: [SyncPhase] = []
        for progress in all where phases.last != progress.phase {
            phases.append(progress.phase)
        }
        return phases
    }
}

final class Failing: SyncListener, @unchecked Sendable {
    struct Gone: Error {}

    func progress(progress: SyncProgress) throws {
        throw Gone()
    }
}

/// The real central service, `redshield serve`, on a free loopback port and a temp data dir.
final class Centre {
    let port: UInt16
    private let data: URL
    private let process: Process

    var url: String { "http://127.0.0.1:\(port)" }

    private static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["REDSHIELD_BIN"] {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../../target/debug/redshield").standardized
    }

    private init(port: UInt16, data: URL, process: Process) {
        self.port = port
        self.data = data
        self.process = process
    }

    static func start() throws -> Centre {
        let data = FileManager.default.temporaryDirectory
            .appendingPathComponent("redshield-centre-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let port = freePort()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--data", data.path, "--listen", "127.0.0.1:\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment["RUST_LOG"] = "info"
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let log = Pipe()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        // Ready when it says it listens on stderr.
        let ready = DispatchSemaphore(value: 0)
        let said = Said()
        log.fileHandleForReading.readabilityHandler = { handle in
            if said.add(handle.availableData), said.contains("redshield centre listening") {
                ready.signal()
            }
        }
        try process.run()
        guard ready.wait(timeout: .now() + 60) == .success else {
            process.terminate()
            throw CentreError.notStarted(said.text)
        }
        return Centre(port: port, data: data, process: process)
    }

    /// A one-time enrolment code, issued as the centre's staff do.
    func enrolmentCode() throws -> String {
        let issue = Process()
        issue.executableURL = Centre.binary
        issue.arguments = ["centre", "enrol-code", "--server", url, "--data", data.path]
        let out = Pipe()
        issue.standardOutput = out
        try issue.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        issue.waitUntilExit()
        guard issue.terminationStatus == 0,
              let code = text.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces)
        else {
            throw CentreError.noCode(text)
        }
        return code
    }

    /// A staff command (`redshield --json centre …`) against this centre; its JSON answer.
    func staff(_ args: String...) throws -> [String: Any] {
        let run = Process()
        run.executableURL = Centre.binary
        run.arguments = ["--json", "centre"] + args + ["--server", url, "--data", data.path]
        let out = Pipe()
        run.standardOutput = out
        try run.run()
        let body = out.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        guard run.terminationStatus == 0,
              let answer = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        else {
            throw CentreError.refused(String(decoding: body, as: UTF8.self))
        }
        return answer
    }

    /// A counter from the centre's `/metrics`.
    func metric(_ name: String) async throws -> Int64 {
        let (body, _) = try await URLSession.shared.data(from: URL(string: "\(url)/metrics")!)
        let text = String(decoding: body, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("\(name) ") }),
              let value = Int64(line.split(separator: " ").last ?? "")
        else {
            throw CentreError.noMetric(name)
        }
        return value
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: data)
    }

    /// A loopback port free now; the centre binds it a moment later.
    private static func freePort() -> UInt16 {
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(fd, raw, length)
                _ = getsockname(fd, raw, &length)
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }
}

enum CentreError: Error {
    case notStarted(String)
    case noCode(String)
    case noMetric(String)
    case refused(String)
}

/// What the centre said on stderr so far.
final class Said: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func add(_ more: Data) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        data.append(more)
        return !more.isEmpty
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }

    func contains(_ words: String) -> Bool {
        text.contains(words)
    }
}

/// A TCP relay before the centre. It passes everything except the first request whose request
/// line starts with `requestLine`: of that exchange it holds the request (`.request`: nothing
/// reaches the centre) or the centre's answer (`.answer`: the centre did the work, the device
/// never hears it), and fulfils `held`.
final class Relay: @unchecked Sendable {
    enum Hold { case request, answer }

    let held = XCTestExpectation(description: "the chosen exchange is held")
    private let listener: NWListener
    private let queue = DispatchQueue(label: "relay")
    private let upstream: UInt16
    private let line: Data
    private let hold: Hold
    private let lock = NSLock()
    private var armed = true

    var url: String { "http://127.0.0.1:\(listener.port?.rawValue ?? 0)" }

    init(upstream: UInt16, requestLine: String, hold: Hold) throws {
        self.upstream = upstream
        self.line = Data(requestLine.utf8)
        self.hold = hold
        let parameters = NWParameters.tcp
        parameters.requiredLocalEndpoint = NWEndpoint.hostPort(host: "127.0.0.1", port: .any)
        listener = try NWListener(using: parameters)
        let ready = DispatchSemaphore(value: 0)
        listener.stateUpdateHandler = { state in
            if case .ready = state { ready.signal() }
        }
        listener.newConnectionHandler = { [weak self] device in
            self?.relay(device)
        }
        listener.start(queue: queue)
        _ = ready.wait(timeout: .now() + 10)
    }

    func stop() {
        listener.cancel()
    }

    private func takeArmed() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let was = armed
        armed = false
        return was
    }

    /// Whether the centre's answer on one connection is held.
    private final class Exchange: @unchecked Sendable {
        var holdAnswer = false
    }

    private func relay(_ device: NWConnection) {
        let centre = NWConnection(
            host: "127.0.0.1",
            port: NWEndpoint.Port(rawValue: upstream)!,
            using: .tcp
        )
        let exchange = Exchange()
        device.start(queue: queue)
        centre.start(queue: queue)
        pipe(from: device, to: centre, up: true, exchange: exchange)
        pipe(from: centre, to: device, up: false, exchange: exchange)
    }

    private func pipe(from: NWConnection, to: NWConnection, up: Bool, exchange: Exchange) {
        from.receive(minimumIncompleteLength: 1, maximumLength: 64 * 1024) { [self] data, _, complete, error in
            if let data, !data.isEmpty {
                // HTTP/1.1 without pipelining: a request starts a read after the last answer.
                if up, data.starts(with: line), takeArmed() {
                    if hold == .request {
                        held.fulfill()
                        return  // nothing more goes up; the device gives the connection up
                    }
                    exchange.holdAnswer = true
                }
                if !up, exchange.holdAnswer {
                    held.fulfill()
                    return  // the centre answered; the device never hears it
                }
                to.send(content: data, completion: .contentProcessed { _ in
                    self.pipe(from: from, to: to, up: up, exchange: exchange)
                })
            } else if complete || error != nil {
                from.cancel()
                to.cancel()
            } else {
                pipe(from: from, to: to, up: up, exchange: exchange)
            }
        }
    }
}
