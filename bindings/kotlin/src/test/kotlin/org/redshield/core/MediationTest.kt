package org.redshield.core

import java.io.ByteArrayInputStream
import java.nio.file.Path
import java.time.ZoneId
import java.time.ZonedDateTime
import java.time.format.DateTimeFormatter
import java.util.Base64
import javax.imageio.ImageIO
import kotlin.math.PI
import kotlin.math.sin
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/**
 * On-site documents through the generated bindings, against the real libredshield_ffi: a whole
 * mediation to the signed 调解书, a signature voided by a change, a 现场笔录 whose party refuses to
 * sign before a witness, and bad input refused without a trace. Mirrors core/tests/mediation.rs.
 */
class MediationTest {
    @TempDir
    lateinit var dir: Path

    private fun open() = FieldCore.open(dir.resolve("store").toString(), KeystorePlatform()).apply {
        signIn("李明", "HN-12315-0042")
    }

    private fun complaint(name: String) = NewCase(
        kind = CaseKind.COMPLAINT,
        complainants = listOf(Person(name = name, phone = "13807312233", address = "长沙市天心区书院路 9 号")),
        respondent = Business(name = "长沙市某某超市", address = "芙蓉区五一大道 1 号"),
        matter = NewMatter(
            facts = "购买的两盒牛奶已过保质期",
            goods = "牛奶",
            amountPaidFen = 5980L,
            demands = listOf(DemandKind.REFUND, DemandKind.COMPENSATION),
            demandsText = "退款并赔偿五百元",
        ),
    )

    /** An accepted complaint, ready for mediation. */
    private fun FieldCore.acceptedComplaint(name: String = "王芳"): String {
        val id = openCase(complaint(name)).id
        takeStep(id, Step.Accept, null, null)
        return id
    }

    private fun onSite(caseId: String, consumer: String = "王芳"): NewMediation {
        val now = System.currentTimeMillis()
        return NewMediation(
            caseId = caseId,
            mode = MediationMode.ON_SITE,
            consumerConsents = true,
            merchantConsents = true,
            notice = Notice(
                givenAtMs = now - 600_000L,
                method = NoticeMethod.ORAL,
                sessionAtMs = now,
                place = "流动维权车旁",
            ),
            placeText = "长沙市芙蓉区五一大道 1 号门前",
            participants = listOf(
                NewParticipant(role = ParticipantRole.CONSUMER, name = consumer),
                NewParticipant(role = ParticipantRole.MERCHANT_REPRESENTATIVE, name = "赵强", title = "店长"),
            ),
        )
    }

    private fun terms(compensationFen: Long = 50_000L) = listOf(
        Term(
            kind = TermKind.REFUND, by = Performer.MERCHANT, what = "退还两盒牛奶货款",
            amountFen = 5_980L, performedOnTheSpot = true,
        ),
        Term(
            kind = TermKind.COMPENSATION, by = Performer.MERCHANT, what = "按规定赔偿",
            amountFen = compensationFen, dueOn = "2026-12-31",
        ),
        Term(kind = TermKind.APOLOGY, by = Performer.MERCHANT, what = "当面赔礼道歉", performedOnTheSpot = true),
    )

    /**
     * A name as a finger writes it on the phone's screen (pixels, a sample every 16 ms): three
     * wavering horizontal strokes and a vertical one, each starting where the finger lifted off
     * the last, with a pause between strokes. [seed] makes each signer's hand a little different.
     */
    private fun drawn(seed: Double): List<List<StrokePoint>> {
        var t = 1_000L
        fun stroke(x0: Double, y0: Double, x1: Double, y1: Double, points: Int): List<StrokePoint> =
            (0 until points).map { i ->
                val f = i.toDouble() / (points - 1)
                val wobble = 3.0 * sin(f * PI * (2 + seed)) * seed
                StrokePoint(x = x0 + (x1 - x0) * f + wobble, y = y0 + (y1 - y0) * f + wobble, tMs = t + i * 16L)
            }.also { t += points * 16L + 180L }
        return listOf(
            stroke(60.0, 80.0, 300.0, 76.0 + seed, 24),
            stroke(80.0, 160.0, 280.0, 164.0, 20),
            stroke(40.0, 250.0, 320.0, 246.0 - seed, 28),
            stroke(180.0, 70.0, 182.0 + seed, 256.0, 22),
        )
    }

