package org.redshield.ui.screens

import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.redshield.core.ChangeListener
import org.redshield.core.ChangeSet
import org.redshield.core.CoreException
import org.redshield.core.FieldCore
import org.redshield.core.Topic

/** What a screen shows: its model being read, the model, or why it could not be read. */
sealed interface ScreenState<out T> {
    data object Loading : ScreenState<Nothing>

    /**
     * The model, with the core's [refusal] of the officer's last act (shown above the screen
     * until dismissed) and whether an act is still with the core ([busy]).
     */
    data class Shown<T>(val model: T, val refusal: CoreException? = null, val busy: Boolean = false) : ScreenState<T>

    /** The screen could not be read at all (the store, the officer signed out, …). */
    data class Failed(val error: CoreException) : ScreenState<Nothing>
}

/**
 * The one [ChangeListener] the app gives the core ([attach]), which tells each screen holder
 * whose topics a commit touched. The core calls it on the thread that made the change, after
 * the store is unlocked; the holders only ask for a re-read there and return at once.
 */
class ChangeHub : ChangeListener {
    private class Subscriber(val topics: Set<Topic>, val onChange: (ChangeSet) -> Unit)

    private val subscribers = CopyOnWriteArrayList<Subscriber>()

    /** Calls [onChange] after each commit that touched one of [topics]; close to stop. */
    fun subscribe(topics: Set<Topic>, onChange: (ChangeSet) -> Unit): AutoCloseable {
        val subscriber = Subscriber(topics, onChange)
        subscribers.add(subscriber)
        return AutoCloseable { subscribers.remove(subscriber) }
    }

    override fun changed(changes: ChangeSet) {
        for (s in subscribers) if (changes.topics.any { it in s.topics }) s.onChange(changes)
    }

    companion object {
        /** A hub registered as [core]'s change listener: once per opened store. */
        fun attach(core: FieldCore): ChangeHub = ChangeHub().also { core.setChangeListener(it) }
    }
}

/**
 * Holds one screen's model: reads it with [read] on [io] (never on the UI thread: the core
 * reads its store), again whenever the [hub] reports a commit on one of [topics], and sends
 * the officer's acts to the core ([act]). Reads are one at a time and coalesced, so a burst of
 * changes costs one or two reads and an older read never overwrites a newer one. The screen
 * does not re-read after its own act: the core's change signal says what changed, for this
 * screen and the others alike.
 */
open class ScreenHolder<T>(
    protected val scope: CoroutineScope,
    protected val io: CoroutineDispatcher,
    hub: ChangeHub?,
    topics: Set<Topic>,
    private val read: () -> T,
) : AutoCloseable {
    private val mutable = MutableStateFlow<ScreenState<T>>(ScreenState.Loading)
    val state: StateFlow<ScreenState<T>> = mutable.asStateFlow()

    private val reads = Channel<Unit>(Channel.CONFLATED)
    private val subscription = hub?.subscribe(topics) { refresh() }

    init {
        scope.launch { for (request in reads) load() }
        refresh()
    }

    /** Reads the model again (soon, off the UI thread). */
    fun refresh() {
        reads.trySend(Unit)
    }

    private suspend fun load() {
        val read = try {
            Result.success(withContext(io) { read() })
        } catch (e: CoreException) {
            Result.failure(e)
        }
        mutable.update { old ->
            read.fold(
                onSuccess = { model -> if (old is ScreenState.Shown) old.copy(model = model) else ScreenState.Shown(model) },
                onFailure = { ScreenState.Failed(it as CoreException) },
            )
        }
    }

    /** Replaces the model shown, as when a page is added to a list. */
    protected fun show(transform: (T) -> T) {
        mutable.update { if (it is ScreenState.Shown) it.copy(model = transform(it.model)) else it }
    }

    /**
     * Sends one act of the officer to the core on [io]. While it runs the screen is [busy]
     * (its buttons ignore presses); a refusal is kept for the screen to show.
     */
    protected fun act(block: () -> Unit) {
        scope.launch {
            mutable.update { if (it is ScreenState.Shown) it.copy(refusal = null, busy = true) else it }
            val refusal = try {
                withContext(io) { block() }
                null
            } catch (e: CoreException) {
                e
            }
            mutable.update { if (it is ScreenState.Shown) it.copy(refusal = refusal, busy = false) else it }
        }
    }

    /** The officer has read the refusal. */
    fun dismiss() {
        mutable.update { if (it is ScreenState.Shown) it.copy(refusal = null) else it }
    }

    override fun close() {
        subscription?.close()
        reads.close()
    }
}

/** Every topic: screens whose content any commit may change (Today's counts, the space taken). */
val AllTopics: Set<Topic> = Topic.entries.toSet()

/** The default place the core is called from: a thread that may block on the store. */
val CoreDispatcher: CoroutineDispatcher = Dispatchers.IO
