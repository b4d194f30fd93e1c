package org.opentelephony.media.codec;

/**
 * Converts RTP payloads of one stream from one codec to another, one payload in, at most one
 * payload out. Payloads are views: the input is {@code in[inOff..inOff+inLen)} and the output is
 * written to {@code out[outOff..]} within {@code outCapacity} bytes, so a relay can transcode
 * straight into the packet it is about to send. Implementations pre-allocate their working
 * buffers and keep codec state between payloads: use one instance per stream direction, from
 * one thread.
 *
 * <p>The output RTP timestamp is the input one scaled by {@link #outputClockRate()} /
 * {@link #inputClockRate()}; sequence numbers carry over unchanged.
 */
public interface Transcoder extends AutoCloseable {
  /** RTP clock rate of the input payloads (8000 for G.711, 48000 for Opus). */
  int inputClockRate();

  /** RTP clock rate of the output payloads. */
  int outputClockRate();

  /**
   * Transcodes one payload.
   *
   * @return the number of bytes written to {@code out}, or a negative value if the payload was
   *     dropped (corrupt, of a duration the output codec cannot carry, or too big for
   *     {@code outCapacity}); {@link #counters()} counts both outcomes
   */
  int transcode(byte[] in, int inOff, int inLen, byte[] out, int outOff, int outCapacity);

  /**
   * Produces a payload standing in for one lost input payload, when the receiver would
   * otherwise hear a gap the input codec knows how to fill.
   *
   * @return bytes written, 0 if this direction sends nothing for a loss, or a negative value on
   *     failure
   */
  int concealLoss(byte[] out, int outOff, int outCapacity);

  /** Counts of what this transcoder passed, dropped and concealed. */
  TranscoderCounters counters();

  /** Releases native codec state. Safe to call more than once. */
  @Override
  void close();
}
