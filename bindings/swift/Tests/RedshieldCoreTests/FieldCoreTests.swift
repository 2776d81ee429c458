// Mirrors bindings/kotlin's FieldCoreTest: the generated Swift against the real library.
import CryptoKit
import Foundation
import XCTest

import RedshieldCore

/// The app's side of the boundary, as the iOS app implements it, with an in-memory CryptoKit key
/// in place of the Keychain item: AES-GCM wrapping, mach_continuous_time, a log sink.
final class KeychainPlatform: Platform, @unchecked Sendable {
    private let key: SymmetricKey
    private let lock = NSLock()
    private var logged: [String] = []

    init(key: SymmetricKey = SymmetricKey(size: .bits256)) {
        self.key = key
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return logged
    }

    func monotonicMs() -> UInt64 {
        var timebase = mach_timebase_info_data_t()
        mach_timebase_info(&timebase)
        return mach_continuous_time() * UInt64(timebase.numer) / UInt64(timebase.denom) / 1_000_000
    }

    func wrapSecret(secret: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(secret, using: key).combined else {
            throw PlatformError.Failed(reason: "cannot seal with this nonce size")
        }
        return combined
    }

    func unwrapSecret(wrapped: Data) throws -> Data {
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: key)
        } catch {
            throw PlatformError.Failed(reason: "not wrapped by this keychain key")
        }
    }

    func log(level: LogLevel, target: String, message: String) {
        lock.lock()
        defer { lock.unlock() }
        logged.append("\(level) \(target): \(message)")
    }
}

final class FieldCoreTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("redshield-\(UUID().uuidString)")
            .appendingPathComponent("store")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir.deletingLastPathComponent())
    }

    private func complaint(_ name: String) -> NewCase {
        NewCase(
            kind: .complaint,
            complainantName: name,
            complainantPhone: "+86 138-0731-2233",
            respondentName: "长沙市某某超市",
            respondentAddress: "芙蓉区五一大道 1 号",
            facts: "购买的酸奶已过保质期",
            demands: "退一赔十",
            place: GeoPosition(latitude: 28.1942, longitude: 112.9823, accuracyM: 6.5)
        )
    }

    func testACaseSurvivesReopeningTheStore() throws {
        let platform = KeychainPlatform()
        let opened: Case
        do {
            let core = try FieldCore.open(dir: dir.path, platform: platform)
            let officer = try core.signIn(name: "李明", enforcementId: "hn-12315-0042")
            XCTAssertEqual(officer.enforcementId, "HN-12315-0042")
            opened = try core.openCase(case: complaint("王芳"))
            XCTAssertEqual(opened.kind, .complaint)
            XCTAssertEqual(opened.state, .received)
            XCTAssertEqual(opened.channel, .vehicleWalkIn)
            XCTAssertEqual(opened.complainantPhone, "13807312233")
            XCTAssertTrue(opened.number.hasPrefix(core.devicePrefix() + "-"))
            XCTAssertEqual(try core.listCases(query: CaseQuery()).cases, [opened])
        }
        let core = try FieldCore.open(dir: dir.path, platform: platform)
        XCTAssertEqual(core.currentOfficer()?.name, "李明")
        XCTAssertEqual(try core.getCase(id: opened.number), opened)
        XCTAssertEqual(try core.listCases(query: CaseQuery(kind: .report)).cases, [])
        XCTAssertTrue(platform.lines.contains { $0.contains("created the device identity") })
    }

    func testTheDeviceComesBackOnlyWithItsOwnKey() throws {
        let key = SymmetricKey(size: .bits256)
        let id = try FieldCore.open(dir: dir.path, platform: KeychainPlatform(key: key)).deviceId()
        XCTAssertEqual(try FieldCore.open(dir: dir.path, platform: KeychainPlatform(key: key)).deviceId(), id)
        XCTAssertThrowsError(try FieldCore.open(dir: dir.path, platform: KeychainPlatform())) { error in
            guard case CoreError.Platform = error else { return XCTFail("\(error)") }
        }
    }

    func testInvalidInputNamesTheFieldAndRecordsNothing() throws {
        let core = try FieldCore.open(dir: dir.path, platform: KeychainPlatform())
        _ = try core.signIn(name: "李明", enforcementId: "HN-12315-0042")
        var badPhone = complaint("王芳")
        badPhone.complainantPhone = "1380731223"
        var noAddress = complaint("王芳")
        noAddress.respondentAddress = nil
        var badPlace = complaint("王芳")
        badPlace.place = GeoPosition(latitude: 91, longitude: 112, accuracyM: nil)
        let cases: [(NewCase, String)] = [
            (badPhone, "complainant_phone"),
            (complaint(""), "complainant_name"),
            (complaint(String(repeating: "名", count: 65)), "complainant_name"),
            (noAddress, "respondent_address"),
            (badPlace, "place"),
        ]
        for (input, expected) in cases {
            XCTAssertThrowsError(try core.openCase(case: input)) { error in
                guard case let CoreError.InvalidInput(field, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(field, expected)
            }
        }
        XCTAssertEqual(try core.listCases(query: CaseQuery()).cases, [])
        XCTAssertEqual(try core.verifyChain().events, 1)
    }

    func testNothingIsRecordedBeforeSignIn() throws {
        let core = try FieldCore.open(dir: dir.path, platform: KeychainPlatform())
        XCTAssertNil(core.currentOfficer())
        XCTAssertThrowsError(try core.openCase(case: complaint("王芳"))) { error in
            XCTAssertEqual(error as? CoreError, CoreError.NotSignedIn)
        }
    }

    func testAFileThatIsNotAStoreIsRefusedAndKept() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("redshield.sqlite")
        let garbage = Data("这不是数据库".utf8)
        try garbage.write(to: file)
        XCTAssertThrowsError(try FieldCore.open(dir: dir.path, platform: KeychainPlatform())) { error in
            guard case CoreError.NotAStore = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try Data(contentsOf: file), garbage)
    }

    func testVerifyPurgeAndRebuild() throws {
        let core = try FieldCore.open(dir: dir.path, platform: KeychainPlatform())
        _ = try core.signIn(name: "李明", enforcementId: "HN-12315-0042")
        let a = try core.openCase(case: complaint("王芳"))
        _ = try core.openCase(case: complaint("张伟"))
        XCTAssertTrue(try core.verifyChain().intact)
        XCTAssertEqual(try core.purgePersonalData(caseId: a.id), 6)
        let purged = try core.getCase(id: a.id)
        XCTAssertTrue(purged.personalDataPurged)
        XCTAssertNil(purged.complainantName)
        let report = try core.verifyChain()
        XCTAssertTrue(report.intact)
        XCTAssertEqual(report.purgedValues, 6)
        XCTAssertEqual(try core.rebuildProjections(), 4)
        XCTAssertEqual(try core.getCase(id: a.id), purged)
    }
}
