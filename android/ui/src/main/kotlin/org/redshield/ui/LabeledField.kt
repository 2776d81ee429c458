package org.redshield.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.error
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.SpanStyle
import androidx.compose.ui.text.buildAnnotatedString
import androidx.compose.ui.text.withStyle
import androidx.compose.ui.unit.dp

/**
 * A form field: its [label] above the box (with a red "*" when [required]), the text, and
 * below it either the [error] — in the error colour, replacing the hint — or the [supporting]
 * hint. The label sits above rather than inside the box so that a long Chinese label never
 * shrinks into the border, and nothing here has a fixed height: at a large font size the label,
 * the text and the message below all grow instead of being clipped.
 */
@Composable
fun LabeledField(
    label: String,
    value: String,
    onValueChange: (String) -> Unit,
    modifier: Modifier = Modifier,
    required: Boolean = false,
    supporting: String? = null,
    error: String? = null,
    singleLine: Boolean = true,
    enabled: Boolean = true,
    keyboardOptions: KeyboardOptions = KeyboardOptions.Default,
) {
    Column(modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        FieldLabel(label, required)
        OutlinedTextField(
            value = value,
            onValueChange = onValueChange,
            modifier = Modifier.fillMaxWidth().semantics {
                // The label is outside the box: the box names itself for screen readers and tests.
                contentDescription = if (required) "$label（必填）" else label
                if (error != null) this.error(error)
            },
            enabled = enabled,
            isError = error != null,
            singleLine = singleLine,
            keyboardOptions = keyboardOptions,
            textStyle = MaterialTheme.typography.bodyLarge,
        )
        FieldMessage(error, supporting)
    }
}

@Composable
private fun FieldLabel(label: String, required: Boolean) {
    val error = MaterialTheme.colorScheme.error
    Text(
        text = buildAnnotatedString {
            append(label)
            if (required) withStyle(SpanStyle(color = error)) { append(" *") }
        },
        style = MaterialTheme.typography.labelLarge,
        color = MaterialTheme.colorScheme.onSurfaceVariant,
    )
}

@Composable
private fun FieldMessage(error: String?, supporting: String?) {
    val text = error ?: supporting ?: return
    Text(
        text = text,
        modifier = Modifier.padding(horizontal = 4.dp),
        style = MaterialTheme.typography.bodySmall,
        color = if (error != null) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
    )
}
