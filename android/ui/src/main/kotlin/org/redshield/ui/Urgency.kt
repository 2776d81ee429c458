package org.redshield.ui

import androidx.compose.runtime.Immutable
import androidx.compose.ui.graphics.Color
import org.redshield.core.Urgency

/*
 * How pressing a deadline is comes from the core: its `Urgency` (Calm, Soon, Due, Breached) is
 * decided there once for Android and iOS, on every screen model that has a deadline. This file
 * only gives each urgency its look, in one function, [UrgencyColors.get].
 */

/**
 * The colours of one urgency. [border] marks the levels that must catch the eye beyond their
 * fill; [strong] makes their text bold. Colour is never the only cue: the words on the chip say
 * the state as well, for officers who cannot tell red from green and for grey-scale printouts.
 */
@Immutable
data class UrgencyStyle(
    val container: Color,
    val content: Color,
    val border: Color? = null,
    val strong: Boolean = false,
)

/**
 * The four urgencies of one theme. Calm is a quiet green, soon an amber, due today orange with
 * an outline, breached the shield red filled with white text: the one chip that cannot be missed.
 * Each text colour is at least 7:1 against its container, except breached's white on red (5.9:1).
 */
@Immutable
data class UrgencyColors(
    val calm: UrgencyStyle,
    val soon: UrgencyStyle,
    val due: UrgencyStyle,
    val breached: UrgencyStyle,
) {
    /**
     * The one place the core's urgency becomes a look: calm (time enough), soon (plan for it),
     * due (act today), breached (the time limit has passed).
     */
    operator fun get(urgency: Urgency): UrgencyStyle = when (urgency) {
        Urgency.CALM -> calm
        Urgency.SOON -> soon
        Urgency.DUE -> due
        Urgency.BREACHED -> breached
    }
}

val LightUrgencyColors = UrgencyColors(
    calm = UrgencyStyle(container = Color(0xFFDDEFE0), content = Color(0xFF1B4D2A)),
    soon = UrgencyStyle(container = Color(0xFFFFE9A8), content = Color(0xFF4A3400)),
    due = UrgencyStyle(
        container = Color(0xFFFFDCC6),
        content = Color(0xFF5C1F00),
        border = Color(0xFFE0560B),
        strong = true,
    ),
    breached = UrgencyStyle(container = ShieldRed, content = Color.White, border = ShieldRed, strong = true),
)

val DarkUrgencyColors = UrgencyColors(
    calm = UrgencyStyle(container = Color(0xFF1E3A26), content = Color(0xFFB8E6C1)),
    soon = UrgencyStyle(container = Color(0xFF4A3900), content = Color(0xFFFFE08A)),
    due = UrgencyStyle(
        container = Color(0xFF5A2300),
        content = Color(0xFFFFD3B8),
        border = Color(0xFFFF8F4D),
        strong = true,
    ),
    breached = UrgencyStyle(
        container = ShieldRed,
        content = Color.White,
        border = Color(0xFFFF8A8A),
        strong = true,
    ),
)
