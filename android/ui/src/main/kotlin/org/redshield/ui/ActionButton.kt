package org.redshield.ui

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.RowScope
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.size
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.LocalContentColor
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp

/** What a button does, as its look tells it. */
enum class ActionKind {
    /** The step the screen is for (受理, 保存): filled. */
    PRIMARY,

    /** A way aside (取消, 稍后): outlined, in neutral text. */
    SECONDARY,

    /**
     * A step that cannot be taken back (不予受理, 终止调解): outlined in the error colour. Not
     * filled: in this red theme a filled error button would look like the primary one, and the
     * irreversible step should not be the one that invites the thumb.
     */
    DANGER,
}

/** The least height of an [ActionButton]: a finger in a moving vehicle, or in gloves. */
val ActionButtonMinHeight = 48.dp

/**
 * A button for one of the screen's actions. It is at least [ActionButtonMinHeight] tall,
 * across the whole width when [fullWidth] (the usual form's last row), and its label wraps
 * rather than being cut at large font sizes. While [busy] — the core is working on the last
 * press — it shows a spinner and ignores presses, so one act is never sent twice, without
 * greying out as a disabled button would.
 */
@Composable
fun ActionButton(
    text: String,
    onClick: () -> Unit,
    modifier: Modifier = Modifier,
    kind: ActionKind = ActionKind.PRIMARY,
    fullWidth: Boolean = false,
    busy: Boolean = false,
    enabled: Boolean = true,
) {
    val sized = modifier
        .heightIn(min = ActionButtonMinHeight)
        .then(if (fullWidth) Modifier.fillMaxWidth() else Modifier)
        .semantics { if (busy) stateDescription = "处理中" }
    val press = { if (!busy) onClick() }
    val content: @Composable RowScope.() -> Unit = { ButtonContent(text, busy) }
    when (kind) {
        ActionKind.PRIMARY -> Button(press, sized, enabled, colors = primaryColors(), content = content)
        ActionKind.SECONDARY -> OutlinedButton(
            press,
            sized,
            enabled,
            colors = ButtonDefaults.outlinedButtonColors(contentColor = MaterialTheme.colorScheme.onSurface),
            content = content,
        )
        ActionKind.DANGER -> OutlinedButton(
            press,
            sized,
            enabled,
            colors = ButtonDefaults.outlinedButtonColors(contentColor = MaterialTheme.colorScheme.error),
            border = BorderStroke(1.5.dp, if (enabled) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.outlineVariant),
            content = content,
        )
    }
}

/** Filled in the shield red itself, in the light and the dark theme alike. */
@Composable
private fun primaryColors() = ButtonDefaults.buttonColors(
    containerColor = MaterialTheme.colorScheme.primaryContainer,
    contentColor = MaterialTheme.colorScheme.onPrimaryContainer,
)

@Composable
private fun ButtonContent(text: String, busy: Boolean) {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        if (busy) {
            CircularProgressIndicator(
                modifier = Modifier.size(18.dp),
                color = LocalContentColor.current,
                strokeWidth = 2.dp,
            )
        }
        Text(text, style = MaterialTheme.typography.labelLarge, textAlign = TextAlign.Center)
    }
}
