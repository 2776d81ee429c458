package org.redshield.ui

import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.runtime.Composable
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.Density
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.File
import javax.imageio.ImageIO
import kotlin.math.abs
import kotlin.math.roundToInt
import org.jetbrains.skia.EncodedImageFormat
import org.redshield.ui.desktop.desktopFontFamily
import org.junit.jupiter.api.Assertions.assertTrue

/**
 * The phone every screen is rendered on: 360 × 800 dp (a common Android phone width) at 2.75
 * pixels per dp (between the xhdpi and xxxhdpi phones officers carry), so 990 × 2200 pixels.
 */
object Phone {
    const val WIDTH_DP = 360
    const val HEIGHT_DP = 800
    const val DENSITY = 2.75f
    val widthPx = (WIDTH_DP * DENSITY).roundToInt()
    val heightPx = (HEIGHT_DP * DENSITY).roundToInt()
}

/** The three ways every screen is looked at: light, dark, and light with large text. */
enum class Variant(val suffix: String, val dark: Boolean, val fontScale: Float) {
    LIGHT("light", dark = false, fontScale = 1f),
    DARK("dark", dark = true, fontScale = 1f),
    LARGE_TEXT("font1.3", dark = false, fontScale = 1.3f),
}

/** Where the PNGs go: target/screens of the module (Maven sets it), looked at by eye. */
val screensDir: File = File(System.getProperty("redshield.screens.dir", "target/screens"))

/**
 * Renders [content] in the app's theme on a [Phone] screen in each [Variant] and writes
 * `<name>-light.png`, `<name>-dark.png` and `<name>-font1.3.png` to [screensDir]. Returns the
 * images, for [assertNotBlank] and the like: whether something is clipped is judged by eye.
 */
fun snapshot(name: String, content: @Composable () -> Unit): Map<Variant, BufferedImage> =
    Variant.entries.associateWith { variant ->
        val png = renderPng(variant, content)
        screensDir.mkdirs()
        File(screensDir, "$name-${variant.suffix}.png").writeBytes(png)
        ImageIO.read(ByteArrayInputStream(png))
    }

private const val FRAMES_MS = 600L

/** The desktop app's fonts, found once. */
private val fonts = desktopFontFamily()

/** One variant as PNG bytes, off screen, with the desktop app's fonts. */
fun renderPng(variant: Variant, content: @Composable () -> Unit): ByteArray {
    val scene = ImageComposeScene(
        width = Phone.widthPx,
        height = Phone.heightPx,
        density = Density(Phone.DENSITY, variant.fontScale),
    ) {
        RedshieldTheme(dark = variant.dark, fontFamily = fonts) {
            Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) { content() }
        }
    }
    try {
        // Frames 50 ms apart for 600 ms, as a screen would draw them: what the first frame
        // composed is laid out and drawn, and a running indicator shows a good part of its arc.
        for (ms in 0L until FRAMES_MS step 50L) scene.render(ms * 1_000_000)
        val image = scene.render(FRAMES_MS * 1_000_000)
        return requireNotNull(image.encodeToData(EncodedImageFormat.PNG)) { "PNG encoding failed" }.bytes
    } finally {
        scene.close()
    }
}

/**
 * How many pixels differ clearly from the background, taken as the top-left pixel's colour
 * (screens have a margin there).
 */
fun BufferedImage.inkPixels(): Int {
    val background = getRGB(0, 0)
    var count = 0
    for (y in 0 until height) {
        for (x in 0 until width) {
            if (differs(getRGB(x, y), background)) count++
        }
    }
    return count
}

private fun differs(a: Int, b: Int): Boolean {
    val channels = listOf(16, 8, 0).sumOf { shift -> abs((a shr shift and 0xFF) - (b shr shift and 0xFF)) }
    return channels > 48
}

/** Fails when an image is blank: fewer than [atLeast] pixels away from its background. */
fun assertNotBlank(image: BufferedImage, what: String, atLeast: Int = 500) {
    val ink = image.inkPixels()
    assertTrue(ink >= atLeast, "$what looks blank: $ink pixels differ from the background")
}