    /** Signs the text as it is now, as the app does: show it, hash it, draw. */
    private fun FieldCore.sign(doc: String, who: UInt, seed: Double): OnSiteDocument =
        actOnDocument(doc, DocumentAct.Sign(who, documentText(doc).sha256, drawn(seed)), null)

    private fun FieldCore.mediationClock(caseId: String): Clock =
        caseClocks(caseId).single { it.kind == ClockKind.MEDIATION }

    private fun pngs(html: String): List<ByteArray> =
        Regex("data:image/png;base64,([A-Za-z0-9+/=]+)").findAll(html)
            .map { Base64.getDecoder().decode(it.groupValues[1]) }.toList()

    @Test
    fun `a whole on-site mediation reaches a signed 调解书 and counts the money recovered`() {
        open().use { core ->
            val case = core.acceptedComplaint()
            val here = GeoPosition(latitude = 28.1942, longitude = 112.9823, accuracyM = 6.0)
            val started = core.startMediation(onSite(case).copy(position = here))
            assertEquals(DocumentKind.MEDIATION, started.kind)
            assertEquals(DocumentStatus.OPEN, started.status)
            assertEquals(MediationMode.ON_SITE, started.mode)
            assertEquals(NoticeMethod.ORAL, started.notice!!.method)
            // The signed-in officer mediates, first; then the consumer and the merchant's 店长.
            assertEquals(
                listOf(ParticipantRole.OFFICER, ParticipantRole.CONSUMER, ParticipantRole.MERCHANT_REPRESENTATIVE),
                started.participants.map { it.role },
            )
            assertEquals(listOf(0u, 1u, 2u), started.participants.map { it.index })
            assertEquals("HN-12315-0042", started.participants[0].enforcementId)
            assertEquals("店长", started.participants[2].title)
            assertEquals(CaseState.MEDIATING, core.getCase(case).state)
            assertEquals(listOf(started.id), core.caseDocuments(case).map { it.id })
            val id = started.id

            core.actOnDocument(id, DocumentAct.Note(1u, EntryKind.DEMAND, "退货退款并赔偿五百元"), here)
            val noted = core.actOnDocument(id, DocumentAct.Note(2u, EntryKind.RESPONSE, "同意退款，赔偿五百元"), null)
            assertEquals(listOf(EntryKind.DEMAND, EntryKind.RESPONSE), noted.entries.map { it.kind })
            assertEquals("同意退款，赔偿五百元", noted.entries[1].text)

            // Testing pauses the session and the case's 60-day mediation clock; resuming runs both.
            assertEquals(ClockState.RUNNING, core.mediationClock(case).state)
            val paused = core.actOnDocument(id, DocumentAct.Pause(PauseReason.TESTING), null)
            assertEquals(DocumentStatus.PAUSED, paused.status)
            assertEquals(ClockState.PAUSED, core.mediationClock(case).state)
            val resumed = core.actOnDocument(id, DocumentAct.Resume, null)
            assertEquals(DocumentStatus.OPEN, resumed.status)
            assertEquals(ClockState.RUNNING, core.mediationClock(case).state)

            val agreed = core.actOnDocument(id, DocumentAct.Agree(terms(), documentDeclined = false), null)
            assertEquals(true, agreed.mediationDocument, "a term is due later: a 调解书 is made (Art. 24)")
            assertEquals("调解书", agreed.title)
            assertEquals(55_980L, agreed.recoveredFen)
            assertEquals(listOf(0u, 1u, 2u), agreed.unsigned)
            assertEquals("2026-12-31", agreed.terms[1].term.dueOn)

            val text = core.documentText(id)
            assertTrue(text.text.startsWith("调解书\n"), text.text)
            assertTrue(text.text.contains("金额人民币59.80元（大写：伍拾玖元捌角），已当场履行"), text.text)
            assertTrue(text.text.contains("金额人民币500.00元（大写：伍佰元整），于2026年12月31日前履行"), text.text)
            assertEquals(agreed.textSha256, text.sha256)
            assertEquals(64, text.sha256.length)

            core.sign(id, 1u, 0.3)
            core.sign(id, 2u, 0.7)
            val signed = core.sign(id, 0u, 1.1)
            assertTrue(signed.unsigned.isEmpty())
            assertEquals(listOf(1u, 2u, 0u), signed.signatures.map { it.participant })
            assertTrue(signed.signatures.all { it.valid && it.textSha256 == text.sha256 })
            assertEquals(3, signed.signatures.map { it.imageSha256 }.toSet().size, "each hand draws its own")
            assertEquals(text, core.documentText(id), "signing does not change the text")

            val concluded = core.actOnDocument(id, DocumentAct.Conclude, here)
            assertEquals(DocumentStatus.CONCLUDED, concluded.status)
            assertNotNull(concluded.closedAtMs)
            assertEquals(28.1942, concluded.closedAt!!.latitude, 1e-7)
            assertEquals(55_980L, concluded.recoveredFen)
            assertEquals(CaseState.AGREED, core.getCase(case).state)
            assertEquals(concluded, core.getDocument(id))

            val month = ZonedDateTime.now(ZoneId.of("Asia/Shanghai")).format(DateTimeFormatter.ofPattern("yyyy-MM"))
            val recovered = core.moneyRecovered(month)
            assertEquals(month, recovered.month)
            assertEquals(55_980L, recovered.totalFen)
            assertEquals(1u, recovered.agreements)
            assertEquals(5_980L, recovered.performedFen, "only the refund was paid on the spot")
            assertEquals(listOf("HN-12315-0042"), recovered.byOfficer.map { it.key })

            // The 调解书 in three copies; the consumer's and the merchant's differ only in the label.
            val consumerCopy = core.renderDocument(id, RenderFormat.HTML, CopyFor.CONSUMER)
            val merchantCopy = core.renderDocument(id, RenderFormat.HTML, CopyFor.MERCHANT)
            for (html in listOf(consumerCopy, merchantCopy)) {
                assertTrue(html.contains("<h1>调解书</h1>"))
                assertTrue(html.contains("王芳") && html.contains("赵强"))
                assertTrue(html.contains(text.sha256))
                assertEquals(3, html.split("data:image/png;base64,").size - 1)
            }
            // "被投诉人收执" contains "投诉人收执": the labels are told apart with their brackets.
            val consumerLabel = "（投诉人收执）"
            val merchantLabel = "（被投诉人收执）"
            assertTrue(consumerCopy.contains(consumerLabel) && !consumerCopy.contains(merchantLabel))
            assertTrue(merchantCopy.contains(merchantLabel) && !merchantCopy.contains(consumerLabel))
            assertNotEquals(consumerCopy, merchantCopy)
            assertEquals(consumerCopy.replace(consumerLabel, "（COPY）"), merchantCopy.replace(merchantLabel, "（COPY）"))

            val images = pngs(consumerCopy)
            assertEquals(3, images.size)
            val image = ImageIO.read(ByteArrayInputStream(images.first()))
            assertNotNull(image, "the embedded signature is a PNG")
            assertEquals(600 to 200, image.width to image.height)
            val ink = (0 until image.width).sumOf { x -> (0 until image.height).count { y -> image.getRGB(x, y) and 0xFF < 128 } }
            assertTrue(ink in 500..60_000, "a signature's worth of ink: $ink pixels")

            assertTrue(core.verifyChain().intact)
        }
    }

