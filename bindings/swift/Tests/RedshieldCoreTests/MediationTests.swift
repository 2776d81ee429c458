// Mirrors bindings/kotlin's MediationTest: on-site documents through the generated Swift against
// the real library — a whole mediation to the signed 调解书, a signature voided by a change, a
// 现场笔录 whose party refuses to sign before a witness, and bad input refused without a trace.
import CoreGraphics
import Foundation
import ImageIO
import XCTest

import RedshieldCore

final class MediationTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("redshield-\(UUID().uuidString)")
            .appendingPathComponent("store")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir.deletingLastPathComponent())
    }

    private func signedIn() throws -> FieldCore {
        let core = try FieldCore.open(dir: dir.path, platform: KeychainPlatform())
        _ = try core.signIn(name: "李明", enforcementId: "HN-12315-0042")
        return core
    }

    private func complaint(_ name: String) -> NewCase {
        NewCase(
            kind: .complaint,
            complainants: [Person(name: name, phone: "13807312233", address: "长沙市天心区书院路 9 号")],
            respondent: Business(name: "长沙市某某超市", address: "芙蓉区五一大道 1 号"),
            matter: NewMatter(
                goods: "牛奶",
                amountPaidFen: 5980,
                facts: "购买的两盒牛奶已过保质期",
                demands: [.refund, .compensation],
                demandsText: "退款并赔偿五百元"
            )
        )
    }

    /// An accepted complaint, ready for mediation.
    private func acceptedComplaint(_ core: FieldCore) throws -> String {
        let id = try core.openCase(case: complaint("王芳")).id
        _ = try core.takeStep(caseId: id, step: .accept, note: nil, place: nil)
        return id
    }

    private func onSite(_ caseId: String) -> NewMediation {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return NewMediation(
            caseId: caseId,
            mode: .onSite,
            consumerConsents: true,
            merchantConsents: true,
            notice: Notice(givenAtMs: now - 600_000, method: .oral, sessionAtMs: now, place: "流动维权车旁"),
            placeText: "长沙市芙蓉区五一大道 1 号门前",
            participants: [
                NewParticipant(role: .consumer, name: "王芳"),
                NewParticipant(role: .merchantRepresentative, name: "赵强", title: "店长"),
            ]
        )
    }

    private func terms(compensationFen: Int64 = 50_000) -> [Term] {
        [
            Term(kind: .refund, by: .merchant, what: "退还两盒牛奶货款", amountFen: 5_980, performedOnTheSpot: true),
            Term(kind: .compensation, by: .merchant, what: "按规定赔偿", amountFen: compensationFen, dueOn: "2026-12-31"),
            Term(kind: .apology, by: .merchant, what: "当面赔礼道歉", performedOnTheSpot: true),
        ]
    }

    /// A name as a finger writes it on the screen (points, a sample every 16 ms): three wavering
    /// horizontal strokes and a vertical one, with a pause between strokes.
    private func drawn(_ seed: Double) -> [[StrokePoint]] {
        var t: Int64 = 1_000
        func stroke(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ points: Int) -> [StrokePoint] {
            let start = t
            t += Int64(points) * 16 + 180
            return (0..<points).map { i in
                let f = Double(i) / Double(points - 1)
                let wobble = 3 * sin(f * Double.pi * (2 + seed)) * seed
                return StrokePoint(x: x0 + (x1 - x0) * f + wobble, y: y0 + (y1 - y0) * f + wobble,
                                   tMs: start + Int64(i) * 16)
            }
        }
        return [
            stroke(60, 80, 300, 76 + seed, 24),
            stroke(80, 160, 280, 164, 20),
            stroke(40, 250, 320, 246 - seed, 28),
            stroke(180, 70, 182 + seed, 256, 22),
        ]
    }

    /// Signs the text as it is now, as the app does: show it, hash it, draw.
    private func sign(_ core: FieldCore, _ doc: String, _ who: UInt32, _ seed: Double) throws -> OnSiteDocument {
        let sha = try core.documentText(documentId: doc).sha256
        return try core.actOnDocument(
            documentId: doc, act: .sign(participant: who, textSha256: sha, strokes: drawn(seed)), place: nil)
    }

    private func act(_ core: FieldCore, _ doc: String, _ act: DocumentAct) throws -> OnSiteDocument {
        try core.actOnDocument(documentId: doc, act: act, place: nil)
    }

    private func mediationClockState(_ core: FieldCore, _ caseId: String) throws -> ClockState? {
        try core.caseClocks(caseId: caseId).first { $0.kind == .mediation }?.state
    }

    private func pngs(_ html: String) -> [Data] {
        html.components(separatedBy: "data:image/png;base64,").dropFirst().compactMap { rest in
            Data(base64Encoded: String(rest.prefix { $0 != "\"" }))
        }
    }

    /// The field and reason of the InvalidInput `body` throws.
    private func invalid(_ body: () throws -> Void) -> (field: String, reason: String)? {
        do {
            try body()
            XCTFail("expected InvalidInput")
        } catch let CoreError.InvalidInput(field, reason) {
            return (field, reason)
        } catch {
            XCTFail("\(error)")
        }
        return nil
    }

    func testAWholeOnSiteMediationReachesASignedMediationDocument() throws {
        let core = try signedIn()
        let caseId = try acceptedComplaint(core)
        let here = GeoPosition(latitude: 28.1942, longitude: 112.9823, accuracyM: 6)
        var mediation = onSite(caseId)
        mediation.position = here
        let started = try core.startMediation(mediation: mediation)
        XCTAssertEqual(started.kind, .mediation)
        XCTAssertEqual(started.status, .open)
        XCTAssertEqual(started.participants.map(\.role), [.officer, .consumer, .merchantRepresentative])
        XCTAssertEqual(started.participants[0].enforcementId, "HN-12315-0042")
        XCTAssertEqual(started.participants[2].title, "店长")
        XCTAssertEqual(try core.getCase(id: caseId).state, .mediating)
        XCTAssertEqual(try core.caseDocuments(caseId: caseId).map(\.id), [started.id])
        let id = started.id

        _ = try core.actOnDocument(
            documentId: id, act: .note(speaker: 1, kind: .demand, text: "退货退款并赔偿五百元"), place: here)
        let noted = try act(core, id, .note(speaker: 2, kind: .response, text: "同意退款，赔偿五百元"))
        XCTAssertEqual(noted.entries.map(\.kind), [.demand, .response])

        // Testing pauses the session and the case's 60-day mediation clock; resuming runs both.
        XCTAssertEqual(try mediationClockState(core, caseId), .running)
        XCTAssertEqual(try act(core, id, .pause(reason: .testing)).status, .paused)
        XCTAssertEqual(try mediationClockState(core, caseId), .paused)
        XCTAssertEqual(try act(core, id, .resume).status, .open)
        XCTAssertEqual(try mediationClockState(core, caseId), .running)

        let agreed = try act(core, id, .agree(terms: terms(), documentDeclined: false))
        XCTAssertEqual(agreed.mediationDocument, true)
        XCTAssertEqual(agreed.title, "调解书")
        XCTAssertEqual(agreed.recoveredFen, 55_980)
        XCTAssertEqual(agreed.unsigned, [0, 1, 2])

        let text = try core.documentText(documentId: id)
        XCTAssertTrue(text.text.hasPrefix("调解书\n"))
        XCTAssertTrue(text.text.contains("金额人民币500.00元（大写：伍佰元整），于2026年12月31日前履行"))
        XCTAssertEqual(agreed.textSha256, text.sha256)

        _ = try sign(core, id, 1, 0.3)
        _ = try sign(core, id, 2, 0.7)
        let signed = try sign(core, id, 0, 1.1)
        XCTAssertEqual(signed.unsigned, [])
        XCTAssertTrue(signed.signatures.allSatisfy { $0.valid && $0.textSha256 == text.sha256 })

        let concluded = try core.actOnDocument(documentId: id, act: .conclude, place: here)
        XCTAssertEqual(concluded.status, .concluded)
        XCTAssertNotNil(concluded.closedAtMs)
        XCTAssertEqual(try core.getCase(id: caseId).state, .agreed)
        XCTAssertEqual(concluded.recoveredFen, 55_980)

        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM"
        let recovered = try core.moneyRecovered(month: formatter.string(from: Date()))
        XCTAssertEqual(recovered.totalFen, 55_980)
        XCTAssertEqual(recovered.agreements, 1)
        XCTAssertEqual(recovered.performedFen, 5_980)
        XCTAssertEqual(recovered.byOfficer.map(\.key), ["HN-12315-0042"])

        // The 调解书 in three copies; the consumer's and the merchant's differ only in the label.
        let consumerCopy = try core.renderDocument(documentId: id, format: .html, copy: .consumer)
        let merchantCopy = try core.renderDocument(documentId: id, format: .html, copy: .merchant)
        for html in [consumerCopy, merchantCopy] {
            XCTAssertTrue(html.contains("<h1>调解书</h1>"))
            XCTAssertTrue(html.contains("王芳") && html.contains("赵强"))
            XCTAssertTrue(html.contains(text.sha256))
            XCTAssertEqual(html.components(separatedBy: "data:image/png;base64,").count - 1, 3)
        }
        // "被投诉人收执" contains "投诉人收执": the labels are told apart with their brackets.
        let consumerLabel = "（投诉人收执）"
        let merchantLabel = "（被投诉人收执）"
        XCTAssertTrue(consumerCopy.contains(consumerLabel) && !consumerCopy.contains(merchantLabel))
        XCTAssertTrue(merchantCopy.contains(merchantLabel) && !merchantCopy.contains(consumerLabel))
        XCTAssertNotEqual(consumerCopy, merchantCopy)
        XCTAssertEqual(consumerCopy.replacingOccurrences(of: consumerLabel, with: "（COPY）"),
                       merchantCopy.replacingOccurrences(of: merchantLabel, with: "（COPY）"))

        let images = pngs(consumerCopy)
        XCTAssertEqual(images.count, 3)
        let png = try XCTUnwrap(images.first)
        let source = try XCTUnwrap(CGImageSourceCreateWithData(png as CFData, nil))
        let image = try XCTUnwrap(CGImageSourceCreateImageAtIndex(source, 0, nil))
        XCTAssertEqual(image.width, 600)
        XCTAssertEqual(image.height, 200)
        XCTAssertTrue(try core.verifyChain().intact)
    }

    func testAChangeToTheTermsVoidsASignature() throws {
        let core = try signedIn()
        let caseId = try acceptedComplaint(core)
        let id = try core.startMediation(mediation: onSite(caseId)).id
        _ = try act(core, id, .agree(terms: terms(), documentDeclined: false))
        let before = try core.documentText(documentId: id).sha256
        XCTAssertEqual(try sign(core, id, 1, 0.3).signatures.first?.valid, true)

        let changed = try act(core, id, .agree(terms: terms(compensationFen: 40_000), documentDeclined: false))
        XCTAssertNotEqual(changed.textSha256, before)
        XCTAssertEqual(changed.signatures.first?.valid, false)
        XCTAssertEqual(changed.unsigned, [0, 1, 2])

        let events = try core.verifyChain().events
        let stale = invalid {
            _ = try self.act(core, id, .sign(participant: 2, textSha256: before, strokes: self.drawn(0.5)))
        }
        XCTAssertEqual(stale?.field, "text_sha256")
        XCTAssertTrue(stale?.reason.contains("not the current one") ?? false)
        XCTAssertEqual(try core.getDocument(documentId: id), changed)
        XCTAssertEqual(try core.verifyChain().events, events)
    }

    func testAnOnSiteRecordIsConcludedWithAWitnessedRefusal() throws {
        let core = try signedIn()
        var report = complaint("王芳")
        report.kind = .report
        report.complainants = []
        let caseId = try core.openCase(case: report).id
        let record = try core.openRecord(record: NewRecord(
            caseId: caseId,
            kind: .onSiteRecord,
            subject: "核查举报：超市销售过期牛奶",
            placeText: "长沙市芙蓉区五一大道 1 号 某某超市乳品货架",
            participants: [
                NewParticipant(role: .officer, name: "张伟", enforcementId: "HN-12315-0077"),
                NewParticipant(role: .party, name: "赵强", title: "店长"),
                NewParticipant(role: .witness, name: "刘洋"),
            ]
        ))
        XCTAssertEqual(record.title, "现场笔录")
        XCTAssertEqual(record.participants.map(\.role), [.officer, .officer, .party, .witness])
        let id = record.id

        _ = try act(core, id, .note(speaker: 1, kind: .finding, text: "乳品货架上摆放的某品牌牛奶 12 盒已超过保质期"))
        _ = try act(core, id, .readBack)
        let sha = try core.documentText(documentId: id).sha256
        let refused = try act(core, id, .refuseToSign(participant: 2, witness: 3, textSha256: sha, note: "当事人不认可检查结果"))
        XCTAssertEqual(refused.unsigned, [0, 1, 3])
        _ = try sign(core, id, 3, 0.4)
        _ = try sign(core, id, 0, 1.1)
        XCTAssertEqual(try sign(core, id, 1, 0.8).unsigned, [])
        let concluded = try act(core, id, .conclude)
        XCTAssertEqual(concluded.status, .concluded)

        let text = try core.renderDocument(documentId: id, format: .text, copy: nil)
        XCTAssertTrue(text.hasPrefix("现场笔录\n"))
        XCTAssertTrue(text.contains("拒绝签名"))
        XCTAssertTrue(text.contains("见证人：刘洋"))
    }

    func testBadInputIsInvalidInputAndRecordsNothing() throws {
        let core = try signedIn()
        let caseId = try acceptedComplaint(core)
        let id = try core.startMediation(mediation: onSite(caseId)).id

        func refusedWithoutTrace(_ bad: DocumentAct) throws -> (field: String, reason: String)? {
            let before = try core.getDocument(documentId: id)
            let events = try core.verifyChain().events
            let refusal = invalid { _ = try self.act(core, id, bad) }
            XCTAssertEqual(try core.getDocument(documentId: id), before)
            XCTAssertEqual(try core.verifyChain().events, events)
            return refusal
        }

        XCTAssertEqual(try refusedWithoutTrace(.agree(terms: [], documentDeclined: false))?.field, "terms")
        var negative = terms()
        negative[0].amountFen = -100
        XCTAssertEqual(try refusedWithoutTrace(.agree(terms: negative, documentDeclined: false))?.field,
                       "terms[0].amount_fen")

        _ = try act(core, id, .agree(terms: terms(), documentDeclined: false))
        let sha = try core.documentText(documentId: id).sha256
        for strokes in [[], [[]]] as [[[StrokePoint]]] {
            XCTAssertEqual(try refusedWithoutTrace(.sign(participant: 1, textSha256: sha, strokes: strokes))?.field,
                           "strokes")
        }

        let ended = try act(core, id, .end(reason: .noAgreementPossible, note: "被投诉人反悔"))
        XCTAssertEqual(ended.status, .ended)
        XCTAssertEqual(try core.getCase(id: caseId).state, .notAgreed)
        let twice = try refusedWithoutTrace(.end(reason: .partyAbsentOrRefuses, note: nil))
        XCTAssertTrue(twice?.reason.contains("ended") ?? false)
    }

    /// Order No. 121 Art. 20: a mediation by telephone concluded on the parties' assent (no
    /// 调解书: the 调解记录 records how each assented); then a mediation ended and its 终止调解告知书
    /// (Art. 23 last paragraph, Art. 25) issued, which stops the end-notice clock.
    func testARemoteMediationConcludesOnAssentAndAnEndIsToldByItsNotice() throws {
        let core = try signedIn()
        let caseId = try acceptedComplaint(core)
        var remote = onSite(caseId)
        remote.mode = .phone
        remote.notice = nil
        let id = try core.startMediation(mediation: remote).id
        let agreed = try act(core, id, .agree(terms: terms(), documentDeclined: false))
        XCTAssertEqual(agreed.title, "调解记录")
        XCTAssertEqual(agreed.mediationDocument, false)
        for party: UInt32 in [1, 2] {
            let sha = try core.documentText(documentId: id).sha256
            _ = try act(core, id, .assent(participant: party, textSha256: sha, method: .phone,
                                          evidenceId: nil, note: "电话确认"))
        }
        _ = try sign(core, id, 0, 0.5)
        let concluded = try act(core, id, .conclude)
        XCTAssertEqual(concluded.status, .concluded)
        XCTAssertEqual(concluded.assents.count, 2)
        XCTAssertNil(concluded.number)
        XCTAssertEqual(try core.getCase(id: caseId).state, .agreed)

        let other = try core.openCase(case: complaint("陈静")).id
        _ = try core.takeStep(caseId: other, step: .accept, note: nil, place: nil)
        var video = onSite(other)
        video.mode = .video
        video.notice = nil
        let ended = try core.startMediation(mediation: video).id
        _ = try act(core, ended, .end(reason: .noAgreementPossible, note: nil))
        func endNotice() throws -> ClockState? {
            try core.caseClocks(caseId: other).first { $0.kind == .endNotice }?.state
        }
        XCTAssertEqual(try endNotice(), .running)
        let notice = try core.issueNotice(caseId: other, kind: .mediationEnded)
        XCTAssertTrue(notice.asIssued)
        XCTAssertTrue(notice.text.contains("第二十五条"))
        XCTAssertEqual(try endNotice(), .met)
        XCTAssertEqual(try core.caseNotices(caseId: other), [notice])
    }
}
