package org.redshield.core

import java.io.IOException
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.net.URI
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.concurrent.thread
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * Sync from Kotlin against a real centre: the `redshield` binary (`redshield serve`, built by
 * bindings/generate; Maven passes its path as `redshield.bin`) on a temp data dir. Progress
 * through a listener; a coroutine cancelled in the middle of a push (Kotlin drops the Rust
 * future where it stands) and a sync cancelled through its `SyncHandle`, each followed by a
 * sync that loses nothing and doubles nothing. A relay between the device and the centre holds
 * one exchange so that the cancel lands mid-push every time, with no sleeps.
 */
class SyncTest {
    @TempDir
    lateinit var dir: Path

    private lateinit var centre: Centre

    @BeforeEach
    fun startCentre() {
        centre = Centre.start()
    }

    @AfterEach
    fun stopCentre() {
        centre.close()
    }

    private fun complaint(name: String) = NewCase(
        kind = CaseKind.COMPLAINT,
        complainants = listOf(Person(name = name, phone = "13807312233", address = "长沙市天心区书院路 9 号")),
        respondent = Business(name = "长沙市某某超市", address = "芙蓉区五一大道 1 号"),
        matter = NewMatter(facts = "购买的酸奶已过保质期", demands = listOf(DemandKind.REFUND)),
    )

    /** A signed-in device with [cases] complaints, enrolled with the centre at [server]. */
    private suspend fun phone(server: String, cases: Int = 3): FieldCore {
        val core = FieldCore.open(dir.resolve("store").toString(), KeystorePlatform())
        core.signIn("李明", "HN-12315-0042")
        repeat(cases) { core.openCase(complaint("王芳$it")) }
        core.enrol(server, centre.enrolmentCode(), null)
        return core
    }

    /** The device's last seq: its events are numbered 1, 2, … without gaps. */
    private fun FieldCore.head(): ULong = verifyChain().events

    private class Heard : SyncListener {
        val progress = CopyOnWriteArrayList<SyncProgress>()

        override fun progress(progress: SyncProgress) {
            this.progress.add(progress)
        }
    }

    @Test
    fun `a listener hears every phase and the report holds the centre's acknowledgement`() = runBlocking {
        phone(centre.url).use { core ->
            val head = core.head()
            val heard = Heard()
            val report = core.sync(heard, null)
            assertEquals(head, report.eventsPushed)
            assertEquals(head, report.ackedSeq)
            assertEquals(head.toLong(), centre.metric("redshield_events_stored_total"))
            val phases = heard.progress.map { it.phase }.distinct()
            assertEquals(listOf(SyncPhase.PUSHING, SyncPhase.PULLING, SyncPhase.DONE), phases)
            val first = heard.progress.first()
            assertEquals(0UL to head, first.eventsPushed to first.eventsToPush)
            val done = heard.progress.last()
            assertEquals(
                listOf(report.eventsPushed, report.bytesSent, report.serverEventsApplied),
                listOf(done.eventsPushed, done.bytesSent, done.serverEventsApplied),
            )
            // Trusted time is anchored by the centre's clock (the same machine's here).
            val uncertainty = requireNotNull(report.timeUncertaintyMs) { "no time anchor: $report" }.toLong()
            assertTrue(kotlin.math.abs(report.timeOffsetMs) <= uncertainty + 5, report.toString())

            // A listener that throws does not fail the sync (nor panic across the boundary).
            core.openCase(complaint("钱七"))
            val failing = object : SyncListener {
                override fun progress(progress: SyncProgress) {
                    throw IllegalStateException("the UI is gone")
                }
            }
            val again = core.sync(failing, null)
            assertEquals(core.head(), again.ackedSeq)
            assertTrue(again.eventsPushed >= 1UL, again.toString())
        }
    }

