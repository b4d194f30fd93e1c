package org.opentelephony.media.relay;

/**
 * Counters of one leg, written only by the relay thread that owns the leg; other threads read
 * them as a snapshot (a value may be a few packets old, never torn on a 64-bit JVM).
 */
public final class LegStats {
  long packetsIn;
  long bytesIn;
  long packetsOut;
  long bytesOut;
  long rtcpIn;
  long malformed;
  long strangers;
  long unknownPayloadType;
  // receive side of RFC 3550 A.1 / A.8, for the stream arriving from this leg's peer device
  private boolean seqInit;
  private int maxSeq;
  private long cycles;
  private long baseSeq;
  private long received;
  private double jitter;
  private long lastTransit;
  private boolean transitInit;
  // from the RTCP the device sends us about what it receives
  volatile int remoteFractionLost;
  volatile long remoteCumulativeLost;
  volatile long remoteJitter;
  volatile long rttMillis = -1;

  private int jitterClock;

  /**
   * Tracks sequence numbers and interarrival jitter of one received packet; {@code clockRate}
   * is the negotiated one (jitter restarts when negotiation changes it).
   */
  void onRtp(int seq, long rtpTimestamp, long arrivalMillis, int clockRate) {
    received++;
    if (clockRate != jitterClock) {
      jitterClock = clockRate;
      transitInit = false;
      jitter = 0;
    }
    long arrivalUnits = arrivalMillis * clockRate / 1000;
    if (!seqInit) {
      seqInit = true;
      maxSeq = seq;
      baseSeq = seq;
    } else {
      int delta = (seq - maxSeq) & 0xFFFF;
      if (delta < 0x8000) {
        if (seq < maxSeq) {
          cycles += 0x10000;
        }
        maxSeq = seq;
      }
    }
    long transit = arrivalUnits - rtpTimestamp;
    if (transitInit) {
      long d = Math.abs(transit - lastTransit);
      jitter += (d - jitter) / 16.0;
    }
    lastTransit = transit;
    transitInit = true;
  }

  /** Packets expected minus received since the first (RFC 3550 A.3); never negative. */
  public long lost() {
    if (!seqInit) {
      return 0;
    }
    long expected = cycles + maxSeq - baseSeq + 1;
    return Math.max(0, expected - received);
  }

  /** A copy for reporting. */
  public Snapshot snapshot(int clockRate) {
    return new Snapshot(packetsIn, bytesIn, packetsOut, bytesOut, rtcpIn, malformed, strangers,
        unknownPayloadType, lost(),
        clockRate > 0 ? jitter * 1000.0 / clockRate : 0.0, remoteFractionLost / 256.0,
        remoteCumulativeLost, rttMillis);
  }

  /** What one leg saw; jitter in milliseconds, fraction lost as reported by the device. */
  public record Snapshot(long packetsIn, long bytesIn, long packetsOut, long bytesOut,
      long rtcpIn, long malformed, long strangers, long unknownPayloadType, long lost,
      double jitterMs, double remoteFractionLost, long remoteCumulativeLost, long rttMillis) {
  }
}
