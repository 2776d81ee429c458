package org.redshield.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.redshield.core.MonthFigures
import org.redshield.core.NewTrip
import org.redshield.core.Purpose
import org.redshield.core.TripLive
import org.redshield.ui.ActionButton
import org.redshield.ui.ActionKind
import org.redshield.ui.KeyValueRow
import org.redshield.ui.LabeledField
import org.redshield.ui.SectionHeader
import org.redshield.core.TripScreen as TripModel

/**
 * 出车: the trip under way with its live figures and 收车, or the form that starts one (the
 * vehicle picked from those driven or typed, the purpose, the crew, the odometer if read);
 * below either, the month's figures.
 */
@Composable
fun TripScreen(
    model: TripModel,
    onStart: (NewTrip) -> Unit,
    onEnd: (odometerKm: Double?) -> Unit,
    modifier: Modifier = Modifier,
    busy: Boolean = false,
) {
    ScreenPage(modifier) {
        ScreenTitle("出车")
        val running = model.running
        if (running != null) LiveTrip(running, onEnd, busy) else StartForm(model, onStart, busy)
        Month(model.month)
    }
}

@Composable
private fun LiveTrip(trip: TripLive, onEnd: (Double?) -> Unit, busy: Boolean) {
    SectionHeader("行程中", trailing = trip.started)
    ScreenCard(emphasis = true) {
        Text("${trip.vehicle} · ${trip.purpose}", style = MaterialTheme.typography.titleSmall)
        Row(verticalAlignment = Alignment.Bottom, horizontalArrangement = Arrangement.spacedBy(16.dp)) {
            Text(trip.distance, style = MaterialTheme.typography.headlineMedium)
            Text(trip.duration, style = MaterialTheme.typography.bodyLarge)
        }
        Text(trip.movement, style = MaterialTheme.typography.bodyMedium)
        trip.gaps?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant) }
        Text(trip.fixes, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
    }
    KeyValueRow("人员", trip.crew)
    var odometer by remember(trip.tripId) { mutableStateOf("") }
    val startReading = trip.odometerStart
    if (startReading != null) {
        LabeledField(
            "收车里程（公里）",
            odometer,
            { odometer = it },
            supporting = startReading,
            error = if (odometer.isNotBlank() && odometer.toDoubleOrNull() == null) "请填写数字，如 12380.5" else null,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Decimal),
        )
    }
    ActionButton("收车", { onEnd(odometer.trim().toDoubleOrNull()) }, fullWidth = true, busy = busy)
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun StartForm(model: TripModel, onStart: (NewTrip) -> Unit, busy: Boolean) {
    var vehicle by remember(model.vehicles) { mutableStateOf(model.vehicles.firstOrNull().orEmpty()) }
    var purpose by remember(model.purposes) { mutableStateOf(model.purposes.firstOrNull { it.selected }?.value) }
    var crew by remember(model.crew) { mutableStateOf(model.crew.joinToString("、")) }
    var odometer by remember { mutableStateOf("") }

    SectionHeader("新的出车")
    if (model.vehicles.isNotEmpty()) {
        Text("车辆", style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            for (v in model.vehicles) FilterChip(selected = v == vehicle, onClick = { vehicle = v }, label = { Text(v) })
        }
    }
    LabeledField("车牌号", vehicle, { vehicle = it }, required = true, supporting = "如 湘A·12315")
    Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
        Text("事由", style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            for (p in model.purposes) FilterChip(selected = p.value == purpose, onClick = { purpose = p.value }, label = { Text(p.label) })
        }
    }
    LabeledField("人员", crew, { crew = it }, supporting = "多人用“、”隔开")
    val reading = odometer.trim().toDoubleOrNull()
    LabeledField(
        "出发里程（公里）",
        odometer,
        { odometer = it },
        supporting = "可不填",
        error = if (odometer.isNotBlank() && reading == null) "请填写数字，如 12345.6" else null,
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Decimal),
    )
    val chosen = purpose
    ActionButton(
        "开始出车",
        {
            onStart(
                NewTrip(
                    vehicle = vehicle.trim(),
                    crew = crew.split('、', ',', '，').map { it.trim() }.filter { it.isNotEmpty() },
                    purpose = enumOf<Purpose>(chosen!!),
                    odometerKm = reading,
                ),
            )
        },
        fullWidth = true,
        busy = busy,
        enabled = vehicle.isNotBlank() && chosen != null && (odometer.isBlank() || reading != null),
    )
}

@Composable
private fun Month(month: MonthFigures) {
    SectionHeader("本月", trailing = month.month)
    KeyValueRow("合计", month.total)
    for (line in month.vehicles) KeyValueRow(line.label, line.figures)
}
