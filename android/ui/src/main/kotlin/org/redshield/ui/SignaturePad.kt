package org.redshield.ui

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.gestures.awaitEachGesture
import androidx.compose.foundation.gestures.awaitFirstDown
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.Stable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateListOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.StrokeJoin
import androidx.compose.ui.graphics.drawscope.DrawScope
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.input.pointer.positionChanged
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.IntSize
import androidx.compose.ui.unit.dp
import org.redshield.core.StrokePoint

/** Milliseconds on a clock that never runs backwards: a stroke's times must not (the core checks). */
fun monotonicMs(): Long = System.nanoTime() / 1_000_000

/**
 * The strokes drawn on a [SignaturePad]: each a list of points in the pad's pixels, timed by
 * [now] when the finger reached them. Finished strokes and the one under the finger are
 * snapshot state, so the ink follows the finger. [now] is a parameter so tests can time strokes;
 * [initial] brings back strokes drawn before (the screen was rebuilt).
 */
@Stable
class SignaturePadState(
    private val now: () -> Long = ::monotonicMs,
    initial: List<List<StrokePoint>> = emptyList(),
) {
    private val finished = mutableStateListOf<List<StrokePoint>>().apply { addAll(initial) }
    private val drawing = mutableStateListOf<StrokePoint>()

    /** The finished strokes, as the core takes them (`DocumentAct.Sign`). */
    val strokes: List<List<StrokePoint>> get() = finished.toList()

    val isEmpty: Boolean get() = finished.isEmpty() && drawing.isEmpty()

    internal val ink: List<List<StrokePoint>> get() = if (drawing.isEmpty()) finished else finished + listOf(drawing.toList())

    internal fun begin(at: Offset) {
        drawing.clear()
        add(at)
    }

    internal fun add(at: Offset) {
        drawing.add(StrokePoint(x = at.x.toDouble(), y = at.y.toDouble(), tMs = now()))
    }

    /** Ends the stroke under the finger; a touch without a move is a one-point stroke (a dot). */
    internal fun end(): List<List<StrokePoint>> {
        if (drawing.isNotEmpty()) finished.add(drawing.toList())
        drawing.clear()
        return strokes
    }

    fun clear() {
        finished.clear()
        drawing.clear()
    }
}

@Composable
fun rememberSignaturePadState(now: () -> Long = ::monotonicMs): SignaturePadState = remember { SignaturePadState(now) }

/**
 * Where a consumer, a merchant or an officer signs a document with a finger or a pen. It records
 * each stroke with its times while the finger moves (the core keeps the strokes and renders them
 * to the signature image), shows the ink as it is drawn, and reports all strokes to [onStrokes]
 * each time a finger lifts and after "清除" (then with none). Points are clamped to the pad, so
 * the ink recorded is the ink seen.
 */
@Composable
fun SignaturePad(
    onStrokes: (List<List<StrokePoint>>) -> Unit,
    modifier: Modifier = Modifier,
    state: SignaturePadState = rememberSignaturePadState(),
    hint: String = "请在框内签名",
    height: Dp = 200.dp,
) {
    val report by rememberUpdatedState(onStrokes)
    Column(modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Surface(
            modifier = Modifier.fillMaxWidth().height(height),
            shape = RoundedCornerShape(12.dp),
            color = MaterialTheme.colorScheme.surfaceContainerLowest,
            border = BorderStroke(1.dp, MaterialTheme.colorScheme.outline),
        ) {
            Box(Modifier.fillMaxSize()) {
                if (state.isEmpty) Hint(hint)
                Ink(state, MaterialTheme.colorScheme.onSurface, Modifier.fillMaxSize().recordStrokes(state) { report(it) })
            }
        }
        ActionButton(
            text = "清除",
            onClick = {
                state.clear()
                report(emptyList())
            },
            modifier = Modifier.align(Alignment.End),
            kind = ActionKind.SECONDARY,
            enabled = !state.isEmpty,
        )
    }
}

@Composable
private fun Hint(hint: String) {
    Box(Modifier.fillMaxSize().padding(16.dp), contentAlignment = Alignment.Center) {
        Text(hint, style = MaterialTheme.typography.bodyLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
    }
}

@Composable
private fun Ink(state: SignaturePadState, color: Color, modifier: Modifier) {
    val strokes = state.ink
    Canvas(modifier.semantics {
        contentDescription = "签名板"
        stateDescription = if (strokes.isEmpty()) "空白" else "已写 ${strokes.size} 笔"
    }) {
        val width = 3.dp.toPx()
        for (stroke in strokes) drawStroke(stroke, color, width)
    }
}

private fun DrawScope.drawStroke(stroke: List<StrokePoint>, color: Color, width: Float) {
    val first = stroke.first()
    if (stroke.size == 1) {
        drawCircle(color, radius = width / 2, center = Offset(first.x.toFloat(), first.y.toFloat()))
        return
    }
    val path = Path().apply {
        moveTo(first.x.toFloat(), first.y.toFloat())
        for (p in stroke.drop(1)) lineTo(p.x.toFloat(), p.y.toFloat())
    }
    drawPath(path, color, style = Stroke(width = width, cap = StrokeCap.Round, join = StrokeJoin.Round))
}

/**
 * One stroke per finger on the pad, from its first touch (no touch slop: a dot counts) to its
 * lift. The moves are consumed, so a scrolling screen around the pad does not scroll while
 * someone signs.
 */
private fun Modifier.recordStrokes(state: SignaturePadState, onStrokes: (List<List<StrokePoint>>) -> Unit) =
    pointerInput(state) {
        awaitEachGesture {
            val down = awaitFirstDown()
            down.consume()
            state.begin(down.position.within(size))
            while (true) {
                val change = awaitPointerEvent().changes.firstOrNull { it.id == down.id } ?: break
                if (!change.pressed) break
                if (change.positionChanged()) {
                    state.add(change.position.within(size))
                    change.consume()
                }
            }
            onStrokes(state.end())
        }
    }

private fun Offset.within(size: IntSize) = Offset(x.coerceIn(0f, size.width.toFloat()), y.coerceIn(0f, size.height.toFloat()))
