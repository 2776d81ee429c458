package org.redshield.ui.desktop

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import androidx.compose.ui.test.runComposeUiTest
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import org.redshield.core.PlatformException
import org.redshield.ui.RedshieldTheme
import org.redshield.ui.assertNotBlank
import org.redshield.ui.snapshot

/** The desktop app's own parts: its Platform, its options, its start screen on a real store. */
@OptIn(ExperimentalTestApi::class)
class DesktopTest {
    @TempDir
    lateinit var dir: Path

    private val store get() = dir.resolve("store")

    /** Runs the `redshield` command (built by bindings/generate) on [store]; returns its output. */
    private fun redshield(vararg args: String): String {
        val bin = System.getProperty("redshield.bin") ?: error("redshield.bin is not set (run through Maven)")
        val process = ProcessBuilder(listOf(bin, "--json", "--store", store.toString()) + args)
            .redirectErrorStream(true)
            .start()
        val output = process.inputStream.bufferedReader().readText()
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "redshield ${args.toList()} did not finish")
        assertEquals(0, process.exitValue(), output)
        return output
    }

    private fun deviceIdIn(json: String): String =
        Regex("\"device_id\"\\s*:\\s*\"([^\"]+)\"").find(json)?.groupValues?.get(1) ?: error("no device_id in $json")

    @Test
    fun `the key file is its owner's alone, and only its key unwraps what it wrapped`() {
        val platform = DesktopPlatform.forStore(store)
        val keyFile = store.resolve(DesktopPlatform.KEY_FILE)
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        assertEquals(32, Files.size(keyFile))

        val secret = "设备密钥".toByteArray()
        val wrapped = platform.wrapSecret(secret)
        assertArrayEquals(secret, DesktopPlatform.forStore(store).unwrapSecret(wrapped), "the same key file, read again")
        val other = DesktopPlatform.forStore(dir.resolve("other"))
        assertThrows<PlatformException.Failed> { other.unwrapSecret(wrapped) }

        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"))
        val refused = assertThrows<IllegalArgumentException> { DesktopPlatform.forStore(store) }
        assertTrue(refused.message!!.contains("chmod 600"), refused.message)
    }

    @Test
    fun `a store made by the redshield command opens here, and one made here opens there`() {
        val made = deviceIdIn(redshield("init", "--officer-name", "李明", "--officer-id", "HN-12315-0042"))
        openStore(store).use { core ->
            assertEquals(made, core.deviceId())
            assertEquals("李明", core.currentOfficer()?.name)
            core.signIn("张伟", "HN-12315-0077")
        }
        val shown = redshield("officer", "show")
        assertEquals(made, deviceIdIn(shown))
        assertTrue(shown.contains("张伟"), shown)
    }

    @Test
    fun `the options name the store, and nothing else is taken`() {
        assertEquals(Options(Path.of("/tmp/demo"), dark = null), parseOptions(arrayOf("--store", "/tmp/demo")))
        assertEquals(true, parseOptions(arrayOf("--dark", "--store", "/tmp/demo"))?.dark)
        assertNull(parseOptions(arrayOf()))
        assertNull(parseOptions(arrayOf("--store")))
        assertNull(parseOptions(arrayOf("--store", "/tmp/demo", "--colour")))
    }

    @Test
    fun `the start screen opens the store, shows the device, and signs an officer in`() {
        StoreSession(store).use { session ->
            runComposeUiTest {
                setContent { RedshieldTheme(dark = false) { StartScreen(session) } }
                waitUntil(timeoutMillis = 30_000) { session.state is StoreState.Open }
                val device = (session.state as StoreState.Open).deviceId
                onNodeWithText(device).assertExists()
                onNodeWithText("未签到").assertExists()

                onNodeWithContentDescription("姓名（必填）").performTextInput("李明")
                onNodeWithContentDescription("执法证号（必填）").performTextInput("12")
                onNodeWithText("签到").performClick()
                waitUntil(timeoutMillis = 30_000) { onAllText("输入有误，请检查后重试") }

                onNodeWithContentDescription("执法证号（必填）").performTextReplacement("HN-12315-0042")
                onNodeWithText("签到").performClick()
                waitUntil(timeoutMillis = 30_000) { onAllText("李明（HN-12315-0042）") }
                onNodeWithText("输入有误，请检查后重试").assertDoesNotExist()
            }
        }
        openStore(store).use { assertEquals("HN-12315-0042", it.currentOfficer()?.enforcementId) }
    }

    @Test
    fun `once an officer is signed in, the window shows the app and its bottom bar`() {
        openStore(store).use { it.signIn("李明", "HN-12315-0042") }
        StoreSession(store).use { session ->
            runComposeUiTest {
                setContent { RedshieldTheme(dark = false) { DesktopApp(session) } }
                waitUntil(timeoutMillis = 30_000) { onAllText("暂无派单") }
                onNodeWithText("设置").performClick()
                waitUntil(timeoutMillis = 30_000) { onAllText("未注册到中心") }
            }
        }
    }

    @Test
    fun `导航 on the desktop opens Amap on the site as given`() {
        val uri = amapUri(org.redshield.core.GeoPosition(latitude = 28.191, longitude = 112.987))
        assertEquals("https://uri.amap.com/marker?position=112.987000,28.191000&name=%E7%8E%B0%E5%9C%BA", uri.toString())
    }

    @Test
    fun `the start screen, rendered`() {
        StoreSession(store).use { session ->
            runBlocking { session.open() }
            snapshot("start") { StartScreen(session) }.forEach { (variant, image) -> assertNotBlank(image, "start, $variant") }
        }
    }

    private fun androidx.compose.ui.test.ComposeUiTest.onAllText(text: String): Boolean =
        onAllNodes(androidx.compose.ui.test.hasText(text)).fetchSemanticsNodes().isNotEmpty()
}
