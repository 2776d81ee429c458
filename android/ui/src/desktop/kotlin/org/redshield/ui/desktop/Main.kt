package org.redshield.ui.desktop

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.ui.unit.DpSize
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Window
import androidx.compose.ui.window.application
import androidx.compose.ui.window.rememberWindowState
import java.nio.file.Path
import kotlin.system.exitProcess
import org.redshield.ui.RedshieldTheme

const val WINDOW_TITLE = "红盾 Redshield"

private const val USAGE = "usage: scripts/desktop --store DIR [--dark]"

/** What the command line asks for. */
data class Options(val store: Path, val dark: Boolean?)

/** `--store DIR` (required) and `--dark` / `--light` (default: the system's choice). */
fun parseOptions(args: Array<String>): Options? {
    var store: Path? = null
    var dark: Boolean? = null
    var i = 0
    while (i < args.size) {
        when (args[i]) {
            "--store" -> store = args.getOrNull(++i)?.let { Path.of(it).toAbsolutePath().normalize() } ?: return null
            "--dark" -> dark = true
            "--light" -> dark = false
            else -> return null
        }
        i++
    }
    return store?.let { Options(it, dark) }
}

/** The officer's app on the desktop: one window the size of a phone, on the store given. */
fun main(args: Array<String>) {
    val options = parseOptions(args) ?: run {
        System.err.println(USAGE)
        exitProcess(2)
    }
    application {
        val session = remember { StoreSession(options.store) }
        val fonts = remember { desktopFontFamily() }
        DisposableEffect(session) { onDispose { session.close() } }
        Window(
            onCloseRequest = ::exitApplication,
            title = WINDOW_TITLE,
            state = rememberWindowState(size = DpSize(400.dp, 800.dp)),
        ) {
            RedshieldTheme(dark = options.dark ?: isSystemInDarkTheme(), fontFamily = fonts) {
                Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
                    DesktopApp(session)
                }
            }
        }
    }
}
