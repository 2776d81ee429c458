package org.redshield.ui.desktop

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import java.nio.file.Path
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.redshield.core.CoreException
import org.redshield.core.FieldCore
import org.redshield.core.Officer
import org.redshield.ui.ActionButton
import org.redshield.ui.ErrorBanner
import org.redshield.ui.KeyValueRow
import org.redshield.ui.LabeledField
import org.redshield.ui.SectionHeader
import org.redshield.ui.coreErrorMessage

/** What the start screen shows of the store. */
sealed interface StoreState {
    data object Opening : StoreState

    data class Open(val deviceId: String, val officer: Officer?) : StoreState

    data class Failed(val message: String, val detail: String?) : StoreState
}

/** Opens the store in [dir] as the desktop app does: its own [DesktopPlatform]. */
fun openStore(dir: Path): FieldCore = FieldCore.open(dir.toString(), DesktopPlatform.forStore(dir))

/**
 * The store the window works on: opened off the UI thread (the core reads and checks its
 * files), closed with the window. The state is set on the caller's thread, the UI's.
 */
class StoreSession(val dir: Path, private val opener: (Path) -> FieldCore = ::openStore) : AutoCloseable {
    var state: StoreState by mutableStateOf(StoreState.Opening)
        private set
    /** The opened store, once [open] has succeeded; closed with the session. */
    var core: FieldCore? = null
        private set

    /** Opens the store, once: a screen shown again finds it open. */
    suspend fun open() {
        if (core != null) return
        state = try {
            val opened = withContext(Dispatchers.IO) { opener(dir) }
            core = opened
            withContext(Dispatchers.IO) { StoreState.Open(opened.deviceId(), opened.currentOfficer()) }
        } catch (e: CoreException) {
            StoreState.Failed(coreErrorMessage(e), e.message)
        } catch (e: Exception) {
            StoreState.Failed("无法打开数据目录", e.message)
        }
    }

    /** Signs an officer in; a refusal is thrown for the form to show. */
    suspend fun signIn(name: String, enforcementId: String) {
        val open = checkNotNull(core) { "the store is not open" }
        state = withContext(Dispatchers.IO) { StoreState.Open(open.deviceId(), open.signIn(name, enforcementId)) }
    }

    override fun close() {
        core?.close()
        core = null
    }
}

/**
 * The first screen of the desktop app, for now: which store, which device, who is signed in,
 * and a sign-in form when no one is.
 */
@Composable
fun StartScreen(session: StoreSession) {
    LaunchedEffect(session) { session.open() }
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Text("红盾 · 流动维权车", style = MaterialTheme.typography.headlineSmall)
        SectionHeader("本机")
        KeyValueRow("数据目录", session.dir.toString())
        when (val state = session.state) {
            StoreState.Opening -> Opening()
            is StoreState.Failed -> ErrorBanner(state.message, detail = state.detail)
            is StoreState.Open -> OpenStore(state, session)
        }
    }
}

@Composable
private fun Opening() {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(12.dp)) {
        CircularProgressIndicator(Modifier.size(20.dp), strokeWidth = 2.dp)
        Text("正在打开数据目录…")
    }
}

@Composable
private fun OpenStore(state: StoreState.Open, session: StoreSession) {
    KeyValueRow("设备编号", state.deviceId)
    val officer = state.officer
    KeyValueRow("签到人员", if (officer == null) "未签到" else "${officer.name}（${officer.enforcementId}）")
    if (officer == null) SignInForm(session)
}

@Composable
private fun SignInForm(session: StoreSession) {
    var name by remember { mutableStateOf("") }
    var id by remember { mutableStateOf("") }
    var busy by remember { mutableStateOf(false) }
    var refusal by remember { mutableStateOf<CoreException?>(null) }
    val scope = rememberCoroutineScope()
    SectionHeader("当班人员")
    refusal?.let { ErrorBanner(it, onDismiss = { refusal = null }) }
    LabeledField("姓名", name, { name = it }, required = true)
    LabeledField("执法证号", id, { id = it }, required = true, supporting = "如 HN-12315-0042")
    ActionButton("签到", fullWidth = true, busy = busy, enabled = name.isNotBlank() && id.isNotBlank(), onClick = {
        scope.launch {
            busy = true
            refusal = null
            try {
                session.signIn(name.trim(), id.trim())
            } catch (e: CoreException) {
                refusal = e
            } finally {
                busy = false
            }
        }
    })
}