    @Test
    fun `a coroutine cancelled mid-push loses nothing and the centre keeps each event once`() = runBlocking {
        Relay(centre.port, "POST /v1/devices/", Relay.Hold.ANSWER).use { relay ->
            phone(relay.url).use { core ->
                val head = core.head()
                val job = launch(Dispatchers.IO) { core.sync(null, null) }
                // The centre has stored the push and answered; the answer is held.
                withTimeout(60_000) { relay.held.await() }
                assertEquals(head.toLong(), centre.metric("redshield_events_stored_total"))
                job.cancelAndJoin()
                assertTrue(job.isCancelled)

                val heard = Heard()
                val report = core.sync(heard, null)
                assertEquals(head, report.eventsPushed, "resent: the device never heard the receipt")
                assertEquals(head, report.ackedSeq)
                assertEquals(head, core.head())
                // Each event stored once; the resend was recognised as what the centre held.
                assertEquals(head.toLong(), centre.metric("redshield_events_stored_total"))
                assertEquals(head.toLong(), centre.metric("redshield_events_duplicate_total"))
                assertEquals(0L, centre.metric("redshield_forks_total"))
                assertEquals(SyncPhase.DONE, heard.progress.last().phase)
                assertEquals(0UL, core.sync(null, null).eventsPushed)
            }
        }
    }

    @Test
    fun `a sync cancelled through its handle throws Cancelled and the next one resumes`() = runBlocking {
        Relay(centre.port, "POST /v1/devices/", Relay.Hold.REQUEST).use { relay ->
            phone(relay.url).use { core ->
                val head = core.head()
                SyncHandle().use { handle ->
                    val heard = Heard()
                    val sync = async(Dispatchers.IO) { runCatching { core.sync(heard, handle) } }
                    // The push's request is held: nothing of it reached the centre.
                    withTimeout(60_000) { relay.held.await() }
                    handle.cancel()
                    val outcome = withTimeout(60_000) { sync.await() }
                    val error = outcome.exceptionOrNull()
                    assertTrue(error is CoreException.Cancelled, "not Cancelled: $outcome")
                    assertTrue(handle.isCancelled())
                    assertEquals(listOf(SyncPhase.PUSHING), heard.progress.map { it.phase }.distinct())
                    assertEquals(0L, centre.metric("redshield_events_stored_total"))
                    // A cancelled handle stays cancelled: one handle per sync.
                    assertTrue(runCatching { core.sync(null, handle) }.exceptionOrNull() is CoreException.Cancelled)
                }
                val report = core.sync(null, null)
                assertEquals(head, report.eventsPushed)
                assertEquals(head, report.ackedSeq)
                assertEquals(head.toLong(), centre.metric("redshield_events_stored_total"))
                assertEquals(0L, centre.metric("redshield_events_duplicate_total"))
                assertEquals(0UL, core.sync(null, null).eventsPushed)
            }
        }
    }
}

