package org.opentelephony.media.codec;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;
import org.jitsi.impl.neomedia.codec.audio.opus.Opus;

/**
 * An Opus encoder (libopus through libjitsi's JNI, application VOIP) for one outgoing stream.
 * Input is interleaved 16-bit PCM in a {@code short[]}; each call encodes one frame of 2.5, 5,
 * 10, 20, 40 or 60 ms into one Opus packet (an RTP payload, RFC 7587).
 *
 * <p>Holds native memory: {@link #close()} it when the stream ends (a {@link Cleaner} frees it
 * later if that is forgotten). Not thread-safe: encode and close from one thread, the call's.
 * No allocation per frame.
 */
public final class OpusEncoder implements AutoCloseable {
  /** The largest packet a single-frame encode can produce (RFC 6716: TOC byte + 1275). */
  public static final int MAX_PACKET_BYTES = 1276;

  /** Audio bandwidths the encoder may be limited to (libopus OPUS_BANDWIDTH_* values). */
  public enum Bandwidth {
    NARROWBAND(Opus.BANDWIDTH_NARROWBAND),
    MEDIUMBAND(Opus.BANDWIDTH_MEDIUMBAND),
    WIDEBAND(Opus.BANDWIDTH_WIDEBAND),
    SUPERWIDEBAND(Opus.BANDWIDTH_SUPERWIDEBAND),
    FULLBAND(Opus.BANDWIDTH_FULLBAND);

    final int code;

    Bandwidth(int code) {
      this.code = code;
    }
  }

  private final int sampleRate;
  private final int channels;
  private final NativeHandle handle;
  private final Cleaner.Cleanable cleanable;
  /** Native-order copy of one frame: the JNI takes bytes, not shorts. */
  private final byte[] pcmBytes;

  /** A 48 kHz mono encoder, the telephony side of a WebRTC bridge. */
  public OpusEncoder() {
    this(48000, 1);
  }

  /**
   * An encoder for {@code sampleRate} (8000, 12000, 16000, 24000 or 48000) and 1 or 2
   * interleaved channels.
   *
   * @throws IllegalStateException if the JNI library is unavailable or libopus refuses
   */
  public OpusEncoder(int sampleRate, int channels) {
    OpusLibrary.require();
    OpusFrames.checkRateAndChannels(sampleRate, channels);
    this.sampleRate = sampleRate;
    this.channels = channels;
    long ptr = Opus.encoder_create(sampleRate, channels);
    if (ptr == 0) {
      throw new IllegalStateException("opus_encoder_create failed");
    }
    this.handle = new NativeHandle(ptr, Opus::encoder_destroy);
    this.cleanable = OpusLibrary.CLEANER.register(this, handle);
    this.pcmBytes = new byte[OpusFrames.maxEncodeSamples(sampleRate) * channels * 2];
  }

  /** Target bit rate in bits per second (libopus accepts 500 to 512000). */
  public OpusEncoder setBitrate(int bitsPerSecond) {
    return check(Opus.encoder_set_bitrate(ptr(), bitsPerSecond), "bitrate");
  }

  /** CPU against quality, 0 (cheapest) to 10 (libopus' default is 9 or 10). */
  public OpusEncoder setComplexity(int complexity) {
    return check(Opus.encoder_set_complexity(ptr(), complexity), "complexity");
  }

  /**
   * Caps the coded audio bandwidth. Narrowband (4 kHz) loses nothing of a G.711 source and
   * lets libopus run SILK at 8 kHz internally, the cheapest mode.
   */
  public OpusEncoder setMaxBandwidth(Bandwidth bandwidth) {
    return check(Opus.encoder_set_max_bandwidth(ptr(), bandwidth.code), "max bandwidth");
  }

  /**
   * In-band forward error correction (the receiver's {@code useinbandfec=1}); libopus only adds
   * it when {@code expectedLossPercent} is above zero.
   */
  public OpusEncoder setInbandFec(boolean enabled, int expectedLossPercent) {
    check(Opus.encoder_set_inband_fec(ptr(), enabled ? 1 : 0), "inband FEC");
    return check(Opus.encoder_set_packet_loss_perc(ptr(), expectedLossPercent), "loss percent");
  }

  /** Discontinuous transmission: near-empty packets during silence (the receiver's usedtx=1). */
  public OpusEncoder setDtx(boolean enabled) {
    return check(Opus.encoder_set_dtx(ptr(), enabled ? 1 : 0), "DTX");
  }

  /** The current target bit rate in bits per second. */
  public int bitrate() {
    return Opus.encoder_get_bitrate(ptr());
  }

  /** The current complexity setting. */
  public int complexity() {
    return Opus.encoder_get_complexity(ptr());
  }

  /** Samples per second per channel of the input. */
  public int sampleRate() {
    return sampleRate;
  }

  /**
   * Encodes one frame of {@code samplesPerChannel} interleaved samples from {@code pcm[pcmOff..]}
   * into {@code out[outOff..outOff+outCapacity)}.
   *
   * @return the packet length in bytes, or a negative libopus error code (see
   *     {@link OpusLibrary#errorName(int)}), e.g. {@link OpusLibrary#BAD_ARG} for a frame size
   *     that is not 2.5 to 60 ms, {@link OpusLibrary#BUFFER_TOO_SMALL} for too little room
   * @throws IndexOutOfBoundsException if a range lies outside its array
   * @throws IllegalStateException if closed
   */
  public int encode(short[] pcm, int pcmOff, int samplesPerChannel, byte[] out, int outOff,
      int outCapacity) {
    long ptr = ptr();
    if (!OpusFrames.isEncodableFrame(sampleRate, samplesPerChannel)) {
      return OpusLibrary.BAD_ARG;
    }
    int values = samplesPerChannel * channels;
    Objects.checkFromIndexSize(pcmOff, values, pcm.length);
    // The C side writes up to the length it is given without knowing the array: check here.
    Objects.checkFromIndexSize(outOff, outCapacity, out.length);
    NativePcm.toBytes(pcm, pcmOff, pcmBytes, values);
    try {
      return Opus.encode(ptr, pcmBytes, 0, samplesPerChannel, out, outOff,
          Math.min(outCapacity, MAX_PACKET_BYTES));
    } finally {
      // Without this, an encoder nobody references any more could be freed by the Cleaner
      // while libopus is still inside this call.
      Reference.reachabilityFence(this);
    }
  }

  /** Frees the native encoder; later calls throw. Safe to call more than once. */
  @Override
  public void close() {
    cleanable.clean();
  }

  private long ptr() {
    long p = handle.ptr;
    if (p == 0) {
      throw new IllegalStateException("Opus encoder closed");
    }
    return p;
  }

  private OpusEncoder check(int result, String what) {
    if (result != 0) {
      throw new IllegalArgumentException(
          "Opus encoder " + what + " refused: " + OpusLibrary.errorName(result));
    }
    return this;
  }
}
