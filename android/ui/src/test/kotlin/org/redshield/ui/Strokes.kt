package org.redshield.ui

import kotlin.math.PI
import kotlin.math.sin
import org.redshield.core.StrokePoint

/**
 * 王 as a finger writes it on a signature pad of the [Phone] (pixels, a point every 16 ms):
 * three wavering horizontal strokes and a vertical one, with a pause between strokes.
 */
fun sampleSignature(): List<List<StrokePoint>> {
    var t = 1_000L
    fun stroke(x0: Double, y0: Double, x1: Double, y1: Double, points: Int): List<StrokePoint> =
        (0 until points).map { i ->
            val f = i.toDouble() / (points - 1)
            val wobble = 6.0 * sin(f * PI * 2.5)
            StrokePoint(x = x0 + (x1 - x0) * f + wobble, y = y0 + (y1 - y0) * f + wobble, tMs = t + i * 16L)
        }.also { t += points * 16L + 180L }
    return listOf(
        stroke(260.0, 130.0, 640.0, 120.0, 24),
        stroke(290.0, 270.0, 610.0, 276.0, 20),
        stroke(220.0, 430.0, 680.0, 420.0, 28),
        stroke(450.0, 120.0, 456.0, 430.0, 22),
    )
}
