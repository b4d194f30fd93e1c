package org.opentelephony.media.codec;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;
import org.jitsi.impl.neomedia.codec.audio.opus.Opus;

/**
 * An Opus decoder (libopus through libjitsi's JNI) for one incoming stream. Any Opus packet
 * decodes, mono or stereo (RFC 7587 always signals {@code opus/48000/2}); a mono decoder mixes
 * stereo packets down, which is what the telephony side wants. Output is interleaved 16-bit PCM
 * in a {@code short[]}.
 *
 * <p>A lost packet is covered by {@link #conceal}, libopus' packet loss concealment, or by
 * {@link #decodeFec} when the next packet carries in-band FEC. Corrupt input returns
 * {@link OpusLibrary#INVALID_PACKET} and leaves the decoder usable.
 *
 * <p>Holds native memory: {@link #close()} it when the stream ends (a {@link Cleaner} frees it
 * later if that is forgotten). Not thread-safe; no allocation per packet.
 */
public final class OpusDecoder implements AutoCloseable {
  private final int sampleRate;
  private final int channels;
  private final int maxSamples;
  private final NativeHandle handle;
  private final Cleaner.Cleanable cleanable;
  /** Native-order output of one call, up to 120 ms: the JNI writes bytes, not shorts. */
  private final byte[] pcmBytes;
  /** Duration of the last decoded packet: a lost packet is assumed to be as long. */
  private int lastFrameSamples;

  /** A 48 kHz mono decoder. */
  public OpusDecoder() {
    this(48000, 1);
  }

  /**
   * A decoder producing {@code sampleRate} (8000, 12000, 16000, 24000 or 48000) PCM with 1 or 2
   * interleaved channels.
   *
   * @throws IllegalStateException if the JNI library is unavailable or libopus refuses
   */
  public OpusDecoder(int sampleRate, int channels) {
    OpusLibrary.require();
    OpusFrames.checkRateAndChannels(sampleRate, channels);
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.maxSamples = OpusFrames.maxDecodeSamples(sampleRate);
    this.lastFrameSamples = OpusFrames.defaultFrameSamples(sampleRate);
    long ptr = Opus.decoder_create(sampleRate, channels);
    if (ptr == 0) {
      throw new IllegalStateException("opus_decoder_create failed");
    }
    this.handle = new NativeHandle(ptr, Opus::decoder_destroy);
    this.cleanable = OpusLibrary.CLEANER.register(this, handle);
    this.pcmBytes = new byte[maxSamples * channels * 2];
  }

  /** Samples per second per channel of the output. */
  public int sampleRate() {
    return sampleRate;
  }

  /**
   * Decodes one packet {@code in[inOff..inOff+inLen)} into {@code pcm[pcmOff..]}, writing at most
   * {@code maxSamplesPerChannel} samples per channel.
   *
   * @return samples per channel written, or a negative libopus error code:
   *     {@link OpusLibrary#INVALID_PACKET} for corrupt or empty input,
   *     {@link OpusLibrary#BUFFER_TOO_SMALL} if the packet is longer than the room given
   * @throws IndexOutOfBoundsException if a range lies outside its array
   * @throws IllegalStateException if closed
   */
  public int decode(byte[] in, int inOff, int inLen, short[] pcm, int pcmOff,
      int maxSamplesPerChannel) {
    // The C side reads inLen bytes from inOff without knowing the array: check here.
    Objects.checkFromIndexSize(inOff, inLen, in.length);
    if (inLen == 0) {
      // libopus would take an empty packet as a loss and conceal it; a caller asks for that
      // explicitly with conceal().
      return OpusLibrary.INVALID_PACKET;
    }
    int n = run(in, inOff, inLen, pcm, pcmOff, maxSamplesPerChannel, 0);
    if (n > 0) {
      lastFrameSamples = n;
    }
    return n;
  }

  /**
   * Packet loss concealment: synthesises audio for one lost packet, as long as the last decoded
   * one (20 ms before any), at most {@code maxSamplesPerChannel} rounded down to whole 2.5 ms.
   *
   * @return samples per channel written, or a negative libopus error code
   */
  public int conceal(short[] pcm, int pcmOff, int maxSamplesPerChannel) {
    return run(null, 0, 0, pcm, pcmOff, lostFrameSamples(maxSamplesPerChannel), 0);
  }

  /**
   * Recovers the packet lost just before {@code in} from the FEC data in {@code in} (when the
   * sender added none this is plain concealment). Decode {@code in} itself afterwards.
   *
   * @return samples per channel written for the lost packet, or a negative libopus error code
   */
  public int decodeFec(byte[] in, int inOff, int inLen, short[] pcm, int pcmOff,
      int maxSamplesPerChannel) {
    Objects.checkFromIndexSize(inOff, inLen, in.length);
    return run(in, inOff, inLen, pcm, pcmOff, lostFrameSamples(maxSamplesPerChannel), 1);
  }

  /** Frees the native decoder; later calls throw. Safe to call more than once. */
  @Override
  public void close() {
    cleanable.clean();
  }

  /** libopus conceals only whole 2.5 ms units: round the room given down to one. */
  private int lostFrameSamples(int maxSamplesPerChannel) {
    int unit = sampleRate / 400;
    return Math.min(lastFrameSamples, maxSamplesPerChannel) / unit * unit;
  }

  private int run(byte[] in, int inOff, int inLen, short[] pcm, int pcmOff, int frameSamples,
      int fec) {
    long ptr = handle.ptr;
    if (ptr == 0) {
      throw new IllegalStateException("Opus decoder closed");
    }
    int room = Math.min(frameSamples, maxSamples);
    if (room <= 0) {
      return OpusLibrary.BUFFER_TOO_SMALL;
    }
    Objects.checkFromIndexSize(pcmOff, room * channels, pcm.length);
    int n;
    try {
      n = Opus.decode(ptr, in, inOff, inLen, pcmBytes, 0, room, fec);
    } finally {
      // Keep this decoder (and so its native state) alive until libopus has returned.
      Reference.reachabilityFence(this);
    }
    if (n > 0) {
      NativePcm.toShorts(pcmBytes, pcm, pcmOff, n * channels);
    }
    return n;
  }
}
