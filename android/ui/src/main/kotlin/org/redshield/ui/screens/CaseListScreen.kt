package org.redshield.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.lazy.LazyRow
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.redshield.core.CaseKind
import org.redshield.core.CaseQuery
import org.redshield.core.CaseRow
import org.redshield.core.CaseState
import org.redshield.core.Choice
import org.redshield.ui.ActionButton
import org.redshield.ui.ActionKind
import org.redshield.ui.EmptyState
import org.redshield.ui.LabeledField
import org.redshield.ui.SectionHeader
import org.redshield.core.CaseListScreen as CaseListModel

/**
 * 案件: words and a phone number to search by, the kind and state filters as the core offers
 * them, the rows of the page and 更多 while there are more. A phone number that is not one is
 * the model's `problem`, said under the phone field.
 */
@Composable
fun CaseListScreen(
    model: CaseListModel,
    onQuery: (CaseQuery) -> Unit,
    onOpen: ((caseId: String) -> Unit)?,
    modifier: Modifier = Modifier,
    query: CaseQuery = CaseQuery(),
    onMore: (after: String) -> Unit = { onQuery(query.copy(after = it)) },
    busy: Boolean = false,
) {
    var text by remember { mutableStateOf(query.text.orEmpty()) }
    var phone by remember { mutableStateOf(query.phone.orEmpty()) }
    ScreenPage(modifier) {
        ScreenTitle("案件")
        LabeledField("查找", text, {
            text = it
            onQuery(query.copy(text = it.ifBlank { null }, after = null))
        }, supporting = "姓名、商家、商品或案件编号")
        LabeledField(
            "手机号码",
            phone,
            {
                phone = it
                onQuery(query.copy(phone = it.ifBlank { null }, after = null))
            },
            error = model.problem,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
        )
        Filters("类别", model.kinds) { choice ->
            onQuery(query.copy(kind = chosen<CaseKind>(choice), after = null))
        }
        Filters("状态", model.states) { choice ->
            onQuery(query.copy(state = chosen<CaseState>(choice), after = null))
        }
        SectionHeader("结果", trailing = if (model.rows.isEmpty()) null else "${model.rows.size} 件")
        if (model.rows.isEmpty()) EmptyState(model.empty, "换个词，或清除筛选条件再找。".takeIf { filtered(query) } ?: "登记的案件会按受理时间列在这里。")
        for (row in model.rows) CaseRowView(row, onOpen?.let { open -> { open(row.caseId) } })
        model.next?.let { next ->
            ActionButton("更多", { onMore(next) }, kind = ActionKind.SECONDARY, fullWidth = true, busy = busy)
        }
    }
}

private fun filtered(q: CaseQuery) = q.kind != null || q.state != null || !q.text.isNullOrBlank() || !q.phone.isNullOrBlank()

/** The filter a chip sets: none for 全部 (an empty value) and for the chip already chosen. */
private inline fun <reified E : Enum<E>> chosen(choice: Choice): E? =
    if (choice.value.isEmpty() || choice.selected) null else enumOf<E>(choice.value)

/** The core's enum named by a choice's wire value ("in_mediation" → IN_MEDIATION). */
inline fun <reified E : Enum<E>> enumOf(value: String): E = enumValues<E>().first { it.name.equals(value, ignoreCase = true) }

/**
 * One filter: its title, then its chips in one line that scrolls sideways (fifteen states
 * would otherwise push the rows off the screen), opened where the chosen chip is seen.
 */
@Composable
private fun Filters(title: String, choices: List<Choice>, onChoose: (Choice) -> Unit) {
    val chosen = choices.indexOfFirst { it.selected }.coerceAtLeast(0)
    val scroll = rememberLazyListState(initialFirstVisibleItemIndex = (chosen - 1).coerceAtLeast(0))
    Column {
        Text(title, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
        LazyRow(Modifier.fillMaxWidth(), state = scroll, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            items(choices, key = { it.value }) { choice ->
                FilterChip(selected = choice.selected, onClick = { onChoose(choice) }, label = { Text(choice.label) })
            }
        }
    }
}

/**
 * A case as a row: number and received time, kind and state, who against whom, the goods.
 * Pressable when there is a case screen to open ([onOpen]).
 */
@Composable
private fun CaseRowView(row: CaseRow, onOpen: (() -> Unit)?) {
    Column(
        Modifier.fillMaxWidth()
            .heightIn(min = TouchTarget)
            .then(if (onOpen != null) Modifier.clickable(role = Role.Button, onClick = onOpen) else Modifier)
            .padding(vertical = 8.dp),
        verticalArrangement = Arrangement.spacedBy(2.dp),
    ) {
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(row.kindAndState, Modifier.weight(1f), style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
            Text(row.received, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        Text(row.title, style = MaterialTheme.typography.bodyLarge, fontWeight = FontWeight.Medium)
        row.subject?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
        Text(row.number, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
    }
    HorizontalDivider(color = MaterialTheme.colorScheme.outlineVariant)
}
