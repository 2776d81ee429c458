package org.redshield.ui.screens

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import org.redshield.core.CaseListScreen
import org.redshield.core.CaseQuery
import org.redshield.core.DispatchCard
import org.redshield.core.DispatchScreen
import org.redshield.core.FieldCore
import org.redshield.core.NewTrip
import org.redshield.core.SettingsScreen
import org.redshield.core.TodayScreen
import org.redshield.core.Topic
import org.redshield.core.TripScreen

/** 今日: everything on it can change with any commit. */
class TodayState(
    private val core: FieldCore,
    scope: CoroutineScope,
    io: CoroutineDispatcher = CoreDispatcher,
    hub: ChangeHub? = null,
) : ScreenHolder<TodayScreen>(scope, io, hub, AllTopics, { core.todayScreen() }) {
    /** The dispatch card's next step (确认接单, 出发, 到场, 处置完毕). */
    fun step(card: DispatchCard) {
        val next = card.next ?: return
        act { core.advanceDispatch(card.dispatchId, next.step) }
    }
}

/**
 * 案件: one query at a time. A query with `after` (更多) adds its page to the rows shown; any
 * other replaces them. A change re-reads the first page of the query.
 */
class CaseListState private constructor(
    private val core: FieldCore,
    scope: CoroutineScope,
    io: CoroutineDispatcher,
    hub: ChangeHub?,
    private val shown: QueryBox,
) : ScreenHolder<CaseListScreen>(scope, io, hub, setOf(Topic.CASES, Topic.SHIFT), { core.caseListScreen(shown.query) }) {
    constructor(
        core: FieldCore,
        scope: CoroutineScope,
        io: CoroutineDispatcher = CoreDispatcher,
        hub: ChangeHub? = null,
        initial: CaseQuery = CaseQuery(),
    ) : this(core, scope, io, hub, QueryBox(initial.copy(after = null)))

    /** The query shown (its filters and words), without a page cursor. */
    val query: CaseQuery get() = shown.query

    fun query(q: CaseQuery) {
        shown.query = q.copy(after = null)
        refresh()
    }

    /** The next page, added below the rows shown. */
    fun more(after: String) {
        act {
            val page = core.caseListScreen(shown.query.copy(after = after))
            show { model -> page.copy(rows = model.rows + page.rows) }
        }
    }

    class QueryBox(@Volatile var query: CaseQuery)
}

/** 派单: one dispatch, its case and its trip. */
class DispatchState(
    private val core: FieldCore,
    val dispatchId: String,
    scope: CoroutineScope,
    io: CoroutineDispatcher = CoreDispatcher,
    hub: ChangeHub? = null,
) : ScreenHolder<DispatchScreen>(
    scope, io, hub, setOf(Topic.DISPATCHES, Topic.CASES, Topic.TRIPS), { core.dispatchScreen(dispatchId) },
) {
    fun step(card: DispatchCard) {
        val next = card.next ?: return
        act { core.advanceDispatch(card.dispatchId, next.step) }
    }
}

/** 出车: the trip under way, or the form that starts one. */
class TripState(
    private val core: FieldCore,
    scope: CoroutineScope,
    io: CoroutineDispatcher = CoreDispatcher,
    hub: ChangeHub? = null,
) : ScreenHolder<TripScreen>(scope, io, hub, setOf(Topic.TRIPS, Topic.SHIFT, Topic.TIME), { core.tripScreen() }) {
    fun start(trip: NewTrip) = act { core.startTrip(trip) }

    fun end(tripId: String, odometerKm: Double?) = act { core.endTrip(tripId, odometerKm) }
}

/** 设置: the space taken changes with every commit, so every topic. */
class SettingsState(
    private val core: FieldCore,
    scope: CoroutineScope,
    io: CoroutineDispatcher = CoreDispatcher,
    hub: ChangeHub? = null,
) : ScreenHolder<SettingsScreen>(scope, io, hub, AllTopics, { core.settingsScreen() })
