package org.redshield.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import org.redshield.core.CoreException

/**
 * What a list or a screen shows when there is nothing in it: what is empty ([title], 暂无案件)
 * and what to do about it ([hint]), so an empty screen is never mistaken for one still loading
 * or broken.
 */
@Composable
fun EmptyState(title: String, hint: String, modifier: Modifier = Modifier) {
    Column(
        modifier = modifier.fillMaxWidth().padding(horizontal = 24.dp, vertical = 40.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Text(title, style = MaterialTheme.typography.titleMedium, textAlign = TextAlign.Center)
        Text(
            hint,
            style = MaterialTheme.typography.bodyMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            textAlign = TextAlign.Center,
        )
    }
}

/**
 * A refusal or failure, said where the officer is looking: [message] says what happened in
 * their words, [detail] the core's own text (small, for telling support), [onDismiss] adds a
 * "知道了" button. A screen reader announces it when it appears. For a [CoreException], the
 * overload below chooses the words.
 */
@Composable
fun ErrorBanner(
    message: String,
    modifier: Modifier = Modifier,
    detail: String? = null,
    onDismiss: (() -> Unit)? = null,
) {
    Surface(
        modifier = modifier.fillMaxWidth().semantics { liveRegion = LiveRegionMode.Polite },
        shape = RoundedCornerShape(12.dp),
        color = MaterialTheme.colorScheme.errorContainer,
        contentColor = MaterialTheme.colorScheme.onErrorContainer,
    ) {
        Row(Modifier.padding(start = 12.dp, top = 12.dp, end = 12.dp, bottom = 12.dp)) {
            Mark()
            Column(Modifier.weight(1f).padding(start = 12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(message, style = MaterialTheme.typography.bodyLarge, fontWeight = FontWeight.Medium)
                if (detail != null) Text(detail, style = MaterialTheme.typography.bodySmall)
                if (onDismiss != null) {
                    TextButton(onClick = onDismiss, modifier = Modifier.align(Alignment.End)) { Text("知道了") }
                }
            }
        }
    }
}

/** A refusal from the core: what it means for the officer, with the core's text as detail. */
@Composable
fun ErrorBanner(error: CoreException, modifier: Modifier = Modifier, onDismiss: (() -> Unit)? = null) {
    ErrorBanner(coreErrorMessage(error), modifier, detail = error.message?.takeIf { it.isNotBlank() }, onDismiss = onDismiss)
}

/**
 * An exclamation mark in a filled circle, so the banner reads as an error without its colour.
 * Drawn, not typed: a "!" glyph grows with the font size and would overflow the circle.
 */
@Composable
private fun Mark() {
    val fill = MaterialTheme.colorScheme.error
    val mark = MaterialTheme.colorScheme.onError
    Canvas(Modifier.size(24.dp)) {
        drawCircle(fill)
        val x = size.width / 2
        val stroke = size.width * 0.14f
        drawLine(mark, Offset(x, size.height * 0.24f), Offset(x, size.height * 0.56f), stroke, StrokeCap.Round)
        drawCircle(mark, radius = stroke * 0.65f, center = Offset(x, size.height * 0.76f))
    }
}

/**
 * The officer's words for each refusal of the core: what happened and what to do. Until the
 * core words its errors for the screens, this is the one place they are said.
 */
fun coreErrorMessage(error: CoreException): String = when (error) {
    is CoreException.InvalidInput -> "输入有误，请检查后重试"
    is CoreException.NotFound -> "找不到该记录"
    is CoreException.NotSignedIn -> "请先签到"
    is CoreException.WrongState -> "案件当前状态不允许此操作"
    is CoreException.StoreUnavailable -> "无法读写本机数据目录"
    is CoreException.NotAStore -> "该目录中的文件不是红盾数据，未作改动"
    is CoreException.StoreTooNew -> "数据由更新版本的应用写入，请先更新应用"
    is CoreException.CorruptLog, is CoreException.DamagedRecord -> "本机数据已损坏，请联系技术支持"
    is CoreException.DamagedProjection -> "本机数据表已损坏，可从日志重建"
    is CoreException.CaseHandedOver -> "该案件已由中心转交其他设备办理"
    is CoreException.NoCalendarData -> "缺少该年度的节假日数据，请先与中心同步"
    is CoreException.FileUnavailable -> "无法读取或写入文件"
    is CoreException.Platform -> "设备密钥或时钟出错"
    is CoreException.Storage -> "存储出错，请检查手机存储空间"
    is CoreException.Internal -> "程序出错，请联系技术支持"
    is CoreException.SyncRefused -> "中心拒绝了本次同步"
    is CoreException.NotDelivered -> "未能送达中心，数据已保存在本机，稍后重试"
    is CoreException.NotEnrolled -> "本设备尚未在中心注册"
    is CoreException.SyncConflict -> "本机数据与中心不一致，请联系中心"
    is CoreException.Cancelled -> "同步已取消"
}
