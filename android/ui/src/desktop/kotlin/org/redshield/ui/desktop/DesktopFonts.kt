package org.redshield.ui.desktop

import androidx.compose.ui.text.ExperimentalTextApi
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.platform.SystemFont
import org.jetbrains.skia.FontMgr
import org.jetbrains.skia.FontStyle

/** The system font the desktop draws the app's text in (Debian: fonts-noto-cjk). */
const val CHINESE_FONT = "Noto Sans CJK SC"

/**
 * The font family the desktop gives [org.redshield.ui.RedshieldTheme]: [CHINESE_FONT] when the
 * system has it, else null (the default, which draws Chinese as it can). Needed because the
 * desktop's font fallback ignores the text's zh-CN locale and takes the first face of the
 * pan-CJK font file, the Japanese one, whose 骨, 直 and 令 are not the forms a Chinese reader
 * writes. A phone's fallback follows the locale and needs none of this.
 */
@OptIn(ExperimentalTextApi::class)
fun desktopFontFamily(): FontFamily? {
    val found = FontMgr.default.matchFamilyStyle(CHINESE_FONT, FontStyle.NORMAL)
    if (found?.familyName != CHINESE_FONT) return null
    return FontFamily(SystemFont(CHINESE_FONT, FontWeight.Normal), SystemFont(CHINESE_FONT, FontWeight.Bold))
}
