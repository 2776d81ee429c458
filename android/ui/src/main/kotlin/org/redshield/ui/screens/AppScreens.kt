package org.redshield.ui.screens

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import org.redshield.core.CaseQuery
import org.redshield.core.FieldCore
import org.redshield.core.GeoPosition

/**
 * The screens of one opened store: their holders, all fed by one [ChangeHub] registered as the
 * core's change listener. Close with the store.
 */
class AppScreens(
    private val core: FieldCore,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = CoreDispatcher,
) : AutoCloseable {
    val hub: ChangeHub = ChangeHub.attach(core)
    val today = TodayState(core, scope, io, hub)
    val cases = CaseListState(core, scope, io, hub)
    val trip = TripState(core, scope, io, hub)
    val settings = SettingsState(core, scope, io, hub)

    /** A dispatch's screen; close it when it is left. */
    fun dispatch(dispatchId: String) = DispatchState(core, dispatchId, scope, io, hub)

    override fun close() {
        listOf(today, cases, trip, settings).forEach { it.close() }
        // The store may already be closed with the window: then there is no listener to remove.
        runCatching { core.setChangeListener(null) }
    }
}

/** The bottom bar's destinations. */
enum class Tab(val label: String) {
    TODAY("今日"),
    CASES("案件"),
    TRIP("出车"),
    SETTINGS("设置"),
}

/** Each screen drawn from its holder, with the officer's acts sent back through it. */
@Composable
fun TodayRoute(
    state: TodayState,
    onOpenDispatch: (String) -> Unit = {},
    onOpenCase: ((String) -> Unit)? = null,
    onOpenCases: (org.redshield.core.CaseState) -> Unit = {},
    onOpenTrip: () -> Unit = {},
) = HeldScreen(state) { model, busy ->
    TodayScreen(model, state::step, onOpenCase, onOpenDispatch = onOpenDispatch, onOpenCases = onOpenCases, onOpenTrip = onOpenTrip, busy = busy)
}

@Composable
fun CaseListRoute(state: CaseListState, onOpen: ((String) -> Unit)? = null) = HeldScreen(state) { model, busy ->
    CaseListScreen(model, state::query, onOpen, query = state.query, onMore = state::more, busy = busy)
}

@Composable
fun DispatchRoute(state: DispatchState, navigate: ((GeoPosition) -> Unit)? = null, onOpenCase: ((String) -> Unit)? = null) =
    HeldScreen(state) { model, busy -> DispatchScreen(model, state::step, navigate = navigate, onOpenCase = onOpenCase, busy = busy) }

@Composable
fun TripRoute(state: TripState) = HeldScreen(state) { model, busy ->
    TripScreen(model, state::start, { km -> model.running?.let { state.end(it.tripId, km) } }, busy = busy)
}

@Composable
fun SettingsRoute(state: SettingsState) = HeldScreen(state) { model, _ -> SettingsScreen(model) }

/**
 * The officer's app: 今日 / 案件 / 出车 / 设置 in a bottom bar; a dispatch pressed on Today opens
 * its screen above the bar, with 返回. [navigate] opens a map app on a site (the platform's).
 */
@Composable
fun OfficerApp(screens: AppScreens, navigate: ((GeoPosition) -> Unit)? = null) {
    var tab by remember { mutableStateOf(Tab.TODAY) }
    var dispatchId by remember { mutableStateOf<String?>(null) }
    Scaffold(
        containerColor = MaterialTheme.colorScheme.background,
        bottomBar = {
            NavigationBar {
                for (t in Tab.entries) {
                    NavigationBarItem(
                        selected = t == tab && dispatchId == null,
                        onClick = {
                            tab = t
                            dispatchId = null
                        },
                        icon = { Text(t.label, fontWeight = if (t == tab) FontWeight.Bold else FontWeight.Normal) },
                    )
                }
            }
        },
    ) { padding ->
        Box(Modifier.fillMaxSize().padding(padding)) {
            val open = dispatchId
            if (open != null) {
                val state = remember(open) { screens.dispatch(open) }
                DisposableEffect(state) { onDispose { state.close() } }
                Column(Modifier.fillMaxSize()) {
                    TextButton({ dispatchId = null }, Modifier.padding(start = 4.dp)) { Text("‹ 返回") }
                    DispatchRoute(state, navigate)
                }
            } else {
                when (tab) {
                    Tab.TODAY -> TodayRoute(
                        screens.today,
                        onOpenDispatch = { dispatchId = it },
                        onOpenCases = { state ->
                            screens.cases.query(CaseQuery(state = state))
                            tab = Tab.CASES
                        },
                        onOpenTrip = { tab = Tab.TRIP },
                    )
                    Tab.CASES -> CaseListRoute(screens.cases)
                    Tab.TRIP -> TripRoute(screens.trip)
                    Tab.SETTINGS -> SettingsRoute(screens.settings)
                }
            }
        }
    }
}
