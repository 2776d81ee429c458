package org.redshield.ui.screens

import androidx.compose.runtime.Composable
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runComposeUiTest
import java.nio.file.Path
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.redshield.core.CaseState
import org.redshield.core.FieldCore
import org.redshield.core.NewDispatch
import org.redshield.core.Step
import org.redshield.ui.RedshieldTheme

/**
 * The screens on a real store through the real core: what the officer sees after each act, and
 * that an act on a screen reaches the core and comes back through the change signal.
 */
@OptIn(ExperimentalTestApi::class)
class ScreensTest {
    @TempDir
    lateinit var dir: Path

    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    @AfterEach
    fun stop() = scope.cancel()

    private fun withScreens(block: (FieldCore, AppScreens) -> Unit) {
        Demo.signedIn(dir.resolve("store")).use { core ->
            AppScreens(core, scope).use { screens -> block(core, screens) }
        }
    }

    private fun androidx.compose.ui.test.ComposeUiTest.show(content: @Composable () -> Unit) =
        setContent { RedshieldTheme(dark = false) { content() } }

    @Test
    fun `today shows the open case, then its dispatch, whose next step goes to the core`() = withScreens { core, screens ->
        val case = core.openCase(Demo.complaint("王芳"))
        runComposeUiTest {
            show { TodayRoute(screens.today) }
            waitForText("1 件")
            onNodeWithText("已登记").assertExists()
            onNodeWithText("暂无派单").assertExists()

            // The centre's dispatch, as a sync would record it: Today hears of it by the change signal.
            core.dispatch(NewDispatch(caseId = case.id, vehicle = Demo.VEHICLE, site = Demo.SITE, siteText = "长沙市某某超市"))
            waitForText("确认接单")
            onNodeWithText("待确认").assertExists()
            onNodeWithText("长沙市某某超市").assertExists()

            onNodeWithText("确认接单").performScrollTo().performClick()
            waitForText("已确认")
            onNodeWithText("待确认").assertDoesNotExist()
        }
        val dispatch = core.caseDispatches(case.id).single()
        assertTrue(dispatch.acknowledgedAtMs != null, "the core did not record the acknowledgement")
    }

    @Test
    fun `the dispatch screen shows the case and its steps, and navigates to the site`() = withScreens { core, screens ->
        val case = core.openCase(Demo.complaint("王芳"))
        val dispatch = core.dispatch(NewDispatch(caseId = case.id, vehicle = Demo.VEHICLE, site = Demo.SITE, siteText = "长沙市某某超市"))
        val state = screens.dispatch(dispatch.id)
        var sent: org.redshield.core.GeoPosition? = null
        runComposeUiTest {
            show { DispatchRoute(state, navigate = { sent = it }) }
            waitForText("确认接单")
            onNodeWithText("王芳 — 长沙市某某超市").assertExists()
            onNodeWithText("导航").performScrollTo().performClick()
            // The button, not the timeline's step of the same name.
            onNode(hasText("确认接单") and hasClickAction()).performScrollTo().performClick()
            waitForText("已确认")
        }
        state.close()
        // GCJ-02 is shifted from WGS-84 by a few hundred metres in Changsha, never zero.
        val site = checkNotNull(sent) { "导航 did not call navigate" }
        assert(site.latitude != Demo.SITE.latitude && kotlin.math.abs(site.latitude - Demo.SITE.latitude) < 0.01)
    }

    @Test
    fun `the case list shows the rows and filters them by state`() = withScreens { core, screens ->
        val (first, _, _) = Demo.cases(core)
        core.takeStep(first.id, Step.Accept, null, null)
        runComposeUiTest {
            show { CaseListRoute(screens.cases) }
            waitForText("张伟 — 长沙市某某电器城")
            onNodeWithText("王芳 — 长沙市某某超市").assertExists()
            onNodeWithText("3 件").assertExists()

            onNodeWithText("已受理").performScrollTo().performClick()
            waitUntil(timeoutMillis = 30_000) { !hasShown("张伟 — 长沙市某某电器城") }
            onNodeWithText("王芳 — 长沙市某某超市").assertExists()
            onNodeWithText("1 件").assertExists()

            onNodeWithText("调解中").performScrollTo().performClick()
            waitForText("没有符合条件的案件")

            onNodeWithContentDescription("手机号码").performTextInput("12")
            waitUntil(timeoutMillis = 30_000) { screens.cases.problem() != null }
            onNodeWithText(screens.cases.problem()!!).assertExists()
        }
    }

    @Test
    fun `the trip screen starts a trip from its form and shows it under way, and says what the core refused`() = withScreens { _, screens ->
        runComposeUiTest {
            show { TripRoute(screens.trip) }
            waitForText("开始出车")
            onNodeWithContentDescription("车牌号（必填）").performTextInput(Demo.VEHICLE)
            // A trip to a dispatch needs its case: the core refuses, and the screen says so.
            onNodeWithText("处置派单").performScrollTo().performClick()
            onNodeWithText("开始出车").performScrollTo().performClick()
            waitForText("输入有误，请检查后重试")
            onNodeWithText("知道了").performClick()
            waitUntil(timeoutMillis = 30_000) { !hasShown("输入有误，请检查后重试") }

            onNodeWithText("巡查").performScrollTo().performClick()
            onNodeWithText("开始出车").performScrollTo().performClick()
            waitForText("行程中")
            onNodeWithText("${Demo.VEHICLE} · 巡查").assertExists()
            onNodeWithText("收车").assertExists()
        }
        assertEquals(Demo.VEHICLE, screens.trip.runningVehicle())
    }

    @Test
    fun `settings say the device is not enrolled`() = withScreens { _, screens ->
        runComposeUiTest {
            show { SettingsRoute(screens.settings) }
            waitForText("未注册到中心")
            onNodeWithText(Demo.OFFICER, substring = true).assertExists()
        }
    }

    @Test
    fun `open cases on Today lead to the list filtered by their state`() = withScreens { core, screens ->
        Demo.cases(core)
        runComposeUiTest {
            show { OfficerApp(screens) }
            waitForText("3 件")
            onNodeWithText("已登记").performScrollTo().performClick()
            waitForText("刘洋 — 某某健身会所")
            assertEquals(CaseState.RECEIVED, screens.cases.query.state)
        }
    }

    private fun CaseListState.problem() = (state.value as? ScreenState.Shown)?.model?.problem

    private fun TripState.runningVehicle() = (state.value as? ScreenState.Shown)?.model?.running?.vehicle
}
