package org.redshield.ui.screens

import java.awt.image.BufferedImage
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import java.nio.file.Path
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.redshield.core.CaseQuery
import org.redshield.core.CaseState
import org.redshield.core.DispatchStep
import org.redshield.core.FieldCore
import org.redshield.core.Fix
import org.redshield.core.NewDispatch
import org.redshield.core.NewTrip
import org.redshield.core.Purpose
import org.redshield.core.Step
import org.redshield.ui.Variant
import org.redshield.ui.assertNotBlank
import org.redshield.ui.snapshot

/**
 * Every screen rendered from a real store with a working day in it, into target/screens (light,
 * dark, large text), to be looked at; each image must at least not be blank.
 */
class ScreenSnapshotsTest {
    @TempDir
    lateinit var dir: Path

    private fun Map<Variant, BufferedImage>.assertDrawn(name: String) =
        forEach { (variant, image) -> assertNotBlank(image, "$name, $variant") }

    /** A trip of [minutes] northward from the supermarket, a fix every 5 s, started that long ago. */
    private fun FieldCore.drive(minutes: Int, purpose: Purpose = Purpose.PATROL, caseId: String? = null, end: Boolean): String {
        val startedAt = System.currentTimeMillis() - minutes * 60_000L
        val trip = startTrip(
            NewTrip(
                vehicle = Demo.VEHICLE,
                crew = listOf(Demo.OFFICER, "张强"),
                purpose = purpose,
                caseId = caseId,
                odometerKm = 12345.6,
                startedAtMs = startedAt,
            ),
        )
        val fixes = (0 until minutes * 12).map { i ->
            Fix(latitude = 28.1942 + 0.00012 * i, longitude = 112.9823, accuracyM = 5.0, timeMs = startedAt + i * 5_000L)
        }
        recordFixes(trip.id, fixes)
        if (end) endTrip(trip.id, 12345.6 + minutes * 0.6)
        return trip.id
    }

    @Test
    fun `every screen, with a working day in the store`() {
        Demo.signedIn(dir.resolve("store")).use { core ->
            val (first, second, _) = Demo.cases(core)
            core.takeStep(first.id, Step.Accept, null, null)
            // Received days ago: their clocks to decide on acceptance are near their end, or past it.
            core.openCase(Demo.complaint("陈静", shop = "某某眼镜店", goods = "近视眼镜", facts = "镜片度数与验光单不符", daysAgo = 8))
            core.openCase(Demo.complaint("赵磊", shop = "某某教育培训中心", goods = "课程", facts = "退课不退费", daysAgo = 12))
            core.drive(40, end = true)

            snapshot("screen-trip-start") { TripScreen(core.tripScreen(), {}, {}) }.assertDrawn("trip start")

            val late = core.dispatch(NewDispatch(caseId = second.id, vehicle = Demo.VEHICLE, site = Demo.SITE, siteText = "长沙市芙蓉区五一大道 1 号某某电器城"))
            core.advanceDispatch(late.id, DispatchStep.ACKNOWLEDGED)
            core.dispatch(NewDispatch(caseId = first.id, vehicle = Demo.VEHICLE, site = null, siteText = "长沙市某某超市"))
            core.drive(25, purpose = Purpose.DISPATCH, caseId = second.id, end = false)

            snapshot("screen-today") { TodayScreen(core.todayScreen(), {}, {}) }.assertDrawn("today")
            // The clocks at the top, as on a day without dispatches: their rows at large text.
            snapshot("screen-today-clocks") { TodayScreen(core.todayScreen().copy(dispatches = emptyList()), {}, {}) }.assertDrawn("today, clocks")
            snapshot("screen-cases") { CaseListScreen(core.caseListScreen(CaseQuery()), {}, {}) }.assertDrawn("cases")
            snapshot("screen-cases-filtered") {
                CaseListScreen(core.caseListScreen(CaseQuery(state = CaseState.MEDIATING)), {}, {}, query = CaseQuery(state = CaseState.MEDIATING))
            }.assertDrawn("cases, none")
            snapshot("screen-dispatch") { DispatchScreen(core.dispatchScreen(late.id), {}, navigate = {}) }.assertDrawn("dispatch")
            snapshot("screen-trip") { TripScreen(core.tripScreen(), {}, {}) }.assertDrawn("trip")
            snapshot("screen-settings") { SettingsScreen(core.settingsScreen()) }.assertDrawn("settings")

            // The whole app, its bottom bar under Today, drawn from the holders once they have read.
            val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
            try {
                AppScreens(core, scope).use { screens ->
                    runBlocking { screens.today.state.first { it is ScreenState.Shown } }
                    snapshot("screen-app") { OfficerApp(screens) }.assertDrawn("app")
                }
            } finally {
                scope.cancel()
            }
        }
    }

    @Test
    fun `Today on a new store, with nothing in it`() {
        Demo.signedIn(dir.resolve("empty")).use { core ->
            snapshot("screen-today-empty") { TodayScreen(core.todayScreen(), {}, {}) }.assertDrawn("today, empty")
        }
    }
}
