package org.redshield.core

import java.io.File
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** The generated bindings, loaded through JNA against the real libredshield_ffi. */
class FieldCoreTest {
    @TempDir
    lateinit var dir: Path

    private val store get() = dir.resolve("store").toString()

    private fun complaint(name: String) = NewCase(
        kind = CaseKind.COMPLAINT,
        complainantName = name,
        complainantPhone = "+86 138-0731-2233",
        respondentName = "长沙市某某超市",
        respondentAddress = "芙蓉区五一大道 1 号",
        facts = "购买的酸奶已过保质期",
        demands = "退一赔十",
        place = GeoPosition(latitude = 28.1942, longitude = 112.9823, accuracyM = 6.5),
    )

    @Test
    fun `a case survives closing and reopening the store`() {
        val platform = KeystorePlatform()
        val opened = FieldCore.open(store, platform).use { core ->
            val officer = core.signIn("李明", "hn-12315-0042")
            assertEquals("HN-12315-0042", officer.enforcementId)
            val case = core.openCase(complaint("王芳"))
            assertEquals(CaseKind.COMPLAINT, case.kind)
            assertEquals(CaseState.RECEIVED, case.state)
            assertEquals(Channel.VEHICLE_WALK_IN, case.channel)
            assertEquals("13807312233", case.complainantPhone)
            assertTrue(case.number.startsWith(core.devicePrefix() + "-"), case.number)
            assertEquals(28.1942, case.place!!.latitude, 1e-7)
            assertEquals(listOf(case), core.listCases(CaseQuery()).cases)
            case
        }
        FieldCore.open(store, platform).use { core ->
            assertEquals("李明", core.currentOfficer()?.name)
            assertEquals(opened, core.getCase(opened.number))
            assertEquals(opened, core.getCase(opened.id))
            assertEquals(listOf(opened), core.listCases(CaseQuery(kind = CaseKind.COMPLAINT)).cases)
            assertTrue(core.listCases(CaseQuery(kind = CaseKind.REPORT)).cases.isEmpty())
        }
        assertTrue(platform.lines.any { it.contains("created the device identity") }, platform.lines.toString())
    }

    @Test
    fun `the same device comes back only with its own keystore key`() {
        val key = KeystorePlatform.newKey()
        val id = FieldCore.open(store, KeystorePlatform(key)).use { it.deviceId() }
        assertEquals(id, FieldCore.open(store, KeystorePlatform(key)).use { it.deviceId() })
        val e = assertThrows<CoreException.Platform> { FieldCore.open(store, KeystorePlatform()).close() }
        assertTrue(e.message.contains("keystore"), e.message)
    }

    @Test
    fun `invalid input raises InvalidInput naming the field and records nothing`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signIn("李明", "HN-12315-0042")
            val bad = listOf(
                complaint("王芳").copy(complainantPhone = "1380731223") to "complainant_phone",
                complaint("").copy() to "complainant_name",
                complaint("名".repeat(65)) to "complainant_name",
                complaint("王芳").copy(respondentAddress = null) to "respondent_address",
                complaint("王芳").copy(place = GeoPosition(91.0, 112.0, null)) to "place",
            )
            for ((case, field) in bad) {
                val e = assertThrows<CoreException.InvalidInput> { core.openCase(case) }
                assertEquals(field, e.field)
            }
            assertTrue(core.listCases(CaseQuery()).cases.isEmpty())
            assertEquals(1UL, core.verifyChain().events, "only the sign-in was recorded")
        }
    }

    @Test
    fun `nothing is recorded before an officer signs in`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            assertNull(core.currentOfficer())
            assertThrows<CoreException.NotSignedIn> { core.openCase(complaint("王芳")) }
            assertThrows<CoreException.InvalidInput> { core.signIn("李明", "12") }
        }
    }

    @Test
    fun `unknown cases are NotFound and bad paging is InvalidInput`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            assertThrows<CoreException.NotFound> { core.getCase("XXXXXX-20260101-001") }
            val e = assertThrows<CoreException.InvalidInput> { core.listCases(CaseQuery(limit = 0u)) }
            assertEquals("limit", e.field)
        }
    }

    @Test
    fun `a file that is not a store is refused and kept`() {
        val dirFile = File(store).apply { mkdirs() }
        val garbage = "这不是数据库".toByteArray()
        val file = File(dirFile, "redshield.sqlite").apply { writeBytes(garbage) }
        assertThrows<CoreException.NotAStore> { FieldCore.open(store, KeystorePlatform()).close() }
        assertArrayEquals(garbage, file.readBytes())
    }

    @Test
    fun `verify, purge and rebuild through the bindings`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signIn("李明", "HN-12315-0042")
            val a = core.openCase(complaint("王芳"))
            core.openCase(complaint("张伟"))
            val intact = core.verifyChain()
            assertTrue(intact.intact)
            assertEquals(3UL, intact.events)
            assertNull(intact.firstBrokenSeq)

            assertEquals(6UL, core.purgePersonalData(a.id))
            val purged = core.getCase(a.id)
            assertTrue(purged.personalDataPurged)
            assertNull(purged.complainantName)
            assertNotNull(core.listCases(CaseQuery()).cases.first().complainantName)

            val after = core.verifyChain()
            assertTrue(after.intact, after.problem)
            assertEquals(6UL, after.purgedValues)
            assertEquals(4UL, core.rebuildProjections())
            assertEquals(purged, core.getCase(a.id))
            assertFalse(core.listCases(CaseQuery(limit = 1u)).next.isNullOrEmpty())
        }
    }
}
