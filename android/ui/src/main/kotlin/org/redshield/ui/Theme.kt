package org.redshield.ui

import androidx.compose.material3.ColorScheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.runtime.remember
import androidx.compose.runtime.staticCompositionLocalOf
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.intl.LocaleList

/** The regulators' red (红盾) the colour schemes are built around. */
val ShieldRed = Color(0xFFC8102E)

/**
 * Light scheme: primary roles from a Material 3 "fidelity" scheme of [ShieldRed] (its primary
 * container is the red itself), neutrals and secondary from the quieter "tonal spot" scheme of
 * the same seed, so that screens full of text are not pink.
 */
val RedshieldLightColors: ColorScheme = lightColorScheme(
    primary = Color(0xFF9E001F),
    onPrimary = Color(0xFFFFFFFF),
    primaryContainer = ShieldRed,
    onPrimaryContainer = Color(0xFFFFFFFF),
    inversePrimary = Color(0xFFFFB3B1),
    secondary = Color(0xFF775655),
    onSecondary = Color(0xFFFFFFFF),
    secondaryContainer = Color(0xFFFFDAD8),
    onSecondaryContainer = Color(0xFF5D3F3E),
    tertiary = Color(0xFF005468),
    onTertiary = Color(0xFFFFFFFF),
    tertiaryContainer = Color(0xFFB6EBFF),
    onTertiaryContainer = Color(0xFF001F28),
    background = Color(0xFFFFF8F7),
    onBackground = Color(0xFF231919),
    surface = Color(0xFFFFF8F7),
    onSurface = Color(0xFF231919),
    surfaceVariant = Color(0xFFF4DDDC),
    onSurfaceVariant = Color(0xFF524342),
    surfaceTint = Color(0xFF904A49),
    inverseSurface = Color(0xFF382E2D),
    inverseOnSurface = Color(0xFFFFEDEB),
    error = Color(0xFFBA1A1A),
    onError = Color(0xFFFFFFFF),
    errorContainer = Color(0xFFFFDAD6),
    onErrorContainer = Color(0xFF93000A),
    outline = Color(0xFF857372),
    outlineVariant = Color(0xFFD7C1C0),
    scrim = Color(0xFF000000),
    surfaceBright = Color(0xFFFFF8F7),
    surfaceContainer = Color(0xFFFCEAE9),
    surfaceContainerHigh = Color(0xFFF6E4E3),
    surfaceContainerHighest = Color(0xFFF0DEDD),
    surfaceContainerLow = Color(0xFFFFF0EF),
    surfaceContainerLowest = Color(0xFFFFFFFF),
    surfaceDim = Color(0xFFE8D6D5),
)

/** Dark scheme, made as the light one. */
val RedshieldDarkColors: ColorScheme = darkColorScheme(
    primary = Color(0xFFFFB3B1),
    onPrimary = Color(0xFF680011),
    primaryContainer = ShieldRed,
    onPrimaryContainer = Color(0xFFFFFFFF),
    inversePrimary = Color(0xFFBF0229),
    secondary = Color(0xFFE6BDBB),
    onSecondary = Color(0xFF442929),
    secondaryContainer = Color(0xFF5D3F3E),
    onSecondaryContainer = Color(0xFFFFDAD8),
    tertiary = Color(0xFF82D1ED),
    onTertiary = Color(0xFF003543),
    tertiaryContainer = Color(0xFF004E5F),
    onTertiaryContainer = Color(0xFFB6EBFF),
    background = Color(0xFF1A1111),
    onBackground = Color(0xFFF0DEDD),
    surface = Color(0xFF1A1111),
    onSurface = Color(0xFFF0DEDD),
    surfaceVariant = Color(0xFF524342),
    onSurfaceVariant = Color(0xFFD7C1C0),
    surfaceTint = Color(0xFFFFB3B1),
    inverseSurface = Color(0xFFF0DEDD),
    inverseOnSurface = Color(0xFF382E2D),
    error = Color(0xFFFFB4AB),
    onError = Color(0xFF690005),
    errorContainer = Color(0xFF93000A),
    onErrorContainer = Color(0xFFFFDAD6),
    outline = Color(0xFFA08C8B),
    outlineVariant = Color(0xFF524342),
    scrim = Color(0xFF000000),
    surfaceBright = Color(0xFF423736),
    surfaceContainer = Color(0xFF271D1D),
    surfaceContainerHigh = Color(0xFF322827),
    surfaceContainerHighest = Color(0xFF3D3232),
    surfaceContainerLow = Color(0xFF231919),
    surfaceContainerLowest = Color(0xFF140C0C),
    surfaceDim = Color(0xFF1A1111),
)

/**
 * Text is Chinese first. Every style carries the zh-CN locale so that Han characters take
 * their Simplified Chinese forms: a font fallback without a locale may pick the Japanese forms
 * of a pan-CJK font (骨, 直, 令 are drawn differently). [fontFamily] replaces the platform's
 * default family where that one cannot draw Chinese.
 */
fun redshieldTypography(fontFamily: FontFamily? = null): Typography {
    val base = Typography()
    fun TextStyle.cjk() = copy(localeList = ChineseText, fontFamily = fontFamily ?: this.fontFamily)
    return Typography(
        displayLarge = base.displayLarge.cjk(),
        displayMedium = base.displayMedium.cjk(),
        displaySmall = base.displaySmall.cjk(),
        headlineLarge = base.headlineLarge.cjk(),
        headlineMedium = base.headlineMedium.cjk(),
        headlineSmall = base.headlineSmall.cjk(),
        titleLarge = base.titleLarge.cjk(),
        titleMedium = base.titleMedium.cjk(),
        titleSmall = base.titleSmall.cjk(),
        bodyLarge = base.bodyLarge.cjk(),
        bodyMedium = base.bodyMedium.cjk(),
        bodySmall = base.bodySmall.cjk(),
        labelLarge = base.labelLarge.cjk(),
        labelMedium = base.labelMedium.cjk(),
        labelSmall = base.labelSmall.cjk(),
    )
}

/** The locale the officers' text is in. */
val ChineseText = LocaleList("zh-CN")

private val LocalUrgencyColors = staticCompositionLocalOf { LightUrgencyColors }

/**
 * The app's Material 3 theme, light or [dark], with the urgency colours beside the colour
 * scheme. [fontFamily]: see [redshieldTypography].
 */
@Composable
fun RedshieldTheme(dark: Boolean, fontFamily: FontFamily? = null, content: @Composable () -> Unit) {
    CompositionLocalProvider(LocalUrgencyColors provides if (dark) DarkUrgencyColors else LightUrgencyColors) {
        MaterialTheme(
            colorScheme = if (dark) RedshieldDarkColors else RedshieldLightColors,
            typography = remember(fontFamily) { redshieldTypography(fontFamily) },
            content = content,
        )
    }
}

/** What the app's theme adds to [MaterialTheme]. */
object RedshieldTheme {
    /** The urgency colours of the current (light or dark) theme. */
    val urgency: UrgencyColors
        @Composable @ReadOnlyComposable
        get() = LocalUrgencyColors.current
}
