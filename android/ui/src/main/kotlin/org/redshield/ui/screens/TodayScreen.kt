package org.redshield.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import org.redshield.core.CaseState
import org.redshield.core.ClockLine
import org.redshield.core.DispatchCard
import org.redshield.core.RunningTrip
import org.redshield.core.StateCount
import org.redshield.core.SyncLine
import org.redshield.ui.ActionButton
import org.redshield.ui.SectionHeader
import org.redshield.ui.UrgencyChip
import org.redshield.core.TodayScreen as TodayModel

/**
 * 今日: the dispatches open (each with its countdown and next step), the statutory clocks
 * due soon or late, the open cases by state, the trip under way and where sync stands. All of
 * it as the core words it; this only draws.
 */
@Composable
fun TodayScreen(
    model: TodayModel,
    onDispatchStep: (DispatchCard) -> Unit,
    onOpenCase: ((caseId: String) -> Unit)?,
    modifier: Modifier = Modifier,
    onOpenDispatch: (dispatchId: String) -> Unit = {},
    onOpenCases: (CaseState) -> Unit = {},
    onOpenTrip: () -> Unit = {},
    busy: Boolean = false,
) {
    ScreenPage(modifier) {
        ScreenTitle("今日", listOfNotNull(model.date, model.officer).joinToString(" · "))
        if (model.officer == null) QuietLine("未签到：请先签到")

        SectionHeader("派单", trailing = count(model.dispatches.size))
        if (model.dispatches.isEmpty()) QuietLine("暂无派单")
        for (card in model.dispatches) {
            DispatchCardView(card, onStep = { onDispatchStep(card) }, busy = busy, onOpen = { onOpenDispatch(card.dispatchId) })
        }

        SectionHeader("期限", trailing = count(model.clocks.size))
        if (model.clocks.isEmpty()) QuietLine("三日内没有到期的期限")
        for (clock in model.clocks) ClockRow(clock, onOpenCase?.let { open -> { open(clock.caseId) } })

        SectionHeader("在办案件", trailing = count(model.openCases.sumOf { it.count.toInt() }))
        if (model.openCases.isEmpty()) QuietLine("暂无在办案件")
        for (line in model.openCases) StateRow(line) { onOpenCases(line.state) }

        model.trip?.let { trip ->
            SectionHeader("出车")
            RunningTripCard(trip, onOpenTrip)
        }

        SectionHeader("同步")
        SyncLineView(model.sync)
    }
}

private fun count(n: Int): String? = if (n > 0) "$n 项" else null

/**
 * A dispatch: its case and site, how soon to be there (the countdown, coloured by urgency),
 * the stage reached and the button for the next step. Pressing the card opens the dispatch.
 */
@Composable
fun DispatchCardView(card: DispatchCard, onStep: () -> Unit, modifier: Modifier = Modifier, busy: Boolean = false, onOpen: (() -> Unit)? = null) {
    ScreenCard(modifier, onClick = onOpen, emphasis = true) {
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(card.caseNumber, Modifier.weight(1f), style = MaterialTheme.typography.titleSmall)
            Text(card.stage, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
        }
        Text(card.place, style = MaterialTheme.typography.bodyLarge, fontWeight = FontWeight.Medium)
        Text(card.target, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        UrgencyChip(card.countdown, card.urgency)
        card.next?.let { next -> ActionButton(next.label, onStep, Modifier.padding(top = 4.dp), fullWidth = true, busy = busy) }
    }
}

/**
 * A running clock: which case, which limit, where it stands (coloured), the day it falls due.
 * Pressable when there is a case screen to open ([onOpen]).
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun ClockRow(clock: ClockLine, onOpen: (() -> Unit)?) {
    Column(
        Modifier.fillMaxWidth()
            .heightIn(min = TouchTarget)
            .then(if (onOpen != null) Modifier.clickable(role = Role.Button, onClick = onOpen) else Modifier)
            .padding(vertical = 6.dp),
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        // The name and the status side by side when both fit, else the status under the name:
        // at a large font a long status ("已超时 13 小时 10 分钟") would squeeze the name.
        FlowRow(
            Modifier.fillMaxWidth(),
            horizontalArrangement = Arrangement.SpaceBetween,
            verticalArrangement = Arrangement.spacedBy(4.dp),
        ) {
            Text(
                clock.name,
                Modifier.align(Alignment.CenterVertically).padding(end = 8.dp),
                style = MaterialTheme.typography.bodyLarge,
                fontWeight = FontWeight.Medium,
            )
            UrgencyChip(clock.status, clock.urgency)
        }
        Text(
            "${clock.caseNumber} · ${clock.due}",
            style = MaterialTheme.typography.bodyMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
        )
    }
    HorizontalDivider(color = MaterialTheme.colorScheme.outlineVariant)
}

/** One state of the open cases and how many are in it; opens the list filtered by it. */
@Composable
private fun StateRow(line: StateCount, onOpen: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = TouchTarget).clickable(role = Role.Button, onClick = onOpen).padding(vertical = 6.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Text(line.label, Modifier.weight(1f), style = MaterialTheme.typography.bodyLarge)
        Text("${line.count} 件", style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.primary)
    }
}

@Composable
private fun RunningTripCard(trip: RunningTrip, onOpen: () -> Unit) {
    ScreenCard(onClick = onOpen) {
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(trip.vehicle, Modifier.weight(1f), style = MaterialTheme.typography.titleSmall)
            Text(trip.started, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        Row(horizontalArrangement = Arrangement.spacedBy(16.dp)) {
            Text(trip.distance, style = MaterialTheme.typography.titleLarge)
            Text(trip.duration, Modifier.align(Alignment.Bottom), style = MaterialTheme.typography.bodyLarge)
        }
    }
}

/** Where sync stands: when last, what waits (coloured once it has waited long). */
@Composable
fun SyncLineView(sync: SyncLine) {
    Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Text(sync.last, style = MaterialTheme.typography.bodyLarge)
        UrgencyChip(sync.waiting, sync.urgency)
    }
}