    @Test
    fun `a change to the terms voids a signature, and the old text cannot be signed`() {
        open().use { core ->
            val case = core.acceptedComplaint()
            val id = core.startMediation(onSite(case)).id
            core.actOnDocument(id, DocumentAct.Agree(terms(), false), null)
            val before = core.documentText(id).sha256
            val signed = core.sign(id, 1u, 0.3)
            assertTrue(signed.signatures.single().valid)
            assertEquals(listOf(0u, 2u), signed.unsigned)

            val changed = core.actOnDocument(id, DocumentAct.Agree(terms(compensationFen = 40_000L), false), null)
            assertNotEquals(before, changed.textSha256)
            assertFalse(changed.signatures.single().valid)
            assertEquals(before, changed.signatures.single().textSha256)
            assertEquals(listOf(0u, 1u, 2u), changed.unsigned)
            assertEquals(45_980L, changed.recoveredFen)

            val events = core.verifyChain().events
            val stale = assertThrows<CoreException.InvalidInput> {
                core.actOnDocument(id, DocumentAct.Sign(2u, before, drawn(0.5)), null)
            }
            assertEquals("text_sha256", stale.field)
            assertTrue(stale.reason.contains("not the current one"), stale.reason)
            assertEquals(changed, core.getDocument(id))
            assertEquals(events, core.verifyChain().events)

            val early = assertThrows<CoreException.InvalidInput> { core.actOnDocument(id, DocumentAct.Conclude, null) }
            assertEquals("signatures", early.field)
            assertTrue(early.reason.contains("not yet signed"), early.reason)

            val text = core.renderDocument(id, RenderFormat.TEXT, null)
            assertTrue(text.contains("另有 1 个签名因文本更改而失效"), text)
        }
    }

