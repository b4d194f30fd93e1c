package org.opentelephony.media.codec;

import java.util.Objects;

/**
 * PCMU or PCMA at 8 kHz to Opus at 48 kHz (mono): G.711 decode, {@link Resampler} up by 6, Opus
 * encode. The input payload must last 2.5, 5, 10, 20, 40 or 60 ms (20 to 480 bytes), the
 * durations one Opus frame can have; other lengths (a 30 ms ptime, say) are dropped.
 *
 * <p>Encoder defaults suit a G.711 source: narrowband (the source has nothing above 4 kHz, and
 * SILK narrowband is libopus' cheapest mode), {@value #DEFAULT_BITRATE} bit/s, complexity
 * {@value #DEFAULT_COMPLEXITY}. Adjust them from the peer's SDP (useinbandfec, usedtx,
 * maxaveragebitrate) through {@link #encoder()}.
 */
public final class G711ToOpusTranscoder implements Transcoder {
  /** Default Opus bit rate: SILK narrowband gains little above it. */
  public static final int DEFAULT_BITRATE = 24000;
  /**
   * Default Opus complexity. Measured here per channel-frame (both directions): 90 us at 5 against
   * 127 us at 10. From 7 up libopus also runs its speech/music analysis, which took pure tones
   * out of SILK and cut a 3 kHz tone's SINAD from 27 dB to 7 dB.
   */
  public static final int DEFAULT_COMPLEXITY = 5;

  private static final int MAX_INPUT = OpusFrames.maxEncodeSamples(G711.SAMPLE_RATE);

  private final G711 law;
  private final OpusEncoder encoder;
  private final Resampler upsampler = Resampler.upsampler(MAX_INPUT);
  private final short[] pcm8 = new short[MAX_INPUT];
  private final short[] pcm48 = new short[MAX_INPUT * Resampler.FACTOR];
  private final TranscoderCounters counters = new TranscoderCounters();

  /**
   * A transcoder from {@code law} to Opus with the default encoder settings.
   *
   * @throws IllegalStateException if the Opus JNI library is unavailable
   */
  public G711ToOpusTranscoder(G711 law) {
    this.law = law;
    this.encoder = new OpusEncoder(OpusFrames.RTP_CLOCK_RATE, 1)
        .setMaxBandwidth(OpusEncoder.Bandwidth.NARROWBAND)
        .setBitrate(DEFAULT_BITRATE)
        .setComplexity(DEFAULT_COMPLEXITY);
  }

  /** The Opus encoder, to apply the receiver's SDP parameters. */
  public OpusEncoder encoder() {
    return encoder;
  }

  @Override
  public int inputClockRate() {
    return G711.SAMPLE_RATE;
  }

  @Override
  public int outputClockRate() {
    return OpusFrames.RTP_CLOCK_RATE;
  }

  @Override
  public int transcode(byte[] in, int inOff, int inLen, byte[] out, int outOff,
      int outCapacity) {
    Objects.checkFromIndexSize(inOff, inLen, in.length);
    if (!OpusFrames.isEncodableFrame(G711.SAMPLE_RATE, inLen)) {
      counters.countDropped();
      return OpusLibrary.BAD_ARG;
    }
    law.decode(in, inOff, pcm8, 0, inLen);
    int samples48 = upsampler.process(pcm8, 0, inLen, pcm48, 0);
    int written = encoder.encode(pcm48, 0, samples48, out, outOff, outCapacity);
    if (written < 0) {
      counters.countDropped();
    } else {
      counters.countTranscoded();
    }
    return written;
  }

  /**
   * Sends nothing: an Opus receiver conceals a missing packet itself, better than an encoded
   * guess would.
   */
  @Override
  public int concealLoss(byte[] out, int outOff, int outCapacity) {
    return 0;
  }

  @Override
  public TranscoderCounters counters() {
    return counters;
  }

  @Override
  public void close() {
    encoder.close();
  }

  @Override
  public String toString() {
    return law + "->opus " + counters;
  }
}
