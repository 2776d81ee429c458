package org.redshield.ui.screens

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.collectAsState
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import org.redshield.ui.ErrorBanner
import org.redshield.ui.coreErrorMessage

/** The least height of anything a finger presses: a row, a card, a chip's target. */
val TouchTarget = 48.dp

/** A screen's page: scrolls, with the phone's margins, its parts 8 dp apart. */
@Composable
fun ScreenPage(modifier: Modifier = Modifier, content: @Composable ColumnScope.() -> Unit) {
    Column(
        modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(horizontal = 16.dp, vertical = 12.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
        content = content,
    )
}

/** The screen's title and, under it, a line of context (the date, the officer). */
@Composable
fun ScreenTitle(title: String, subtitle: String? = null) {
    Column(Modifier.fillMaxWidth().padding(bottom = 4.dp)) {
        Text(title, style = MaterialTheme.typography.headlineSmall, fontWeight = FontWeight.Medium)
        if (subtitle != null) {
            Text(subtitle, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}

/**
 * A card of the screen: a thing the officer deals with (a dispatch, the trip). Pressable when
 * [onClick] is given, then at least [TouchTarget] tall.
 */
@Composable
fun ScreenCard(
    modifier: Modifier = Modifier,
    onClick: (() -> Unit)? = null,
    emphasis: Boolean = false,
    content: @Composable ColumnScope.() -> Unit,
) {
    val shape = RoundedCornerShape(12.dp)
    val color = if (emphasis) MaterialTheme.colorScheme.surfaceContainerHigh else MaterialTheme.colorScheme.surfaceContainerLow
    val border = BorderStroke(1.dp, MaterialTheme.colorScheme.outlineVariant)
    val inner: @Composable () -> Unit = {
        Column(Modifier.padding(14.dp), verticalArrangement = Arrangement.spacedBy(6.dp), content = content)
    }
    if (onClick != null) {
        Surface(onClick, modifier.fillMaxWidth().heightIn(min = TouchTarget), shape = shape, color = color, border = border, content = inner)
    } else {
        Surface(modifier.fillMaxWidth(), shape = shape, color = color, border = border, content = inner)
    }
}

/** What an empty part of a screen says: one quiet line in place of the list. */
@Composable
fun QuietLine(text: String, modifier: Modifier = Modifier) {
    Text(
        text,
        modifier.fillMaxWidth().padding(vertical = 8.dp),
        style = MaterialTheme.typography.bodyMedium,
        color = MaterialTheme.colorScheme.onSurfaceVariant,
    )
}

/**
 * Draws a holder's state: a spinner while the first read runs, the core's refusal if the
 * screen cannot be read, else [content] with the refusal of the last act above it.
 */
@Composable
fun <T> HeldScreen(holder: ScreenHolder<T>, content: @Composable (model: T, busy: Boolean) -> Unit) {
    val state by holder.state.collectAsState()
    when (val s = state) {
        ScreenState.Loading -> Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                CircularProgressIndicator(Modifier.size(20.dp), strokeWidth = 2.dp)
                Text("正在读取…")
            }
        }
        is ScreenState.Failed -> Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            ErrorBanner(coreErrorMessage(s.error), detail = s.error.message?.takeIf { it.isNotBlank() }, onDismiss = holder::refresh)
        }
        is ScreenState.Shown -> Column(Modifier.fillMaxSize()) {
            s.refusal?.let { ErrorBanner(it, Modifier.padding(start = 16.dp, end = 16.dp, top = 12.dp), onDismiss = holder::dismiss) }
            content(s.model, s.busy)
        }
    }
}
