package org.redshield.ui

import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.ExperimentalTextApi
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.platform.SystemFont
import androidx.compose.ui.unit.Density
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import javax.imageio.ImageIO
import org.jetbrains.skia.EncodedImageFormat
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.redshield.ui.desktop.desktopFontFamily

/**
 * Chinese as the desktop app draws it (the theme with [desktopFontFamily]): real glyphs, not the
 * one empty box a font without Han characters draws for all of them, and in their Simplified
 * Chinese forms rather than the Japanese ones the same font file holds. Needs fonts-noto-cjk
 * (scripts/install-tools).
 */
class ChineseTextTest {
    /** [text] in the theme's headline style, or in [family] when given, as pixels. */
    private fun drawn(text: String, family: FontFamily? = null): List<Int> {
        val scene = ImageComposeScene(width = 480, height = 160, density = Density(2f)) {
            RedshieldTheme(dark = false, fontFamily = desktopFontFamily()) {
                Surface(Modifier.fillMaxSize()) {
                    val style = MaterialTheme.typography.headlineLarge
                    Text(text, style = if (family == null) style else style.copy(fontFamily = family))
                }
            }
        }
        val png = try {
            scene.render().encodeToData(EncodedImageFormat.PNG)!!.bytes
        } finally {
            scene.close()
        }
        val image: BufferedImage = ImageIO.read(ByteArrayInputStream(png))
        assertNotBlank(image, "\"$text\"", atLeast = 100)
        return image.getRGB(0, 0, image.width, image.height, null, 0, image.width).toList()
    }

    @Test
    fun `the desktop finds its Chinese font`() {
        assertNotNull(desktopFontFamily(), "Noto Sans CJK SC is not installed")
    }

    @Test
    fun `each Han character gets its own glyph`() {
        val glyphs = listOf("骨", "直", "令", "案").map { drawn(it) }
        assertEquals(glyphs.size, glyphs.toSet().size, "two characters drew alike: tofu boxes")
    }

    @OptIn(ExperimentalTextApi::class)
    @Test
    fun `Han characters take their Simplified Chinese forms`() {
        val theme = drawn("骨直令")
        val simplified = differences(theme, drawn("骨直令", FontFamily(SystemFont("Noto Sans CJK SC"))))
        val japanese = differences(theme, drawn("骨直令", FontFamily(SystemFont("Noto Sans CJK JP"))))
        assertTrue(simplified * 10 < japanese, "$simplified pixels differ from the Simplified forms, $japanese from the Japanese")
    }

    private fun differences(a: List<Int>, b: List<Int>) = a.indices.count { a[it] != b[it] }
}
