package org.redshield.ui

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import org.redshield.core.Urgency

/**
 * A deadline's state in a few words ("今日到期", "已超期 2 天"), coloured by its [urgency] so a
 * list of cases can be scanned for what is late. The words carry the meaning, the colour helps
 * (see [UrgencyStyle]); the chip is not clickable, so it needs no touch target of its own.
 * Long text wraps rather than being cut.
 */
@Composable
fun UrgencyChip(text: String, urgency: Urgency, modifier: Modifier = Modifier) {
    val style = RedshieldTheme.urgency[urgency]
    Surface(
        modifier = modifier,
        shape = RoundedCornerShape(8.dp),
        color = style.container,
        contentColor = style.content,
        border = style.border?.let { BorderStroke(1.5.dp, it) },
    ) {
        Row(
            modifier = Modifier.heightIn(min = 28.dp).padding(horizontal = 10.dp, vertical = 4.dp),
            verticalAlignment = Alignment.CenterVertically,
            horizontalArrangement = Arrangement.spacedBy(6.dp),
        ) {
            // A dot in the text colour: on the breached chip it is white on red, the mark of it.
            Box(Modifier.size(8.dp).background(style.content, CircleShape))
            Text(
                text = text,
                style = MaterialTheme.typography.labelLarge,
                fontWeight = if (style.strong) FontWeight.Bold else FontWeight.Medium,
            )
        }
    }
}
