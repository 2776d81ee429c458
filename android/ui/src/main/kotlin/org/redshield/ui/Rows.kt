package org.redshield.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.layout.Layout
import androidx.compose.ui.layout.Measurable
import androidx.compose.ui.layout.MeasureResult
import androidx.compose.ui.layout.MeasureScope
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.Constraints
import androidx.compose.ui.unit.dp
import kotlin.math.roundToInt

/**
 * The title of a group on a screen (当事人, 期限, 证据 …), marked as a heading so a screen reader
 * can jump between groups. [trailing] is a short note at the right end, such as a count.
 */
@Composable
fun SectionHeader(title: String, modifier: Modifier = Modifier, trailing: String? = null) {
    Row(
        modifier = modifier.fillMaxWidth().padding(top = 16.dp, bottom = 8.dp),
        verticalAlignment = Alignment.Bottom,
        horizontalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Text(
            text = title,
            modifier = Modifier.weight(1f).semantics { heading() },
            style = MaterialTheme.typography.titleMedium,
            color = MaterialTheme.colorScheme.primary,
        )
        if (trailing != null) {
            Text(trailing, style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}

/** The share of a [KeyValueRow]'s width its key takes when key and value sit side by side. */
private const val KEY_SHARE = 0.3f

/**
 * One fact of a record shown read-only: a label (案件编号) and its value. Side by side, the key
 * in the first [KEY_SHARE] of the width so that values line up down a screen, while the key
 * fits on one line and no word of the value (a case number, a credit code) has to be broken;
 * otherwise — a long key, large text — the value goes under its key across the whole width.
 * Either way nothing is cut off.
 */
@Composable
fun KeyValueRow(key: String, value: String, modifier: Modifier = Modifier) {
    Layout(
        modifier = modifier.fillMaxWidth().padding(vertical = 6.dp),
        content = {
            Text(key, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Text(value, style = MaterialTheme.typography.bodyLarge)
        },
    ) { measurables, constraints -> keyAndValue(measurables[0], measurables[1], constraints) }
}

private fun MeasureScope.keyAndValue(key: Measurable, value: Measurable, constraints: Constraints): MeasureResult {
    val width = constraints.maxWidth
    val gap = 12.dp.roundToPx()
    val keyWidth = (width * KEY_SHARE).roundToInt()
    val valueWidth = width - keyWidth - gap
    val sideBySide = key.maxIntrinsicWidth(Constraints.Infinity) <= keyWidth &&
        value.minIntrinsicWidth(Constraints.Infinity) <= valueWidth
    return if (sideBySide) {
        val k = key.measure(Constraints.fixedWidth(keyWidth))
        val v = value.measure(Constraints.fixedWidth(valueWidth))
        layout(width, maxOf(k.height, v.height)) {
            k.place(0, 0)
            v.place(keyWidth + gap, 0)
        }
    } else {
        val k = key.measure(Constraints.fixedWidth(width))
        val v = value.measure(Constraints.fixedWidth(width))
        val under = 2.dp.roundToPx()
        layout(width, k.height + under + v.height) {
            k.place(0, 0)
            v.place(0, k.height + under)
        }
    }
}
