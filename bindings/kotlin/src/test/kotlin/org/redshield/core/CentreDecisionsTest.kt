package org.redshield.core

import java.nio.file.Path
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/**
 * The centre's decisions and reference data reaching a device, seen from Kotlin: the staff
 * use the real `redshield centre …` commands against a real `redshield serve`; the device is
 * the real core through the generated bindings. The roster decides who signs in; an extension
 * asked for on the device is approved at the centre; 督办 arrives with its note; a case the
 * centre received arrives with its dispatch.
 */
class CentreDecisionsTest {
    @TempDir
    lateinit var dir: Path

    private lateinit var centre: Centre

    @BeforeEach
    fun startCentre() {
        centre = Centre.start()
    }

    @AfterEach
    fun stopCentre() {
        centre.close()
    }

    private fun file(name: String, text: String): String =
        dir.resolve(name).toFile().apply { writeText(text) }.path

    /** A string field of the staff command's JSON answer. */
    private fun field(json: String, name: String): String =
        Regex("\"$name\":\"([^\"]+)\"").find(json)?.groupValues?.get(1) ?: error("no $name in $json")

    @Test
    fun `the centre's roster, answers, notes and dispatches reach the device`() = runBlocking {
        val core = FieldCore.open(dir.resolve("store").toString(), KeystorePlatform())
        core.signIn("李明", "HN-12315-0042")
        core.enrol(centre.url, centre.enrolmentCode(), null)
        core.sync(null, null)

        val roster = """[{"name": "李明", "enforcement_id": "HN-12315-0042"},
            {"name": "周敏", "enforcement_id": "HN-12315-0007", "supervisor": true}]"""
        centre.staff("roster", file("roster.json", roster))
        val report = core.openCase(
            NewCase(
                kind = CaseKind.REPORT,
                complainants = emptyList(),
                respondent = Business(name = "某某药店"),
                matter = NewMatter(facts = "无证销售处方药", demands = emptyList()),
            ),
        )
        val asked = core.requestClockExtension(report.id, ClockKind.REPORT_DECISION, "样品送检")
        assertNull(asked.single().approved)
        core.sync(null, null)
        assertEquals(listOf("HN-12315-0007", "HN-12315-0042"), core.officerRoster().map { it.enforcementId })
        assertThrows<CoreException.InvalidInput> { core.signIn("王五", "HN-12315-9999") }

        centre.staff("extension", report.id, "--clock", "report_decision", "--approve")
        centre.staff("supervise", report.id, "--due", "2026-12-05", "--note", "请尽快核查")
        val intake = """{"kind": "complaint", "channel": "hotline",
            "complainants": [{"name": "赵敏", "phone": "13907310000", "address": "长沙市天心区书院路 9 号"}],
            "respondent": {"name": "某某电器商行", "address": "长沙市雨花区劳动路 8 号"},
            "matter": {"facts": "电饭煲不能加热", "demands": ["replace"]}}"""
        val sent = centre.staff(
            "dispatch", "--device", core.deviceId(), "--vehicle", "湘A·12315",
            "--intake", file("intake.json", intake),
        )
        val applied = core.sync(null, null).serverEventsApplied
        assertEquals(3uL, applied)

        assertEquals(true, core.clockExtensionRequests(report.id).single().approved)
        assertEquals("请尽快核查", core.caseSupervisions(report.id).single().note)
        val received = core.getCase(field(sent, "case_id"))
        assertEquals(Channel.HOTLINE, received.channel)
        assertEquals("赵敏", received.complainants.single().name)
        val dispatch = core.caseDispatches(received.id).single()
        assertEquals("湘A·12315", dispatch.vehicle)
        assertTrue(core.ruleParameters().onSceneUrbanMinutes == 30u)
    }

    @Test
    fun `a reassigned case reaches the new vehicle whole`() = runBlocking {
        val first = FieldCore.open(dir.resolve("first").toString(), KeystorePlatform())
        val second = FieldCore.open(dir.resolve("second").toString(), KeystorePlatform())
        first.signIn("李明", "HN-12315-0042")
        second.signIn("张伟", "HN-12315-0043")
        for (core in listOf(first, second)) core.enrol(centre.url, centre.enrolmentCode(), null)
        val case = first.openCase(
            NewCase(
                kind = CaseKind.COMPLAINT,
                complainants = listOf(Person(name = "王芳", phone = "13807312233", address = "长沙市天心区书院路 9 号")),
                respondent = Business(name = "长沙市某某超市", address = "芙蓉区五一大道 1 号"),
                matter = NewMatter(facts = "购买的酸奶已过保质期", demands = listOf(DemandKind.REFUND)),
            ),
        )
        first.takeStep(case.id, Step.Accept, null, null)
        first.sync(null, null)

        centre.staff("assign", case.id, "--device", second.deviceId())
        second.sync(null, null)
        // The new vehicle reads the case as the first did, personal data and history included,
        // and carries on; the first takes no more work on it.
        assertEquals(first.getCase(case.id), second.getCase(case.id))
        assertEquals("王芳", second.getCase(case.id).complainants.single().name)
        second.takeStep(case.id, Step.StartMediation, null, null)
        assertEquals(0u, second.sync(null, null).conflictsFlagged)
        first.sync(null, null)
        val e = assertThrows<CoreException.CaseHandedOver> {
            first.takeStep(case.id, Step.StartMediation, null, null)
        }
        assertEquals(second.deviceId(), e.owner)
        Unit
    }
}