/** The real central service, `redshield serve`, on a free loopback port and a temp data dir. */
class Centre private constructor(
    private val data: Path,
    val port: Int,
    private val process: Process,
) : AutoCloseable {
    val url get() = "http://127.0.0.1:$port"

    /** A one-time enrolment code, issued as the centre's staff do (`redshield centre enrol-code`). */
    fun enrolmentCode(): String {
        val issue = ProcessBuilder(bin, "centre", "enrol-code", "--server", url, "--data", data.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val out = issue.inputStream.bufferedReader().readText()
        check(issue.waitFor(60, TimeUnit.SECONDS) && issue.exitValue() == 0) { "enrol-code failed: $out" }
        return out.trim().lines().last().trim()
    }

    /** A staff command (`redshield --json centre …`) against this centre; its JSON answer. */
    fun staff(vararg args: String): String {
        val command = listOf(bin, "--json", "centre", *args, "--server", url, "--data", data.toString())
        val run = ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val out = run.inputStream.bufferedReader().readText()
        check(run.waitFor(60, TimeUnit.SECONDS) && run.exitValue() == 0) { "centre ${args.first()} failed: $out" }
        return out
    }

    /** A counter from the centre's `/metrics`. */
    fun metric(name: String): Long =
        URI("$url/metrics").toURL().readText().lines()
            .single { it.startsWith("$name ") }
            .substringAfter(' ').trim().toLong()

    override fun close() {
        process.destroy()
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly()
        data.toFile().deleteRecursively()
    }

    companion object {
        private val bin: String = System.getProperty("redshield.bin")
            ?: error("redshield.bin is not set: run through Maven (bindings/kotlin/pom.xml)")

        fun start(): Centre {
            val data = Files.createTempDirectory("redshield-centre")
            // A port free now; the server binds it a moment later.
            val port = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }
            val builder = ProcessBuilder(bin, "serve", "--data", data.toString(), "--listen", "127.0.0.1:$port")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            builder.environment()["RUST_LOG"] = "info"
            builder.environment()["NO_COLOR"] = "1"
            val process = builder.start()
            // Ready when it says it listens (the log goes to stderr, drained to the end).
            val ready = CompletableFuture<Unit>()
            val log = StringBuffer()
            thread(isDaemon = true) {
                try {
                    process.errorStream.bufferedReader().forEachLine {
                        log.appendLine(it)
                        if ("redshield centre listening" in it) ready.complete(Unit)
                    }
                } catch (e: IOException) {
                    // Closed when the centre is stopped.
                }
                ready.completeExceptionally(IllegalStateException("the centre stopped:\n$log"))
            }
            try {
                ready.get(60, TimeUnit.SECONDS)
            } catch (e: Exception) {
                process.destroyForcibly()
                throw IllegalStateException("the centre did not start:\n$log", e)
            }
            return Centre(data, port, process)
        }
    }
}

/**
 * A TCP relay before the centre at [upstreamPort]. It passes everything except the first
 * request whose request line starts with [requestLine]: of that exchange it holds the request
 * ([Hold.REQUEST]: nothing reaches the centre) or the centre's answer ([Hold.ANSWER]: the
 * centre did the work, the device never hears it), completes [held], and keeps the connection
 * until the device gives it up.
 */
class Relay(private val upstreamPort: Int, private val requestLine: String, private val hold: Hold) : AutoCloseable {
    enum class Hold { REQUEST, ANSWER }

    private val listener = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    private val armed = AtomicBoolean(true)
    val held = CompletableDeferred<Unit>()
    val url get() = "http://127.0.0.1:${listener.localPort}"

    init {
        thread(isDaemon = true) {
            while (true) {
                val device = try {
                    listener.accept()
                } catch (e: IOException) {
                    return@thread
                }
                thread(isDaemon = true) { relay(device) }
            }
        }
    }

    private fun relay(device: Socket) {
        val centre = Socket(InetAddress.getLoopbackAddress(), upstreamPort)
        val holdAnswer = AtomicBoolean(false)
        thread(isDaemon = true) {
            try {
                val buf = ByteArray(64 * 1024)
                val input = centre.getInputStream()
                val output = device.getOutputStream()
                while (true) {
                    val n = input.read(buf)
                    if (n < 0) break
                    if (holdAnswer.get()) {
                        held.complete(Unit)
                        break
                    }
                    output.write(buf, 0, n)
                    output.flush()
                }
            } catch (e: IOException) {
                // The other direction closed both.
            }
        }
        try {
            val buf = ByteArray(64 * 1024)
            val input = device.getInputStream()
            val output = centre.getOutputStream()
            val line = requestLine.toByteArray()
            while (true) {
                val n = input.read(buf)
                if (n < 0) break
                // HTTP/1.1 without pipelining: a request starts a read after the last answer.
                val chosen = n >= line.size && buf.copyOfRange(0, line.size).contentEquals(line) &&
                    armed.compareAndSet(true, false)
                if (chosen && hold == Hold.REQUEST) {
                    held.complete(Unit)
                    while (input.read(buf) >= 0) { /* held until the device gives up */ }
                    break
                }
                if (chosen) holdAnswer.set(true)
                output.write(buf, 0, n)
                output.flush()
            }
        } catch (e: IOException) {
            // The device or the centre went away.
        } finally {
            device.close()
            centre.close()
        }
    }

    override fun close() {
        listener.close()
    }
}
