package org.redshield.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import java.awt.image.BufferedImage
import org.junit.jupiter.api.Test
import org.redshield.core.CoreException
import org.redshield.core.Urgency

/**
 * Every component, rendered through [snapshot] into target/screens (light, dark, large text)
 * to be looked at; each image must at least not be blank.
 */
class GalleryTest {
    @Composable
    private fun Page(content: @Composable () -> Unit) {
        Column(
            Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) { content() }
    }

    private fun Map<Variant, BufferedImage>.assertDrawn(name: String) =
        forEach { (variant, image) -> assertNotBlank(image, "$name, $variant") }

    @Test
    fun `urgency chips, section headers and key-value rows`() {
        snapshot("gallery-chips") {
            Page {
                SectionHeader("期限", trailing = "4 项")
                UrgencyChip("还有 12 个工作日", Urgency.CALM)
                UrgencyChip("3 天后到期", Urgency.SOON)
                UrgencyChip("今日到期", Urgency.DUE)
                UrgencyChip("已超期 2 天", Urgency.BREACHED)
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    UrgencyChip("受理：今日到期", Urgency.DUE)
                    UrgencyChip("调解：已超期", Urgency.BREACHED)
                }
                SectionHeader("案件")
                KeyValueRow("案件编号", "7KQ2-20260212-003")
                KeyValueRow("投诉人", "王芳")
                KeyValueRow("被投诉人", "长沙市某某超市")
                KeyValueRow("被投诉人地址", "长沙市芙蓉区五一大道 1 号某某商业广场负一楼 B12 铺")
                KeyValueRow("涉及金额", "¥12.80")
            }
        }.assertDrawn("chips")
    }

    @Test
    fun `labeled fields with a required mark, a hint and an error`() {
        snapshot("gallery-fields") {
            Page {
                SectionHeader("投诉人")
                LabeledField("姓名", "王芳", {}, required = true)
                LabeledField(
                    "手机号码", "1380731223", {}, required = true,
                    error = "手机号码应为 11 位数字",
                )
                LabeledField("住址", "", {}, supporting = "写到门牌号，如“书院路 9 号”")
                LabeledField(
                    "事实与理由", "消费者于 2 月 10 日在该超市购买酸奶两盒，回家后发现已超过保质期三天，要求退款并赔偿。", {},
                    required = true, singleLine = false,
                )
            }
        }.assertDrawn("fields")
    }

    @Test
    fun `empty state and error banners`() {
        snapshot("gallery-messages") {
            Page {
                ErrorBanner("网络不可用，案件已保存在本机，稍后自动同步")
                ErrorBanner(CoreException.InvalidInput("complainants[0].phone", "must be 11 digits"), onDismiss = {})
                ErrorBanner(CoreException.NotSignedIn())
                EmptyState("暂无案件", "点击下方“登记案件”开始受理消费者的投诉、举报或咨询。")
            }
        }.assertDrawn("messages")
    }

    @Test
    fun `action buttons in every kind and state`() {
        snapshot("gallery-buttons") {
            Page {
                ActionButton("受理", {}, fullWidth = true)
                ActionButton("保存草稿", {}, kind = ActionKind.SECONDARY, fullWidth = true)
                ActionButton("不予受理", {}, kind = ActionKind.DANGER, fullWidth = true)
                ActionButton("正在同步", {}, fullWidth = true, busy = true)
                ActionButton("结束调解", {}, fullWidth = true, enabled = false)
                ActionButton("确认当事人已阅读并同意以上调解协议的全部内容", {}, fullWidth = true)
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    ActionButton("取消", {}, kind = ActionKind.SECONDARY)
                    ActionButton("确定", {})
                }
            }
        }.assertDrawn("buttons")
    }

    @Test
    fun `signature pad, empty and with ink`() {
        snapshot("gallery-signature") {
            Page {
                SectionHeader("当事人签名")
                SignaturePad({}, state = SignaturePadState(initial = sampleSignature()))
                SectionHeader("见证人签名")
                SignaturePad({})
            }
        }.assertDrawn("signature")
    }
}