    @Test
    fun `an on-site record is concluded with the party's refusal attested by a witness`() {
        open().use { core ->
            val report = complaint("王芳").copy(kind = CaseKind.REPORT, complainants = emptyList())
            val case = core.openCase(report).id
            val record = core.openRecord(
                NewRecord(
                    caseId = case,
                    kind = DocumentKind.ON_SITE_RECORD,
                    subject = "核查举报：超市销售过期牛奶",
                    placeText = "长沙市芙蓉区五一大道 1 号 某某超市乳品货架",
                    participants = listOf(
                        NewParticipant(role = ParticipantRole.OFFICER, name = "张伟", enforcementId = "HN-12315-0077"),
                        NewParticipant(role = ParticipantRole.PARTY, name = "赵强", title = "店长"),
                        NewParticipant(role = ParticipantRole.WITNESS, name = "刘洋"),
                    ),
                ),
            )
            assertEquals("现场笔录", record.title)
            assertEquals(
                listOf(ParticipantRole.OFFICER, ParticipantRole.OFFICER, ParticipantRole.PARTY, ParticipantRole.WITNESS),
                record.participants.map { it.role },
            )
            assertEquals(listOf("HN-12315-0042", "HN-12315-0077"), record.participants.take(2).map { it.enforcementId })
            val id = record.id

            core.actOnDocument(id, DocumentAct.Note(1u, EntryKind.FINDING, "乳品货架上摆放的某品牌牛奶 12 盒已超过保质期"), null)
            core.actOnDocument(id, DocumentAct.Note(2u, EntryKind.STATEMENT, "这批货昨天刚到，不知道过期"), null)
            val wrong = assertThrows<CoreException.InvalidInput> {
                core.actOnDocument(id, DocumentAct.Note(2u, EntryKind.FINDING, "没有问题"), null)
            }
            assertTrue(wrong.reason.contains("cannot make a finding entry"), wrong.reason)
            core.actOnDocument(id, DocumentAct.ReadBack, null)

            val sha = core.documentText(id).sha256
            val refused = core.actOnDocument(id, DocumentAct.RefuseToSign(2u, 3u, sha, "当事人不认可检查结果"), null)
            assertEquals(listOf(0u, 1u, 3u), refused.unsigned, "the witness now signs for the refusal")
            core.sign(id, 3u, 0.4)
            core.sign(id, 0u, 1.1)
            val signed = core.sign(id, 1u, 0.8)
            assertTrue(signed.unsigned.isEmpty())
            val concluded = core.actOnDocument(id, DocumentAct.Conclude, null)
            assertEquals(DocumentStatus.CONCLUDED, concluded.status)
            assertTrue(concluded.refusals.single().valid)

            val text = core.renderDocument(id, RenderFormat.TEXT, null)
            assertTrue(text.startsWith("现场笔录\n"), text)
            assertTrue(text.contains("拒绝签名"), text)
            assertTrue(text.contains("见证人：刘洋"), text)
            assertTrue(text.contains("当事人不认可检查结果"), text)
            assertTrue(text.contains("以上笔录已向当事人宣读"), text)
            val html = core.renderDocument(id, RenderFormat.HTML, CopyFor.FILE)
            assertEquals(3, pngs(html).size, "the witness's and both officers' signatures")
        }
    }

