package org.opentelephony.media.rtp;

/**
 * Validates compound RTCP packets (RFC 3550 6.1, RFC 5761 4) and reads what per-leg statistics
 * need from sender and receiver reports, in place over {@code byte[] + offset + length}.
 */
public final class RtcpPacket {
  public static final int SR = 200;
  public static final int RR = 201;
  public static final int SDES = 202;
  public static final int BYE = 203;
  public static final int APP = 204;
  public static final int RTPFB = 205;
  public static final int PSFB = 206;

  private RtcpPacket() {
  }

  /** Why a datagram is not a usable compound RTCP packet ({@link #OK} when it is). */
  public enum Check {
    OK,
    TOO_SHORT,
    BAD_VERSION,
    BAD_TYPE,
    BAD_LENGTH
  }

  /** Every packet of the compound: version 2, a known type range, lengths that add up exactly. */
  public static Check check(byte[] b, int off, int len) {
    if (len < 8) {
      return Check.TOO_SHORT;
    }
    int i = off;
    int end = off + len;
    while (i < end) {
      if (end - i < 4) {
        return Check.BAD_LENGTH;
      }
      if ((b[i] & 0xC0) != 0x80) {
        return Check.BAD_VERSION;
      }
      int type = b[i + 1] & 0xFF;
      if (type < 192 || type > 223) {
        return Check.BAD_TYPE;
      }
      int bytes = (RtpPacket.u16(b, i + 2) + 1) * 4;
      if (i + bytes > end) {
        return Check.BAD_LENGTH;
      }
      i += bytes;
    }
    return Check.OK;
  }

  /** True for an RTCP packet type on a multiplexed port (RFC 5761 4: types 192-223). */
  public static boolean isRtcp(byte[] b, int off, int len) {
    if (len < 2) {
      return false;
    }
    int type = b[off + 1] & 0xFF;
    return type >= 192 && type <= 223;
  }

  /** Reads the report blocks of each SR/RR in a valid compound packet. */
  public static void forEachReport(byte[] b, int off, int len, ReportVisitor visitor) {
    int i = off;
    int end = off + len;
    while (i + 8 <= end) {
      int type = b[i + 1] & 0xFF;
      int count = b[i] & 0x1F;
      int bytes = (RtpPacket.u16(b, i + 2) + 1) * 4;
      long sender = RtpPacket.u32(b, i + 4);
      int blocks = i + 8;
      if (type == SR) {
        visitor.senderInfo(sender, RtpPacket.u32(b, i + 8), RtpPacket.u32(b, i + 12));
        blocks += 20;
      }
      if (type == SR || type == RR) {
        for (int k = 0; k < count && blocks + 24 <= i + bytes; k++, blocks += 24) {
          int fraction = b[blocks + 4] & 0xFF;
          int cumulative = (int) (RtpPacket.u32(b, blocks + 4) & 0xFFFFFF);
          if ((cumulative & 0x800000) != 0) {
            cumulative |= 0xFF000000; // 24-bit signed
          }
          visitor.report(sender, RtpPacket.u32(b, blocks), fraction, cumulative,
              RtpPacket.u32(b, blocks + 12), RtpPacket.u32(b, blocks + 16),
              RtpPacket.u32(b, blocks + 20));
        }
      }
      i += bytes;
    }
  }

  /** Receives what SR/RR packets say. */
  public interface ReportVisitor {
    /** An SR's sender info: NTP timestamp (seconds, fraction). */
    default void senderInfo(long senderSsrc, long ntpSeconds, long ntpFraction) {
    }

    /**
     * One report block.
     *
     * @param fractionLost 0-255 (fraction * 256) since the previous report
     * @param jitter       interarrival jitter in timestamp units
     * @param lsr          middle 32 bits of the NTP time of the last SR received
     * @param dlsr         delay since that SR, in 1/65536 s
     */
    void report(long reporterSsrc, long sourceSsrc, int fractionLost, int cumulativeLost,
        long jitter, long lsr, long dlsr);
  }
}
