package org.redshield.ui

import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assert
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.click
import androidx.compose.ui.test.hasStateDescription
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTouchInput
import androidx.compose.ui.test.runComposeUiTest
import androidx.compose.ui.test.swipe
import java.io.ByteArrayInputStream
import java.nio.file.Path
import java.util.Base64
import javax.imageio.ImageIO
import kotlin.math.abs
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import org.redshield.core.Business
import org.redshield.core.CaseKind
import org.redshield.core.CopyFor
import org.redshield.core.CoreException
import org.redshield.core.DemandKind
import org.redshield.core.DocumentAct
import org.redshield.core.DocumentKind
import org.redshield.core.EntryKind
import org.redshield.core.FieldCore
import org.redshield.core.NewCase
import org.redshield.core.NewMatter
import org.redshield.core.NewParticipant
import org.redshield.core.NewRecord
import org.redshield.core.ParticipantRole
import org.redshield.core.RenderFormat
import org.redshield.core.StrokePoint
import org.redshield.ui.desktop.openStore

/**
 * The signature pad under a finger (swipes and a tap injected as touches), and what it records
 * handed to the real core, which signs a 现场笔录 with it — or refuses an empty pad.
 */
@OptIn(ExperimentalTestApi::class)
class SignaturePadTest {
    @TempDir
    lateinit var dir: Path

    private var strokes: List<List<StrokePoint>> = emptyList()
    private var reports = 0

    /** Draws a horizontal stroke, a vertical one and a dot; returns the pad's size in pixels. */
    private fun ComposeUiTest.drawOnPad(): Pair<Float, Float> {
        var size = 0f to 0f
        val pad = onNodeWithContentDescription("签名板")
        pad.performTouchInput {
            size = width.toFloat() to height.toFloat()
            swipe(Offset(width * 0.2f, height * 0.3f), Offset(width * 0.8f, height * 0.35f), durationMillis = 300)
        }
        pad.performTouchInput { swipe(Offset(width * 0.5f, height * 0.1f), Offset(width * 0.52f, height * 0.9f), durationMillis = 300) }
        pad.performTouchInput { click(center) }
        return size
    }

    @Test
    fun `strokes are recorded as drawn, timed by the pad's clock, and cleared`() {
        runComposeUiTest {
            var tick = 0L
            val state = SignaturePadState(now = { 1_000L + 16L * tick++ })
            setContent { RedshieldTheme(dark = false) { SignaturePad({ strokes = it; reports++ }, state = state) } }
            onNodeWithContentDescription("签名板").assert(hasStateDescription("空白"))
            onNodeWithText("清除").assertIsNotEnabled()

            val (width, height) = drawOnPad()
            assertEquals(3, reports, "one report as each finger lifts")
            assertEquals(listOf(true, true, false), strokes.map { it.size > 5 }, "two swipes and a dot")
            assertEquals(1, strokes[2].size)
            assertNear(Offset(width * 0.2f, height * 0.3f), strokes[0].first())
            assertNear(Offset(width * 0.8f, height * 0.35f), strokes[0].last())
            assertNear(Offset(width * 0.52f, height * 0.9f), strokes[1].last())
            assertTrue(strokes.flatten().all { it.x in 0.0..width.toDouble() && it.y in 0.0..height.toDouble() })
            val times = strokes.flatten().map { it.tMs }
            assertEquals(1_000L, times.first())
            assertEquals((0 until times.size).map { 1_000L + 16L * it }, times, "one reading of the clock per point, in order")
            assertEquals(state.strokes, strokes)
            onNodeWithContentDescription("签名板").assert(hasStateDescription("已写 3 笔"))

            onNodeWithText("清除").performClick()
            assertEquals(emptyList<List<StrokePoint>>(), strokes)
            assertTrue(state.isEmpty)
            onNodeWithContentDescription("签名板").assert(hasStateDescription("空白"))
        }
    }

    @Test
    fun `the core signs a record with what the pad drew, and refuses an empty pad`() {
        runComposeUiTest {
            setContent { RedshieldTheme(dark = false) { SignaturePad({ strokes = it }) } }
            drawOnPad()
        }
        openStore(dir.resolve("store")).use { core ->
            val record = onSiteRecord(core)
            val sha = core.documentText(record).sha256
            val empty = assertThrows<CoreException.InvalidInput> {
                core.actOnDocument(record, DocumentAct.Sign(PARTY, sha, emptyList()), null)
            }
            assertEquals("strokes", empty.field)
            assertTrue(core.getDocument(record).signatures.isEmpty(), "the refusal recorded nothing")

            val signed = core.actOnDocument(record, DocumentAct.Sign(PARTY, sha, strokes), null)
            val signature = signed.signatures.single()
            assertEquals(PARTY, signature.participant)
            assertTrue(signature.valid)
            assertTrue(PARTY !in signed.unsigned)

            val html = core.renderDocument(record, RenderFormat.HTML, CopyFor.FILE)
            val png = Regex("data:image/png;base64,([A-Za-z0-9+/=]+)").find(html)!!.groupValues[1]
            val image = ImageIO.read(ByteArrayInputStream(Base64.getDecoder().decode(png)))
            val ink = (0 until image.width).sumOf { x -> (0 until image.height).count { y -> image.getRGB(x, y) and 0xFF < 128 } }
            assertTrue(ink in 300..60_000, "the core drew the pad's strokes: $ink dark pixels")
        }
    }

    private fun assertNear(expected: Offset, point: StrokePoint) {
        assertTrue(
            abs(point.x - expected.x) <= 2.0 && abs(point.y - expected.y) <= 2.0,
            "($point) is not at $expected",
        )
    }

    /** A 现场笔录 read back to the party, ready for signatures (as the bindings' own tests make it). */
    private fun onSiteRecord(core: FieldCore): String {
        core.signIn("李明", "HN-12315-0042")
        val report = NewCase(
            kind = CaseKind.REPORT,
            complainants = emptyList(),
            respondent = Business(name = "长沙市某某超市", address = "芙蓉区五一大道 1 号"),
            matter = NewMatter(
                facts = "举报超市销售过期牛奶",
                goods = "牛奶",
                demands = listOf(DemandKind.REFUND),
            ),
        )
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
                ),
            ),
        ).id
        core.actOnDocument(record, DocumentAct.Note(PARTY, EntryKind.STATEMENT, "这批货昨天刚到，不知道过期"), null)
        core.actOnDocument(record, DocumentAct.ReadBack, null)
        return record
    }

    private companion object {
        /** The party's place among the record's participants (after the two officers). */
        const val PARTY = 2u
    }
}