    @Test
    fun `bad input from Kotlin is InvalidInput and records nothing`() {
        open().use { core ->
            val case = core.acceptedComplaint()
            val id = core.startMediation(onSite(case)).id

            fun refusedWithoutTrace(act: DocumentAct): CoreException.InvalidInput {
                val before = core.getDocument(id)
                val events = core.verifyChain().events
                val e = assertThrows<CoreException.InvalidInput> { core.actOnDocument(id, act, null) }
                assertEquals(before, core.getDocument(id), "$act changed the document")
                assertEquals(events, core.verifyChain().events, "$act was recorded")
                return e
            }

            assertEquals("terms", refusedWithoutTrace(DocumentAct.Agree(emptyList(), false)).field)
            val negative = terms().mapIndexed { i, t -> if (i == 0) t.copy(amountFen = -100L) else t }
            assertEquals("terms[0].amount_fen", refusedWithoutTrace(DocumentAct.Agree(negative, false)).field)
            val badDate = terms().mapIndexed { i, t -> if (i == 1) t.copy(dueOn = "2026-13-01") else t }
            assertEquals("terms[1].due_on", refusedWithoutTrace(DocumentAct.Agree(badDate, false)).field)

            core.actOnDocument(id, DocumentAct.Agree(terms(), false), null)
            val sha = core.documentText(id).sha256
            for (strokes in listOf(emptyList(), listOf(emptyList<StrokePoint>()))) {
                assertEquals("strokes", refusedWithoutTrace(DocumentAct.Sign(1u, sha, strokes)).field)
            }
            val backwards = listOf(listOf(StrokePoint(10.0, 10.0, 100L), StrokePoint(20.0, 10.0, 50L)))
            assertEquals("strokes", refusedWithoutTrace(DocumentAct.Sign(1u, sha, backwards)).field)
            assertEquals("text_sha256", refusedWithoutTrace(DocumentAct.Sign(1u, "abc", drawn(0.2))).field)
            assertEquals("participant", refusedWithoutTrace(DocumentAct.Sign(9u, sha, drawn(0.2))).field)

            // Ending is final: a second end is refused.
            val ended = core.actOnDocument(id, DocumentAct.End(EndReason.NO_AGREEMENT_POSSIBLE, "被投诉人反悔"), null)
            assertEquals(DocumentStatus.ENDED, ended.status)
            assertEquals(CaseState.NOT_AGREED, core.getCase(case).state)
            val twice = refusedWithoutTrace(DocumentAct.End(EndReason.PARTY_ABSENT_OR_REFUSES, null))
            assertEquals("status", twice.field)
            assertTrue(twice.reason.contains("ended"), twice.reason)
            assertEquals(CaseState.NOT_AGREED, core.getCase(case).state)
        }
    }

    /**
     * Order No. 121 Art. 20: a mediation by telephone concluded on the parties' assent (no
     * 调解书: the 调解记录 records how each assented), then a second one ended, and the 终止调解告知书
     * (Art. 23 last paragraph, Art. 25) issued: the end-notice clock stops.
     */
    @Test
    fun `a remote mediation concludes on assent, and an end is told by its notice`() {
        open().use { core ->
            val case = core.acceptedComplaint()
            val remote = onSite(case).copy(mode = MediationMode.PHONE, notice = null)
            val id = core.startMediation(remote).id
            val agreed = core.actOnDocument(id, DocumentAct.Agree(terms(), false), null)
            assertEquals("调解记录", agreed.title)
            assertEquals(false, agreed.mediationDocument)
            for (party in listOf(1u, 2u)) {
                val sha = core.documentText(id).sha256
                core.actOnDocument(id, DocumentAct.Assent(party, sha, AssentMethod.PHONE, null, "电话确认"), null)
            }
            core.sign(id, 0u, 0.5)
            val concluded = core.actOnDocument(id, DocumentAct.Conclude, null)
            assertEquals(DocumentStatus.CONCLUDED, concluded.status)
            assertEquals(2, concluded.assents.size)
            assertEquals(null, concluded.number, "a 调解记录 takes no number")
            assertEquals(CaseState.AGREED, core.getCase(case).state)

            val other = core.acceptedComplaint("陈静")
            val ended = core.startMediation(onSite(other, "陈静").copy(mode = MediationMode.VIDEO, notice = null)).id
            core.actOnDocument(ended, DocumentAct.End(EndReason.NO_AGREEMENT_POSSIBLE, null), null)
            val clock = { core.caseClocks(other).single { it.kind == ClockKind.END_NOTICE } }
            assertEquals(ClockState.RUNNING, clock().state)
            val notice = core.issueNotice(other, NoticeKind.MEDIATION_ENDED)
            assertTrue(notice.asIssued)
            assertTrue(notice.text.contains("《投诉举报处理办法》第二十三条第一款第（三）项"), notice.text)
            assertTrue(notice.text.contains("第二十五条"), notice.text)
            assertEquals(ClockState.MET, clock().state)
            assertEquals(listOf(notice), core.caseNotices(other))
            assertTrue(core.renderNotice(other, NoticeKind.MEDIATION_ENDED, RenderFormat.HTML).contains("<h1>终止调解告知书</h1>"))
        }
    }
}
