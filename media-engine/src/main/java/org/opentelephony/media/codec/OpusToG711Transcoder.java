package org.opentelephony.media.codec;

import java.util.Objects;

/**
 * Opus (mono or stereo, any bandwidth) to PCMU or PCMA at 8 kHz: Opus decode to 48 kHz mono,
 * {@link Resampler} down by 6, G.711 encode. One Opus packet of 2.5 to 120 ms gives one G.711
 * payload of the same duration (20 to 960 bytes). A lost packet is filled by Opus loss
 * concealment through {@link #concealLoss}.
 */
public final class OpusToG711Transcoder implements Transcoder {
  private static final int MAX_SAMPLES_48K =
      OpusFrames.maxDecodeSamples(OpusFrames.RTP_CLOCK_RATE);

  private final G711 law;
  private final OpusDecoder decoder;
  private final Resampler downsampler = Resampler.downsampler(MAX_SAMPLES_48K);
  private final short[] pcm48 = new short[MAX_SAMPLES_48K];
  private final short[] pcm8 = new short[MAX_SAMPLES_48K / Resampler.FACTOR];
  private final TranscoderCounters counters = new TranscoderCounters();

  /**
   * A transcoder from Opus to {@code law}.
   *
   * @throws IllegalStateException if the Opus JNI library is unavailable
   */
  public OpusToG711Transcoder(G711 law) {
    this.law = law;
    this.decoder = new OpusDecoder(OpusFrames.RTP_CLOCK_RATE, 1);
  }

  @Override
  public int inputClockRate() {
    return OpusFrames.RTP_CLOCK_RATE;
  }

  @Override
  public int outputClockRate() {
    return G711.SAMPLE_RATE;
  }

  @Override
  public int transcode(byte[] in, int inOff, int inLen, byte[] out, int outOff,
      int outCapacity) {
    Objects.checkFromIndexSize(outOff, outCapacity, out.length);
    int decoded = decoder.decode(in, inOff, inLen, pcm48, 0, maxSamples48(outCapacity));
    if (decoded < 0) {
      counters.countDropped();
      return decoded;
    }
    counters.countTranscoded();
    return finish(decoded, out, outOff);
  }

  /** Writes one payload of Opus packet loss concealment, as long as the last packet. */
  @Override
  public int concealLoss(byte[] out, int outOff, int outCapacity) {
    Objects.checkFromIndexSize(outOff, outCapacity, out.length);
    int decoded = decoder.conceal(pcm48, 0, maxSamples48(outCapacity));
    if (decoded < 0) {
      return decoded;
    }
    counters.countConcealed();
    return finish(decoded, out, outOff);
  }

  @Override
  public TranscoderCounters counters() {
    return counters;
  }

  @Override
  public void close() {
    decoder.close();
  }

  @Override
  public String toString() {
    return "opus->" + law + " " + counters;
  }

  /** Room at 48 kHz for what fits in {@code outCapacity} G.711 bytes, in whole 2.5 ms units. */
  private static int maxSamples48(int outCapacity) {
    int bytes8k = Math.max(0, Math.min(outCapacity, MAX_SAMPLES_48K / Resampler.FACTOR));
    return bytes8k / 20 * 20 * Resampler.FACTOR;
  }

  private int finish(int samples48, byte[] out, int outOff) {
    int samples8 = downsampler.process(pcm48, 0, samples48, pcm8, 0);
    law.encode(pcm8, 0, out, outOff, samples8);
    return samples8;
  }
}
