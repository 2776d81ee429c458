package org.redshield.core

import java.awt.Color
import java.awt.image.BufferedImage
import java.io.File
import javax.imageio.ImageIO
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

    private fun person(name: String) = Person(
        name = name,
        phone = "+86 138-0731-2233",
        address = "长沙市天心区书院路 9 号",
    )

    private val shop = Business(name = "长沙市某某超市", address = "芙蓉区五一大道 1 号")

    private fun complaint(name: String) = NewCase(
        kind = CaseKind.COMPLAINT,
        complainants = listOf(person(name)),
        respondent = shop,
        matter = NewMatter(
            facts = "购买的酸奶已过保质期",
            goods = "酸奶",
            amountPaidFen = 1280L,
            demands = listOf(DemandKind.REFUND, DemandKind.COMPENSATION),
            demandsText = "退一赔十",
            place = GeoPosition(latitude = 28.1942, longitude = 112.9823, accuracyM = 6.5),
        ),
    )

    private fun FieldCore.signedIn() = apply { signIn("李明", "HN-12315-0042") }

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
            assertEquals("13807312233", case.complainants.single().phone)
            assertEquals(RuleSet.SAMR_ORDER121, case.ruleSet)
            assertEquals(1280L, case.matter.amountPaidFen)
            assertTrue(case.number.startsWith(core.devicePrefix() + "-"), case.number)
            assertEquals(28.1942, case.matter.place!!.latitude, 1e-7)
            assertEquals(listOf(case.id), core.listCases(CaseQuery()).cases.map { it.id })
            case
        }
        FieldCore.open(store, platform).use { core ->
            assertEquals("李明", core.currentOfficer()?.name)
            assertEquals(opened, core.getCase(opened.number))
            assertEquals(opened, core.getCase(opened.id))
            val complaints = core.listCases(CaseQuery(kind = CaseKind.COMPLAINT)).cases
            assertEquals(listOf("王芳"), complaints.map { it.complainantName })
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
            val ok = complaint("王芳")
            val bad = listOf(
                ok.copy(complainants = listOf(person("王芳").copy(phone = "1380731223"))) to "complainants[0].phone",
                complaint("") to "complainants[0].name",
                complaint("名".repeat(65)) to "complainants[0].name",
                ok.copy(respondent = shop.copy(address = null)) to "respondent.address",
                ok.copy(matter = ok.matter.copy(place = GeoPosition(91.0, 112.0, null))) to "matter.place",
                ok.copy(matter = ok.matter.copy(demands = emptyList())) to "matter.demands",
                ok.copy(respondent = shop.copy(creditCode = "91440300715267260G")) to "respondent.credit_code",
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
    fun `a damaged projection row names its table and a rebuild mends it`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signIn("李明", "HN-12315-0042")
            val case = core.openCase(complaint("王芳"))
            java.sql.DriverManager.getConnection("jdbc:sqlite:$store/redshield.sqlite").use { db ->
                db.createStatement().use { it.executeUpdate("UPDATE cases SET kind = 'nonsense'") }
            }
            val e = assertThrows<CoreException.DamagedProjection> { core.getCase(case.id) }
            assertEquals("cases", e.table)
            assertEquals(2UL, core.rebuildProjections())
            assertEquals(CaseKind.COMPLAINT, core.getCase(case.id).kind)
        }
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

            assertEquals(7UL, core.purgePersonalData(a.id))
            val purged = core.getCase(a.id)
            assertTrue(purged.personalDataPurged)
            assertTrue(purged.complainants.isEmpty())
            assertNull(purged.matter.facts)
            assertEquals("酸奶", purged.matter.goods)
            assertNotNull(core.listCases(CaseQuery()).cases.first().complainantName)

            val after = core.verifyChain()
            assertTrue(after.intact, after.problem)
            assertEquals(7UL, after.purgedValues)
            assertEquals(4UL, core.rebuildProjections())
            assertEquals(purged, core.getCase(a.id))
            assertFalse(core.listCases(CaseQuery(limit = 1u)).next.isNullOrEmpty())
        }
    }

    @Test
    fun `a complaint is accepted, then forwarded, and the history says who and where`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            val id = core.signedIn().openCase(complaint("王芳")).id
            assertEquals(listOf("accept", "decline", "forward", "refer"), core.stepsAllowed(id))
            val here = GeoPosition(28.19, 112.98, 8.0)
            val accepted = core.takeStep(id, Step.Accept, "材料齐全", here)
            assertEquals(CaseState.ACCEPTED, accepted.state)
            val forwarded = core.takeStep(id, Step.Forward("岳麓区市场监督管理局"), "经营者住所地在岳麓区", null)
            assertEquals(CaseState.FORWARDED, forwarded.state)
            assertEquals(listOf(CaseState.ACCEPTED, CaseState.FORWARDED), forwarded.history.map { it.stateAfter })
            assertEquals("HN-12315-0042", forwarded.history.first().by.enforcementId)
            assertEquals(28.19, forwarded.history.first().place!!.latitude, 1e-7)
            assertEquals("材料齐全", forwarded.history.first().note)
            assertTrue(core.stepsAllowed(id).isEmpty())
        }
    }

    @Test
    fun `a complaint is declined with an Art 16 reason, and a wrong step names the state`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            val id = core.signedIn().openCase(complaint("王芳")).id
            val missingNote = assertThrows<CoreException.InvalidInput> {
                core.takeStep(id, Step.Decline(DeclineReason.OTHER_LEGAL_GROUND), null, null)
            }
            assertEquals("note", missingNote.field)
            val declined = core.takeStep(id, Step.Decline(DeclineReason.TIME_BARRED), null, null)
            assertEquals(CaseState.DECLINED, declined.state)
            assertEquals(Step.Decline(DeclineReason.TIME_BARRED), declined.history.single().step)
            val wrong = assertThrows<CoreException.WrongState> { core.takeStep(id, Step.Accept, null, null) }
            assertEquals("declined", wrong.state)
            assertEquals("accept", wrong.step)
            assertEquals(3UL, core.verifyChain().events, "the refused step recorded nothing")
        }
    }

    @Test
    fun `a report is verified and a case is filed (立案)`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            val report = complaint("王芳").copy(kind = CaseKind.REPORT, complainants = emptyList())
            val id = core.signedIn().openCase(report).id
            assertEquals(CaseState.VERIFYING, core.takeStep(id, Step.StartVerification, null, null).state)
            assertEquals(CaseState.FILED, core.takeStep(id, Step.DecideReport(true), "证据确凿", null).state)
            assertThrows<CoreException.WrongState> {
                core.takeStep(id, Step.Close(Outcome.NO_CASE_FILED), null, null)
            }
            assertEquals(CaseState.CLOSED, core.takeStep(id, Step.Close(Outcome.CASE_FILED), null, null).state)
        }
    }

    @Test
    fun `a complaint that also reports opens two linked cases`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            val case = core.signedIn().openCase(complaint("王芳").copy(alsoReport = "长期销售过期食品"))
            val report = core.getCase(case.linkedCase!!)
            assertEquals(CaseKind.REPORT, report.kind)
            assertEquals(case.id, report.linkedCase)
            assertTrue(core.departments().any { it.code == "tobacco" })
        }
    }

    @Test
    fun `codes are checked as the form is filled in`() {
        val ok = checkCode(CodeKind.CREDIT_CODE, "9144030071526726xg")
        assertTrue(ok.valid)
        assertEquals("9144030071526726XG", ok.normalized)
        val bad = checkCode(CodeKind.RESIDENT_ID, "110105194912310021")
        assertFalse(bad.valid)
        assertEquals("check character should be X, not 1", bad.error)
        // What the officer reads under the field.
        assertEquals("校验位应为 X，不是 1：请核对号码", bad.errorZh)
        assertEquals("13807312233", checkCode(CodeKind.MOBILE_PHONE, "+86 １３８ 0731 2233").normalized)
        // Art. 10: 电话号码 — a landline with its area code is a phone number, not a mobile.
        assertEquals("0731-84561234", checkCode(CodeKind.PHONE, "0731 8456 1234").normalized)
        assertFalse(checkCode(CodeKind.MOBILE_PHONE, "0731 8456 1234").valid)
    }

    @Test
    fun `flags say why, and the merchant never sees the report`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            val a = core.signedIn().openCase(complaint("王芳").copy(alsoReport = "长期销售过期食品"))
            val b = core.openCase(complaint("张伟"))
            val flags = core.abuseFlags(b.id)
            // Two names, the same fact text, phone and address: Art. 17(2) and (4).
            assertEquals(
                setOf(FlagKind.IDENTICAL_FACTS, FlagKind.SHARED_PHONE, FlagKind.SHARED_ADDRESS),
                flags.map { it.kind }.toSet(),
            )
            assertEquals(listOf(a.number), flags.first().relatedCases)
            assertTrue(flags.all { it.statutory && it.reason.contains("第十七条") })
            // The grounds b may be declined on (Art. 16), in the article's order.
            val grounds = core.declineGrounds(b.id)
            assertEquals(7, grounds.size)
            assertEquals(DeclineReason.OUTSIDE_REMIT, grounds.first().reason)

            val view = core.merchantView(a.id)
            assertEquals("王芳", view.complainants.single().name)
            assertFalse(view.toString().contains("长期销售过期食品"))
            assertThrows<CoreException.NotFound> { core.merchantView(a.linkedCase!!) }

            val found = core.listCases(CaseQuery(text = "酸奶", phone = "13807312233")).cases
            assertEquals(setOf(a.id, a.linkedCase, b.id), found.map { it.id }.toSet())
        }
    }

    @Test
    fun `a trip takes its fixes in batches and measures the track`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signedIn()
            val trip = core.startTrip(
                NewTrip(vehicle = "湘A·12315", crew = listOf("李明", "张强"), purpose = Purpose.PATROL, odometerKm = 12345.6),
            )
            val t0 = 1_795_000_000_000L
            // 3 000 fixes, about 11 m east each second, sent 1 000 at a time as the app would.
            for (batch in 0 until 3) {
                val fixes = (0 until 1000).map { i ->
                    val s = batch * 1000 + i
                    Fix(latitude = 28.2, longitude = 112.9 + 0.0001 * s, accuracyM = 5.0, timeMs = t0 + s * 1000L)
                }
                assertEquals(((batch + 1) * 1000).toULong(), core.recordFixes(trip.id, fixes).fixesTotal)
            }
            val parked = Fix(latitude = 0.0, longitude = 0.0, timeMs = t0 + 3_000_000L)
            core.recordFixes(trip.id, listOf(parked))
            val ended = core.endTrip(trip.id, 12378.5)
            assertEquals(3001UL, ended.track.fixesTotal)
            assertEquals(DropReason.INVALID_COORDINATES, ended.track.dropped.single().reason)
            assertEquals(29_420.0, ended.track.distanceM, 100.0)
            assertEquals(32.9, ended.odometerDistanceKm!!, 1e-9)
            assertTrue(ended.odometerMismatch)
            val e = assertThrows<CoreException.InvalidInput> { core.endTrip(trip.id, null) }
            assertEquals("trip_id", e.field)
        }
    }

    @Test
    fun `a trip goes out as GPX, comes back in, and is drawn on a Chinese map`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signedIn()
            val trip = core.startTrip(NewTrip(vehicle = "湘A·12315", crewCount = 2u, purpose = Purpose.PATROL))
            val t0 = 1_795_000_000_000L
            val fixes = (0 until 600).map { s ->
                Fix(latitude = 28.2, longitude = 112.9 + 0.0001 * s, accuracyM = 5.0, timeMs = t0 + s * 1000L)
            }
            core.recordFixes(trip.id, fixes)
            val measured = core.endTrip(trip.id, null).track.distanceM

            val gpx = dir.resolve("trip.gpx").toString()
            core.exportTrip(trip.id, TrackFormat.GPX, gpx)
            assertTrue(File(gpx).readText().contains("<trkpt"))
            val again = core.importGpx(gpx, NewTrip(vehicle = "湘A·12316", crewCount = 1u, purpose = Purpose.OTHER))
            assertEquals(measured, again.track.distanceM, measured * 1e-6)
            assertEquals(t0 + 599_000L, again.endedAtMs)

            // A straight line simplifies to its two ends; Amap draws it a few hundred metres off.
            val route = core.tripRoute(trip.id, MapDatum.GCJ02)
            assertEquals(2, route.size)
            assertTrue(route[0].longitude > 112.9 + 0.003, "${route[0]}")
            val picked = fromGcj02(route[0])
            assertEquals(28.2, picked.latitude, 1e-7)
            assertEquals(112.9, picked.longitude, 1e-7)
            val london = GeoPosition(latitude = 51.5, longitude = -0.12, accuracyM = null)
            assertEquals(london, toGcj02(london))

            val missing = assertThrows<CoreException.FileUnavailable> {
                core.importGpx(dir.resolve("none.gpx").toString(), NewTrip(vehicle = "湘A·1", crewCount = 1u, purpose = Purpose.OTHER))
            }
            assertTrue(missing.path.endsWith("none.gpx"))
        }
    }

    /** A real JPEG from the JDK's own encoder: red left half, blue right half. */
    private fun photo(width: Int, height: Int): File {
        val image = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
        val g = image.createGraphics()
        g.color = Color.RED
        g.fillRect(0, 0, width / 2, height)
        g.color = Color.BLUE
        g.fillRect(width / 2, 0, width - width / 2, height)
        g.dispose()
        val file = dir.resolve("photo-${width}x$height.jpg").toFile()
        assertTrue(ImageIO.write(image, "jpg", file))
        return file
    }

    @Test
    fun `a photo becomes evidence with copies, verifies, and is shared redacted`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signedIn()
            val case = core.openCase(complaint("王芳"))
            val file = photo(3000, 2000)
            val evidence = core.addEvidence(
                NewEvidence(
                    caseId = case.number, path = file.path, kind = EvidenceKind.GOODS, caption = true,
                    place = GeoPosition(latitude = 28.1942, longitude = 112.9823, accuracyM = 6.0),
                ),
            )
            // The original is kept byte for byte under its hash.
            assertArrayEquals(file.readBytes(), File(core.blobPath(evidence.sha256)).readBytes())
            assertEquals(3000u, evidence.width)
            val display = evidence.display!!
            assertEquals(2048u to 1366u, display.width to display.height)
            assertEquals(case.number, display.caption.first())
            assertEquals(320u, evidence.thumbnail!!.width)
            assertEquals(ExifStatus.ABSENT, evidence.exif!!.status)
            assertEquals(FixSource.APP, evidence.deviceFix!!.source)

            val report = core.verifyEvidence(evidence.id)
            assertTrue(report.intact, report.toString())
            assertTrue(report.checks.any { it.code == "original.hash.match" })
            // Never confirmed by a centre: storage care prunes nothing, the original stays.
            val pruned = core.pruneOriginals()
            assertTrue(pruned.pruned.isEmpty())
            assertEquals(0uL, pruned.bytesFreed)
            assertNull(core.getEvidence(evidence.id).originalArchivedAtMs)
            assertTrue(File(core.blobPath(evidence.sha256)).exists())

            val shared = dir.resolve("shared.jpg").toString()
            val manifest = core.exportRedactedEvidence(evidence.id, shared)
            assertTrue(manifest.removed.any { it.contains("caption") })
            assertTrue(File(manifest.manifestPath).exists())
            assertNotNull(ImageIO.read(File(shared)))

            // A HEIC is kept as the original, its copies made from the JPEG the app renders it
            // to; this one is only the start of a file, so it is flagged as unreadable.
            val heic = dir.resolve("photo.heic").toFile()
            heic.writeBytes(byteArrayOf(0, 0, 0, 0x18) + "ftypheic".toByteArray() + ByteArray(16))
            val rendition = photo(400, 300)
            val kept = core.addEvidence(
                NewEvidence(caseId = case.id, path = heic.path, kind = EvidenceKind.SCENE, rendition = rendition.path),
            )
            assertEquals(MediaType.HEIC, kept.mediaType)
            assertEquals(ContentStatus.UNREADABLE, kept.content)
            assertNotNull(kept.contentProblem)
            assertArrayEquals(rendition.readBytes(), File(core.blobPath(kept.rendition!!.sha256)).readBytes())
            assertEquals(400u, kept.display!!.width)
            assertNull(kept.noDisplayCopy)
            assertTrue(core.verifyEvidence(kept.id).checks.any { it.code == "rendition.hash.match" })

            val gif = dir.resolve("photo.gif").toFile()
            gif.writeBytes("GIF89a".toByteArray() + ByteArray(8))
            val refused = assertThrows<CoreException.InvalidInput> {
                core.addEvidence(NewEvidence(caseId = case.id, path = gif.path, kind = EvidenceKind.SCENE))
            }
            assertTrue(refused.reason.contains("JPEG"), refused.reason)
            assertEquals(2, core.caseEvidence(case.id).size)
        }
    }

    @Test
    fun `the calendar answers, and a year without data is an error until it is loaded`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            assertTrue(core.isWorkingDay("2026-10-10"))
            assertFalse(core.isWorkingDay("2026-10-02"))
            val next = core.addWorkingDays("2026-09-30", 1u)
            assertEquals("2026-10-08", next.date)
            assertFalse(next.provisional)
            val due = core.clockDueDate(RuleSet.SAMR_ORDER121, ClockKind.ACCEPT, "2026-02-12", false)
            assertEquals("2026-02-28", due.date)
            assertFalse(due.provisional)

            val missing = assertThrows<CoreException.NoCalendarData> { core.isWorkingDay("2027-01-04") }
            assertEquals(2027, missing.year)
            assertTrue(core.clockDueDate(RuleSet.SAMR_ORDER121, ClockKind.ACCEPT, "2027-01-04", false).provisional)
            // Past the data a count of working days is provisional too (1 January skipped).
            val past = core.addWorkingDays("2026-12-24", 7u)
            assertEquals("2027-01-05", past.date)
            assertTrue(past.provisional)

            val holidays = listOf("01-01", "01-02", "01-03", "05-01", "10-01").map { "2027-$it" } +
                (6..12).map { "2027-02-%02d".format(it) }
            // Loading a year is an officer's act, recorded in the log.
            assertThrows<CoreException.NotSignedIn> {
                core.loadCalendarYear(YearData(2027, holidays, listOf("2027-01-09"), "test data, not a notice"))
            }
            core.signIn("李明", "HN-12315-0042")
            core.loadCalendarYear(YearData(2027, holidays, listOf("2027-01-09"), "test data, not a notice"))
            assertTrue(core.isWorkingDay("2027-01-09"))
            assertEquals("2027-01-12", core.clockDueDate(RuleSet.SAMR_ORDER121, ClockKind.ACCEPT, "2027-01-04", false).date)
            assertThrows<CoreException.InvalidInput> {
                core.loadCalendarYear(YearData(2027, holidays, listOf("2027-01-05"), "a weekday worked?"))
            }
        }
    }

    @Test
    fun `the due list shows an overdue complaint until it is accepted`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signedIn()
            val monthAgo = System.currentTimeMillis() - 30L * 86_400_000L
            val late = core.openCase(complaint("王芳").copy(receivedAtMs = monthAgo))
            val fresh = core.openCase(complaint("张伟"))

            val today = core.dueClocks(24u)
            assertEquals(listOf(late.id), today.map { it.caseId })
            assertEquals(ClockKind.ACCEPT, today.single().kind)
            assertEquals(ClockState.BREACHED, today.single().state)
            assertEquals(100.toUByte(), today.single().warningPercent)
            assertEquals(ClockState.RUNNING, core.caseClocks(fresh.number).single().state)

            core.takeStep(late.id, Step.Accept, null, null)
            assertTrue(core.dueClocks(24u).isEmpty())
            val clocks = core.caseClocks(late.id)
            assertEquals(listOf(ClockKind.ACCEPT, ClockKind.MEDIATION), clocks.map { it.kind })
            assertEquals(ClockState.RUNNING, clocks[1].state)
        }
    }

    @Test
    fun `a report's clock is paused for testing, resumed, and extended by a supervisor`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signedIn()
            val report = core.openCase(complaint("王芳").copy(kind = CaseKind.REPORT, complainants = emptyList()))
            val paused = core.pauseClock(report.id, ClockKind.REPORT_DECISION, PauseReason.TESTING)
            assertEquals(ClockState.PAUSED, paused.single().state)
            assertThrows<CoreException.InvalidInput> {
                core.pauseClock(report.id, ClockKind.REPORT_DECISION, PauseReason.APPRAISAL)
            }
            val resumed = core.resumeClock(report.id, ClockKind.REPORT_DECISION)
            assertEquals(ClockState.RUNNING, resumed.single().state)

            val refused = assertThrows<CoreException.InvalidInput> {
                core.approveClockExtension(report.id, ClockKind.REPORT_DECISION)
            }
            assertEquals("role", refused.field)
            core.signInAs("陈主任", "HN-12315-0001", Role.SUPERVISOR)
            val extended = core.approveClockExtension(report.id, ClockKind.REPORT_DECISION).single()
            assertTrue(extended.dueAtMs - resumed.single().dueAtMs >= 15L * 86_400_000L)
        }
    }

    @Test
    fun `a dispatch inside the urban area is proved on scene by the trip's fixes`() {
        FieldCore.open(store, KeystorePlatform()).use { core ->
            core.signedIn()
            val areas = dir.resolve("urban.geojson").toFile()
            areas.writeText(
                """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"长沙市区"},""" +
                    """"geometry":{"type":"Polygon","coordinates":[[[112.9,28.1],[113.1,28.1],[113.1,28.3],[112.9,28.3],[112.9,28.1]]]}}]}""",
            )
            assertEquals(1u, core.loadUrbanAreas(areas.path))
            val case = core.openCase(complaint("王芳"))
            val site = GeoPosition(latitude = 28.196, longitude = 112.977, accuracyM = null)
            val dispatch = core.dispatch(NewDispatch(caseId = case.id, vehicle = "湘A·12315", site = site))
            assertEquals(AreaType.URBAN, dispatch.area)
            assertEquals(30u, dispatch.targetMinutes)
            core.advanceDispatch(dispatch.id, DispatchStep.EN_ROUTE)

            val trip = core.startTrip(NewTrip(vehicle = "湘A·12315", crewCount = 2u, purpose = Purpose.DISPATCH, caseId = case.id))
            val t = System.currentTimeMillis()
            core.recordFixes(trip.id, listOf(Fix(latitude = 28.1965, longitude = 112.977, accuracyM = 6.0, timeMs = t + 1000)))
            val arrived = core.caseDispatches(case.id).single()
            assertTrue(arrived.arrivalDetected)
            assertEquals(t + 1000, arrived.onSceneAtMs)
            assertEquals(ClockState.MET, arrived.onSceneState)
        }
    }

    @Test
    fun `a server sample corrects a phone whose clock is set wrong`() {
        val platform = KeystorePlatform()
        FieldCore.open(store, platform).use { core ->
            core.signedIn()
            assertEquals(TimeSource.WALL, core.trustedTime().source)
            platform.wallShiftMs = -3_600_000L
            val received = platform.monotonicMs()
            val trusted = core.recordServerTime(received - 40u, received, System.currentTimeMillis() - 20)
            assertEquals(TimeSource.SERVER, trusted.source)
            assertTrue(trusted.uncertaintyMs!! in 20uL..21uL)
            assertEquals(3_600_000.0, trusted.offsetMs.toDouble(), 2_000.0)
            val case = core.openCase(complaint("王芳"))
            assertEquals(System.currentTimeMillis().toDouble(), case.openedAtMs.toDouble(), 2_000.0)
        }
    }
}
