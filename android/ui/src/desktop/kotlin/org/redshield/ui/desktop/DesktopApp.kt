package org.redshield.ui.desktop

import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import java.awt.Desktop
import java.net.URI
import java.util.Locale
import org.redshield.core.GeoPosition
import org.redshield.ui.screens.AppScreens
import org.redshield.ui.screens.OfficerApp

/**
 * The desktop window's content: the start screen until the store is open and an officer signed
 * in, then the officer's app (今日 / 案件 / 出车 / 设置) on that store.
 */
@Composable
fun DesktopApp(session: StoreSession) {
    val state = session.state
    val core = session.core
    if (state !is StoreState.Open || state.officer == null || core == null) {
        StartScreen(session)
        return
    }
    val scope = rememberCoroutineScope()
    val screens = remember(core) { AppScreens(core, scope) }
    DisposableEffect(screens) { onDispose { screens.close() } }
    OfficerApp(screens, navigate = ::openMap)
}

/**
 * 导航 on the desktop: Amap's web page for the site, which takes GCJ-02 as the screen gives it
 * (a phone opens the map app instead).
 */
fun amapUri(site: GeoPosition): URI =
    URI(String.format(Locale.ROOT, "https://uri.amap.com/marker?position=%.6f,%.6f&name=%s", site.longitude, site.latitude, "%E7%8E%B0%E5%9C%BA"))

private fun openMap(site: GeoPosition) {
    if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
        Desktop.getDesktop().browse(amapUri(site))
    } else {
        System.err.println("导航: ${amapUri(site)}")
    }
}
