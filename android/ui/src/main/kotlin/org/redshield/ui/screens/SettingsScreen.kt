package org.redshield.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import org.redshield.core.StatusLine
import org.redshield.core.Urgency
import org.redshield.ui.KeyValueRow
import org.redshield.ui.SectionHeader
import org.redshield.ui.UrgencyChip
import org.redshield.core.SettingsScreen as SettingsModel

/**
 * 设置: this device, the officer, the centre and where sync stands, the reference data held
 * (what is missing coloured by how soon it is needed), the space the store takes.
 */
@Composable
fun SettingsScreen(model: SettingsModel, modifier: Modifier = Modifier) {
    ScreenPage(modifier) {
        ScreenTitle("设置")
        SectionHeader("本机")
        KeyValueRow("设备", model.device)
        KeyValueRow("签到人员", model.officer ?: "未签到")

        SectionHeader("中心")
        model.centre?.let { KeyValueRow("中心地址", it) }
        model.enrolled?.let { KeyValueRow("注册", it) }
        SyncLineView(model.sync)

        SectionHeader("基础数据")
        for (line in model.reference) StatusRow(line)

        SectionHeader("存储")
        for (line in model.storage) StatusRow(line)
    }
}

/**
 * A thing and how it stands. Calm is said as plain text; anything the officer should see to is
 * said on a chip in its urgency's colours.
 */
@Composable
private fun StatusRow(line: StatusLine) {
    if (line.urgency == Urgency.CALM) {
        KeyValueRow(line.label, line.value)
        return
    }
    Column(Modifier.fillMaxWidth().heightIn(min = 40.dp).padding(vertical = 6.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text(line.label, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        UrgencyChip(line.value, line.urgency)
    }
}
