package org.opentelephony.media.codec;

import java.lang.ref.Cleaner;
import org.jitsi.impl.neomedia.codec.audio.opus.Opus;

/**
 * Whether libjitsi's Opus JNI library ({@code libjnopus}) could be loaded in this JVM.
 *
 * <p>Loading happens once, on first use of libjitsi's {@code Opus} class: its static initialiser
 * calls jitsi-utils' {@code JNIUtils.loadLibrary("jnopus", Opus.class)}, which first tries
 * {@code System.loadLibrary} (the {@code java.library.path}) and, failing that, has JNA extract
 * {@code /linux-x86-64/libjnopus.so} (or the current platform's equivalent) from the libjitsi jar
 * into JNA's temporary directory ({@code ~/.cache/JNA/temp} on Linux, or {@code -Djna.tmpdir}),
 * loads it and deletes the copy. No {@code LibJitsi.start()} is needed. If that fails (platform
 * not shipped in the jar, temporary directory not writable or mounted noexec) the class is
 * unusable for the rest of the JVM's life; this class turns the resulting linkage errors into
 * {@link #isAvailable()} and a readable reason.
 *
 * <p>The JNI functions take array offsets and lengths without checking them against the arrays,
 * so the wrappers here check every range in Java before a native call.
 */
public final class OpusLibrary {
  /** libopus error code: a bad argument, such as an illegal frame size. */
  public static final int BAD_ARG = -1;
  /** libopus error code: the output buffer cannot hold the result. */
  public static final int BUFFER_TOO_SMALL = -2;
  /** libopus error code: the packet is corrupt or not Opus. */
  public static final int INVALID_PACKET = -4;

  /** Releases native encoder and decoder state of instances that were never closed. */
  static final Cleaner CLEANER = Cleaner.create();

  private static final String UNAVAILABLE_REASON = probe();

  private OpusLibrary() {}

  /** True if Opus encoders and decoders can be created. */
  public static boolean isAvailable() {
    return UNAVAILABLE_REASON == null;
  }

  /** Why the library could not be loaded, or {@code null} when it is available. */
  public static String unavailableReason() {
    return UNAVAILABLE_REASON;
  }

  /** A name for a negative libopus return code, for logs and counters. */
  public static String errorName(int code) {
    switch (code) {
      case BAD_ARG: return "OPUS_BAD_ARG";
      case BUFFER_TOO_SMALL: return "OPUS_BUFFER_TOO_SMALL";
      case -3: return "OPUS_INTERNAL_ERROR";
      case INVALID_PACKET: return "OPUS_INVALID_PACKET";
      case -5: return "OPUS_UNIMPLEMENTED";
      case -6: return "OPUS_INVALID_STATE";
      case -7: return "OPUS_ALLOC_FAIL";
      default: return code >= 0 ? "OK(" + code + ")" : "OPUS_ERROR(" + code + ")";
    }
  }

  /** Throws {@link IllegalStateException} with the reason if the library is not available. */
  static void require() {
    if (UNAVAILABLE_REASON != null) {
      throw new IllegalStateException("Opus JNI library unavailable: " + UNAVAILABLE_REASON);
    }
  }

  private static String probe() {
    try {
      // Any native call forces the static initialiser (and so the load) and proves linkage.
      return Opus.decoder_get_size(1) > 0 ? null : "opus_decoder_get_size returned nothing";
    } catch (LinkageError e) {
      // UnsatisfiedLinkError, ExceptionInInitializerError, and NoClassDefFoundError on a
      // later attempt after a failed initialiser, are all LinkageErrors.
      return e.toString();
    }
  }
}
