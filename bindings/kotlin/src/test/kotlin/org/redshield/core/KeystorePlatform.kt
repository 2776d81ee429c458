package org.redshield.core

import java.security.SecureRandom
import java.util.concurrent.CopyOnWriteArrayList
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The app's side of the boundary, as the Android app implements it, with a JVM AES key in place
 * of the Android Keystore key: AES-256-GCM wrapping, a monotonic clock, a log sink.
 */
class KeystorePlatform(private val key: SecretKey = newKey()) : Platform {
    val lines = CopyOnWriteArrayList<String>()

    override fun monotonicMs(): ULong = (System.nanoTime() / 1_000_000).toULong()

    /** The wall clock, shifted by [wallShiftMs] to play a phone whose clock is set wrong. */
    var wallShiftMs: Long = 0

    override fun wallMs(): Long = System.currentTimeMillis() + wallShiftMs

    override fun wrapSecret(secret: ByteArray): ByteArray {
        val iv = ByteArray(IV_BYTES).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(TAG_BITS, iv))
        return iv + cipher.doFinal(secret)
    }

    override fun unwrapSecret(wrapped: ByteArray): ByteArray {
        if (wrapped.size <= IV_BYTES) throw PlatformException.Failed("wrapped key truncated")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, wrapped, 0, IV_BYTES))
        return try {
            cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
        } catch (e: javax.crypto.AEADBadTagException) {
            throw PlatformException.Failed("not wrapped by this keystore key")
        }
    }

    override fun log(level: LogLevel, target: String, message: String) {
        lines.add("$level $target: $message")
    }

    companion object {
        private const val IV_BYTES = 12
        private const val TAG_BITS = 128

        fun newKey(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    }
}
