// Mirrors bindings/kotlin's FieldCoreTest: the generated Swift against the real library.
import CoreGraphics
import CryptoKit
import Foundation
import ImageIO
import SQLite3
import UniformTypeIdentifiers
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

    func wallMs() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
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

    private func person(_ name: String) -> Person {
        Person(name: name, phone: "+86 138-0731-2233", address: "长沙市天心区书院路 9 号")
    }

    private let shop = Business(name: "长沙市某某超市", address: "芙蓉区五一大道 1 号")

    private func complaint(_ name: String) -> NewCase {
        NewCase(
            kind: .complaint,
            complainants: [person(name)],
            respondent: shop,
            matter: NewMatter(
                place: GeoPosition(latitude: 28.1942, longitude: 112.9823, accuracyM: 6.5),
                goods: "酸奶",
                amountPaidFen: 1280,
                facts: "购买的酸奶已过保质期",
                demands: [.refund, .compensation],
                demandsText: "退一赔十"
            )
        )
    }

    private func signedIn() throws -> FieldCore {
        let core = try FieldCore.open(dir: dir.path, platform: KeychainPlatform())
        _ = try core.signIn(name: "李明", enforcementId: "HN-12315-0042")
        return core
    }

    private func assertField(_ expected: String, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body()) { error in
            guard case let CoreError.InvalidInput(field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, expected)
        }
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
            XCTAssertEqual(opened.ruleSet, .samrOrder121)
            XCTAssertEqual(opened.complainants.first?.phone, "13807312233")
            XCTAssertTrue(opened.number.hasPrefix(core.devicePrefix() + "-"))
            XCTAssertEqual(try core.listCases(query: CaseQuery()).cases.map(\.id), [opened.id])
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
        let core = try signedIn()
        var badPhone = complaint("王芳")
        badPhone.complainants[0].phone = "1380731223"
        var noAddress = complaint("王芳")
        noAddress.respondent?.address = nil
        var badPlace = complaint("王芳")
        badPlace.matter.place = GeoPosition(latitude: 91, longitude: 112, accuracyM: nil)
        var badCode = complaint("王芳")
        badCode.respondent?.creditCode = "91440300715267260G"
        let cases: [(NewCase, String)] = [
            (badPhone, "complainants[0].phone"),
            (complaint(""), "complainants[0].name"),
            (complaint(String(repeating: "名", count: 65)), "complainants[0].name"),
            (noAddress, "respondent.address"),
            (badPlace, "matter.place"),
            (badCode, "respondent.credit_code"),
        ]
        for (input, expected) in cases {
            assertField(expected) { _ = try core.openCase(case: input) }
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

    func testADamagedProjectionRowNamesItsTableAndARebuildMendsIt() throws {
        let core = try signedIn()
        let opened = try core.openCase(case: complaint("王芳"))
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(dir.appendingPathComponent("redshield.sqlite").path, &db), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(db, "UPDATE cases SET kind = 'nonsense'", nil, nil, nil), SQLITE_OK)
        sqlite3_close(db)
        XCTAssertThrowsError(try core.getCase(id: opened.id)) { error in
            guard case let CoreError.DamagedProjection(table, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(table, "cases")
        }
        XCTAssertEqual(try core.rebuildProjections(), 2)
        XCTAssertEqual(try core.getCase(id: opened.id).kind, .complaint)
    }

    func testVerifyPurgeAndRebuild() throws {
        let core = try signedIn()
        let a = try core.openCase(case: complaint("王芳"))
        _ = try core.openCase(case: complaint("张伟"))
        XCTAssertTrue(try core.verifyChain().intact)
        XCTAssertEqual(try core.purgePersonalData(caseId: a.id), 7)
        let purged = try core.getCase(id: a.id)
        XCTAssertTrue(purged.personalDataPurged)
        XCTAssertEqual(purged.complainants, [])
        XCTAssertNil(purged.matter.facts)
        let report = try core.verifyChain()
        XCTAssertTrue(report.intact)
        XCTAssertEqual(report.purgedValues, 7)
        XCTAssertEqual(try core.rebuildProjections(), 4)
        XCTAssertEqual(try core.getCase(id: a.id), purged)
    }

    func testAComplaintIsAcceptedThenForwarded() throws {
        let core = try signedIn()
        let id = try core.openCase(case: complaint("王芳")).id
        XCTAssertEqual(try core.stepsAllowed(caseId: id), ["accept", "decline", "forward", "refer"])
        let here = GeoPosition(latitude: 28.19, longitude: 112.98, accuracyM: 8)
        let accepted = try core.takeStep(caseId: id, step: .accept, note: "材料齐全", place: here)
        XCTAssertEqual(accepted.state, .accepted)
        let forwarded = try core.takeStep(
            caseId: id, step: .forward(office: "岳麓区市场监督管理局"), note: "经营者住所地在岳麓区", place: nil)
        XCTAssertEqual(forwarded.history.map(\.stateAfter), [.accepted, .forwarded])
        XCTAssertEqual(forwarded.history.first?.note, "材料齐全")
        XCTAssertEqual(try core.stepsAllowed(caseId: id), [])
    }

    func testADeclineNeedsItsReasonAndAWrongStepNamesTheState() throws {
        let core = try signedIn()
        let id = try core.openCase(case: complaint("王芳")).id
        assertField("note") {
            _ = try core.takeStep(caseId: id, step: .decline(reason: .otherLegalGround), note: nil, place: nil)
        }
        let declined = try core.takeStep(caseId: id, step: .decline(reason: .timeBarred), note: nil, place: nil)
        XCTAssertEqual(declined.state, .declined)
        XCTAssertThrowsError(try core.takeStep(caseId: id, step: .accept, note: nil, place: nil)) { error in
            guard case let CoreError.WrongState(state, step, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(state, "declined")
            XCTAssertEqual(step, "accept")
        }
        XCTAssertEqual(try core.verifyChain().events, 3)
    }

    func testAReportIsVerifiedAndACaseFiled() throws {
        let core = try signedIn()
        var report = complaint("王芳")
        report.kind = .report
        report.complainants = []
        let id = try core.openCase(case: report).id
        XCTAssertEqual(try core.takeStep(caseId: id, step: .startVerification, note: nil, place: nil).state, .verifying)
        XCTAssertEqual(try core.takeStep(caseId: id, step: .decideReport(fileCase: true), note: nil, place: nil).state, .filed)
        XCTAssertEqual(try core.takeStep(caseId: id, step: .close(outcome: .caseFiled), note: nil, place: nil).state, .closed)
    }

    func testATripTakesItsFixesInBatchesAndMeasuresTheTrack() throws {
        let core = try signedIn()
        let trip = try core.startTrip(trip: NewTrip(
            vehicle: "湘A·12315", crew: ["李明", "张强"], purpose: .patrol, odometerKm: 12345.6))
        let t0: Int64 = 1_795_000_000_000
        for batch in 0..<3 {
            let fixes = (0..<1000).map { i -> Fix in
                let s = batch * 1000 + i
                return Fix(latitude: 28.2, longitude: 112.9 + 0.0001 * Double(s), accuracyM: 5,
                           timeMs: t0 + Int64(s) * 1000)
            }
            XCTAssertEqual(try core.recordFixes(tripId: trip.id, fixes: fixes).fixesTotal, UInt64((batch + 1) * 1000))
        }
        let ended = try core.endTrip(tripId: trip.id, odometerKm: 12378.5)
        XCTAssertEqual(ended.track.distanceM, 29_420, accuracy: 100)
        XCTAssertTrue(ended.odometerMismatch)
        XCTAssertThrowsError(try core.endTrip(tripId: trip.id, odometerKm: nil))
    }

    func testATripGoesOutAsGpxComesBackInAndIsDrawnOnAChineseMap() throws {
        let core = try signedIn()
        let trip = try core.startTrip(trip: NewTrip(vehicle: "湘A·12315", crewCount: 2, purpose: .patrol))
        let t0: Int64 = 1_795_000_000_000
        let fixes = (0..<600).map { s in
            Fix(latitude: 28.2, longitude: 112.9 + 0.0001 * Double(s), accuracyM: 5,
                timeMs: t0 + Int64(s) * 1000)
        }
        _ = try core.recordFixes(tripId: trip.id, fixes: fixes)
        let measured = try core.endTrip(tripId: trip.id, odometerKm: nil).track.distanceM

        let gpx = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString + ".gpx").path
        try core.exportTrip(tripId: trip.id, format: .gpx, path: gpx)
        let again = try core.importGpx(path: gpx, trip: NewTrip(vehicle: "湘A·12316", crewCount: 1, purpose: .other))
        XCTAssertEqual(again.track.distanceM, measured, accuracy: measured * 1e-6)

        let route = try core.tripRoute(tripId: trip.id, datum: .gcj02)
        XCTAssertEqual(route.count, 2)
        let picked = fromGcj02(position: route[0])
        XCTAssertEqual(picked.latitude, 28.2, accuracy: 1e-7)
        XCTAssertEqual(picked.longitude, 112.9, accuracy: 1e-7)
    }

    /// A real JPEG from ImageIO: red left half, blue right half.
    private func photo(width: Int, height: Int) throws -> URL {
        let space = CGColorSpaceCreateDeviceRGB()
        let context = CGContext(data: nil, width: width, height: height, bitsPerComponent: 8,
                                bytesPerRow: 0, space: space,
                                bitmapInfo: CGImageAlphaInfo.noneSkipLast.rawValue)!
        context.setFillColor(red: 1, green: 0, blue: 0, alpha: 1)
        context.fill(CGRect(x: 0, y: 0, width: width / 2, height: height))
        context.setFillColor(red: 0, green: 0, blue: 1, alpha: 1)
        context.fill(CGRect(x: width / 2, y: 0, width: width - width / 2, height: height))
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString + ".jpg")
        let destination = CGImageDestinationCreateWithURL(
            url as CFURL, UTType.jpeg.identifier as CFString, 1, nil)!
        CGImageDestinationAddImage(destination, context.makeImage()!, nil)
        XCTAssertTrue(CGImageDestinationFinalize(destination))
        return url
    }

    func testAPhotoBecomesEvidenceWithCopiesVerifiesAndIsSharedRedacted() throws {
        let core = try signedIn()
        let caseNumber = try core.openCase(case: complaint("王芳")).number
        let file = try photo(width: 3000, height: 2000)
        let evidence = try core.addEvidence(evidence: NewEvidence(
            caseId: caseNumber, path: file.path, kind: .goods, caption: true,
            place: GeoPosition(latitude: 28.1942, longitude: 112.9823, accuracyM: 6)))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: try core.blobPath(sha256: evidence.sha256))),
                       try Data(contentsOf: file))
        XCTAssertEqual(evidence.display?.width, 2048)
        XCTAssertEqual(evidence.display?.caption.first, caseNumber)
        XCTAssertTrue(try core.verifyEvidence(evidenceId: evidence.id).intact)
        let shared = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString + ".jpg").path
        let manifest = try core.exportRedactedEvidence(evidenceId: evidence.id, path: shared)
        XCTAssertTrue(manifest.removed.contains { $0.contains("caption") })

        // A HEIC is kept as the original, its copies made from the JPEG the app renders it to
        // (here a stand-in: only the start of a HEIC, flagged unreadable).
        let heic = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString + ".heic")
        try (Data([0, 0, 0, 0x18]) + Data("ftypheic".utf8) + Data(count: 16)).write(to: heic)
        let rendition = try photo(width: 400, height: 300)
        let kept = try core.addEvidence(evidence: NewEvidence(
            caseId: caseNumber, path: heic.path, kind: .scene, rendition: rendition.path))
        XCTAssertEqual(kept.mediaType, .heic)
        XCTAssertEqual(kept.content, .unreadable)
        XCTAssertEqual(kept.display?.width, 400)
        XCTAssertNil(kept.noDisplayCopy)
        XCTAssertTrue(try core.verifyEvidence(evidenceId: kept.id).checks
            .contains { $0.code == "rendition.hash.match" })
    }
}
