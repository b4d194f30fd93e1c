package org.opentelephony.media.codec;

/**
 * What a {@link Transcoder} did with its payloads. Written by the transcoding thread only; other
 * threads (metrics) may read slightly stale values.
 */
public final class TranscoderCounters {
  private volatile long transcoded;
  private volatile long dropped;
  private volatile long concealed;

  /** Payloads transcoded. */
  public long transcoded() {
    return transcoded;
  }

  /** Payloads dropped: corrupt, unsupported duration or no room. */
  public long dropped() {
    return dropped;
  }

  /** Payloads produced by loss concealment. */
  public long concealed() {
    return concealed;
  }

  // Single writer: a plain read-modify-write of a volatile is enough and cheaper than atomics.
  void countTranscoded() {
    transcoded++;
  }

  void countDropped() {
    dropped++;
  }

  void countConcealed() {
    concealed++;
  }

  @Override
  public String toString() {
    return "transcoded=" + transcoded + " dropped=" + dropped + " concealed=" + concealed;
  }
}
