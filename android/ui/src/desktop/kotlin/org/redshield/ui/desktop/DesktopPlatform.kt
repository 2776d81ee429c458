package org.redshield.ui.desktop

import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.file.Files
import java.nio.file.NoSuchFileException
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.nio.file.attribute.PosixFilePermission
import java.nio.file.attribute.PosixFilePermissions
import java.security.SecureRandom
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.spec.IvParameterSpec
import javax.crypto.spec.SecretKeySpec
import org.redshield.core.LogLevel
import org.redshield.core.Platform
import org.redshield.core.PlatformException

/**
 * The desktop stands in for a phone. The device's secrets are wrapped with ChaCha20-Poly1305
 * under a key kept in `<store>/device.key`, a file only its owner may read: the same file and
 * the same format (a 12-byte nonce, then the sealed bytes) as the `redshield` command's, so a
 * store made with the command opens here and the other way round. The monotonic clock is the
 * JVM's, which does not count time the machine spent suspended (a phone's does); the core
 * takes that as it takes any clock it cannot fully trust.
 */
class DesktopPlatform private constructor(private val key: SecretKeySpec, private val verbose: Boolean) : Platform {
    override fun monotonicMs(): ULong = (System.nanoTime() / 1_000_000).toULong()

    override fun wallMs(): Long = System.currentTimeMillis()

    override fun wrapSecret(secret: ByteArray): ByteArray {
        val nonce = ByteArray(NONCE_BYTES).also { random.nextBytes(it) }
        return nonce + cipher(Cipher.ENCRYPT_MODE, nonce).doFinal(secret)
    }

    override fun unwrapSecret(wrapped: ByteArray): ByteArray {
        if (wrapped.size < NONCE_BYTES) throw PlatformException.Failed("the wrapped key is truncated")
        val nonce = wrapped.copyOfRange(0, NONCE_BYTES)
        return try {
            cipher(Cipher.DECRYPT_MODE, nonce).doFinal(wrapped, NONCE_BYTES, wrapped.size - NONCE_BYTES)
        } catch (e: AEADBadTagException) {
            throw PlatformException.Failed("$KEY_FILE is not the key this store was made with")
        }
    }

    override fun log(level: LogLevel, target: String, message: String) {
        if (verbose || level == LogLevel.ERROR || level == LogLevel.WARN) System.err.println("$level $target: $message")
    }

    private fun cipher(mode: Int, nonce: ByteArray): Cipher =
        Cipher.getInstance(ALGORITHM).apply { init(mode, key, IvParameterSpec(nonce)) }

    companion object {
        const val KEY_FILE = "device.key"
        private const val ALGORITHM = "ChaCha20-Poly1305"
        private const val KEY_BYTES = 32
        private const val NONCE_BYTES = 12
        private val random = SecureRandom()
        private val ownerOnly = PosixFilePermissions.fromString("rw-------")

        /**
         * The platform of the store in [dir], which is made (owner-only: it holds personal data)
         * if missing; its key file is made on first use. Refuses a key file others may read.
         */
        fun forStore(dir: Path, verbose: Boolean = false): DesktopPlatform {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
            }
            val path = dir.resolve(KEY_FILE)
            val key = try {
                readKey(path)
            } catch (e: NoSuchFileException) {
                createKey(path)
            }
            return DesktopPlatform(SecretKeySpec(key, "ChaCha20"), verbose)
        }

        private fun readKey(path: Path): ByteArray {
            val owner = setOf(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)
            require((Files.getPosixFilePermissions(path) - owner).isEmpty()) { "$path can be read by others; run chmod 600 on it" }
            val key = Files.readAllBytes(path)
            require(key.size == KEY_BYTES) { "$path does not hold a $KEY_BYTES-byte key" }
            return key
        }

        /** A new random key, written to a file that is created owner-only, never widened after. */
        private fun createKey(path: Path): ByteArray {
            val key = ByteArray(KEY_BYTES).also { random.nextBytes(it) }
            val options = setOf(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
            FileChannel.open(path, options, PosixFilePermissions.asFileAttribute(ownerOnly)).use {
                it.write(ByteBuffer.wrap(key))
                it.force(true)
            }
            return key
        }
    }
}
