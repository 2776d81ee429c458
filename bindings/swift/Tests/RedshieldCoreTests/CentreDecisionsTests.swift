// Mirrors bindings/kotlin's CentreDecisionsTest: the staff use the real `redshield centre …`
// commands against a real `redshield serve`; the device is the real core through the generated
// bindings. The roster decides who signs in; an extension asked for on the device is approved
// at the centre; 督办 arrives with its note; a case the centre received arrives with its
// dispatch.
import Foundation
import XCTest

import RedshieldCore

final class CentreDecisionsTests: XCTestCase {
    private var dir: URL!
    private var centre: Centre!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("redshield-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        centre = try Centre.start()
    }

    override func tearDownWithError() throws {
        centre?.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    private func file(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testTheCentresRosterAnswersNotesAndDispatchesReachTheDevice() async throws {
        let core = try FieldCore.open(dir: dir.appendingPathComponent("store").path, platform: KeychainPlatform())
        _ = try core.signIn(name: "李明", enforcementId: "HN-12315-0042")
        try await core.enrol(server: centre.url, code: try centre.enrolmentCode(), centreCaPem: nil)
        _ = try await core.sync(listener: nil, handle: nil)

        let roster = """
            [{"name": "李明", "enforcement_id": "HN-12315-0042"},
             {"name": "周敏", "enforcement_id": "HN-12315-0007", "supervisor": true}]
            """
        _ = try centre.staff("roster", try file("roster.json", roster))
        let report = try core.openCase(case: NewCase(
            kind: .report,
            complainants: [],
            respondent: Business(name: "某某药店"),
            matter: NewMatter(facts: "无证销售处方药", demands: [])
        ))
        let asked = try core.requestClockExtension(caseId: report.id, clock: .reportDecision, reason: "样品送检")
        XCTAssertNil(asked.first?.approved)
        _ = try await core.sync(listener: nil, handle: nil)
        XCTAssertEqual(try core.officerRoster().map(\.enforcementId), ["HN-12315-0007", "HN-12315-0042"])
        XCTAssertThrowsError(try core.signIn(name: "王五", enforcementId: "HN-12315-9999")) { error in
            guard case CoreError.InvalidInput = error else { return XCTFail("\(error)") }
        }

        _ = try centre.staff("extension", report.id, "--clock", "report_decision", "--approve")
        _ = try centre.staff("supervise", report.id, "--due", "2026-12-05", "--note", "请尽快核查")
        let intake = """
            {"kind": "complaint", "channel": "hotline",
             "complainants": [{"name": "赵敏", "phone": "13907310000", "address": "长沙市天心区书院路 9 号"}],
             "respondent": {"name": "某某电器商行", "address": "长沙市雨花区劳动路 8 号"},
             "matter": {"facts": "电饭煲不能加热", "demands": ["replace"]}}
            """
        let sent = try centre.staff(
            "dispatch", "--device", core.deviceId(), "--vehicle", "湘A·12315",
            "--intake", try file("intake.json", intake)
        )
        let synced = try await core.sync(listener: nil, handle: nil)
        XCTAssertEqual(synced.serverEventsApplied, 3)

        XCTAssertEqual(try core.clockExtensionRequests(caseId: report.id).first?.approved, true)
        XCTAssertEqual(try core.caseSupervisions(caseId: report.id).first?.note, "请尽快核查")
        let received = try core.getCase(id: sent["case_id"] as? String ?? "")
        XCTAssertEqual(received.channel, .hotline)
        XCTAssertEqual(received.complainants.first?.name, "赵敏")
        XCTAssertEqual(try core.caseDispatches(caseId: received.id).first?.vehicle, "湘A·12315")
        XCTAssertEqual(try core.ruleParameters().onSceneUrbanMinutes, 30)
    }

    func testAReassignedCaseReachesTheNewVehicleWhole() async throws {
        let first = try FieldCore.open(dir: dir.appendingPathComponent("first").path, platform: KeychainPlatform())
        let second = try FieldCore.open(dir: dir.appendingPathComponent("second").path, platform: KeychainPlatform())
        _ = try first.signIn(name: "李明", enforcementId: "HN-12315-0042")
        _ = try second.signIn(name: "张伟", enforcementId: "HN-12315-0043")
        for core in [first, second] {
            try await core.enrol(server: centre.url, code: try centre.enrolmentCode(), centreCaPem: nil)
        }
        let taken = try first.openCase(case: NewCase(
            kind: .complaint,
            complainants: [Person(name: "王芳", phone: "13807312233", address: "长沙市天心区书院路 9 号")],
            respondent: Business(name: "长沙市某某超市", address: "芙蓉区五一大道 1 号"),
            matter: NewMatter(facts: "购买的酸奶已过保质期", demands: [.refund])
        ))
        _ = try first.takeStep(caseId: taken.id, step: .accept, note: nil, place: nil)
        _ = try await first.sync(listener: nil, handle: nil)

        _ = try centre.staff("assign", taken.id, "--device", second.deviceId())
        _ = try await second.sync(listener: nil, handle: nil)
        // The new vehicle reads the case as the first did, and carries on; the first stops.
        let (held, received) = (try first.getCase(id: taken.id), try second.getCase(id: taken.id))
        XCTAssertEqual(received.number, held.number)
        XCTAssertEqual(received.state, .accepted)
        XCTAssertEqual(received.history.count, held.history.count)
        XCTAssertEqual(received.complainants.first?.name, "王芳")
        _ = try second.takeStep(caseId: taken.id, step: .startMediation, note: nil, place: nil)
        let pushed = try await second.sync(listener: nil, handle: nil)
        XCTAssertEqual(pushed.conflictsFlagged, 0)
        _ = try await first.sync(listener: nil, handle: nil)
        XCTAssertThrowsError(try first.takeStep(caseId: taken.id, step: .startMediation, note: nil, place: nil)) { error in
            guard case let CoreError.CaseHandedOver(owner) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(owner, second.deviceId())
        }
    }
}

