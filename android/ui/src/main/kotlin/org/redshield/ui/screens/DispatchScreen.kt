package org.redshield.ui.screens

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import org.redshield.core.DispatchCard
import org.redshield.core.GeoPosition
import org.redshield.core.TimelineStep
import org.redshield.ui.ActionButton
import org.redshield.ui.ActionKind
import org.redshield.ui.KeyValueRow
import org.redshield.ui.SectionHeader
import org.redshield.core.DispatchScreen as DispatchModel

/**
 * 派单: the card (countdown, next step), the case it is for, the steps taken with their times,
 * how arrival was known, and 导航 to the site when the centre gave its position ([navigate]
 * gets it in GCJ-02, as the Chinese map apps take it; the platform opens one).
 */
@Composable
fun DispatchScreen(
    model: DispatchModel,
    onStep: (DispatchCard) -> Unit,
    modifier: Modifier = Modifier,
    navigate: ((GeoPosition) -> Unit)? = null,
    onOpenCase: ((caseId: String) -> Unit)? = null,
    busy: Boolean = false,
) {
    ScreenPage(modifier) {
        ScreenTitle("派单")
        DispatchCardView(model.card, onStep = { onStep(model.card) }, busy = busy)
        val site = model.siteGcj02
        if (site != null && navigate != null) {
            ActionButton("导航", { navigate(site) }, kind = ActionKind.SECONDARY, fullWidth = true)
        }

        SectionHeader("案件")
        KeyValueRow("案件编号", model.card.caseNumber)
        KeyValueRow("类别状态", model.caseKindAndState)
        KeyValueRow("当事人", model.caseTitle)
        if (onOpenCase != null) {
            ActionButton("查看案件", { onOpenCase(model.card.caseId) }, kind = ActionKind.SECONDARY, fullWidth = true)
        }

        SectionHeader("进度")
        for (step in model.steps) StepRow(step)
        model.arrival?.let { QuietLine(it) }
    }
}

/** One step of the timeline: a filled dot once taken, with its time; hollow while not. */
@Composable
private fun StepRow(step: TimelineStep) {
    val taken = step.at != null
    val colour = if (taken) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.outline
    Row(
        Modifier.fillMaxWidth().heightIn(min = 36.dp),
        verticalAlignment = Alignment.CenterVertically,
        horizontalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Box(
            Modifier.size(12.dp).then(
                if (taken) Modifier.background(colour, CircleShape) else Modifier.border(2.dp, colour, CircleShape),
            ),
        )
        Text(
            step.label,
            Modifier.weight(1f),
            style = MaterialTheme.typography.bodyLarge,
            color = if (taken) MaterialTheme.colorScheme.onSurface else MaterialTheme.colorScheme.onSurfaceVariant,
        )
        Text(step.at ?: "—", Modifier.padding(start = 8.dp), style = MaterialTheme.typography.bodyMedium)
    }
}
