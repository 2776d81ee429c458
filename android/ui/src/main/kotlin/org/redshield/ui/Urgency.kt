package org.redshield.ui

import androidx.compose.runtime.Immutable
import androidx.compose.ui.graphics.Color

/**
 * How pressing a statutory deadline is, in the order an officer must act on it. The core's
 * clock states map onto this in one function, when the screens read them.
 */
enum class UrgencyLevel {
    /** Time enough: nothing to do yet. */
    CALM,

    /** Due within days: plan for it. */
    SOON,

    /** Due today: act before the day ends. */
    DUE,

    /** The time limit has passed: the case is late and must be seen at once. */
    BREACHED,
}

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
    operator fun get(level: UrgencyLevel): UrgencyStyle = when (level) {
        UrgencyLevel.CALM -> calm
        UrgencyLevel.SOON -> soon
        UrgencyLevel.DUE -> due
        UrgencyLevel.BREACHED -> breached
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
