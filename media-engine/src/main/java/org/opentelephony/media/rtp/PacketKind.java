package org.opentelephony.media.rtp;

/**
 * What a datagram arriving on a shared WebRTC port is, from its first byte (RFC 7983 section 7,
 * and RFC 5761 section 4 to tell RTCP from RTP). A look at two bytes, no parsing: each kind's
 * own reader validates the rest.
 */
public enum PacketKind {
  STUN,
  DTLS,
  TURN_CHANNEL,
  RTP,
  RTCP,
  UNKNOWN;

  // Smallest datagram worth handing to each reader: anything shorter cannot be that kind.
  static final int STUN_HEADER = 20;
  static final int DTLS_RECORD_HEADER = 13;
  static final int TURN_CHANNEL_HEADER = 4;
  static final int RTCP_HEADER = 8;

  /** Classifies {@code len} bytes at {@code off}; {@link #UNKNOWN} when too short to be its kind. */
  public static PacketKind classify(byte[] buf, int off, int len) {
    if (len <= 0) {
      return UNKNOWN;
    }
    int first = buf[off] & 0xFF;
    if (first <= 3) {
      return len >= STUN_HEADER ? STUN : UNKNOWN;
    }
    if (first >= 20 && first <= 63) {
      return len >= DTLS_RECORD_HEADER ? DTLS : UNKNOWN;
    }
    if (first >= 64 && first <= 79) {
      return len >= TURN_CHANNEL_HEADER ? TURN_CHANNEL : UNKNOWN;
    }
    if (first >= 128 && first <= 191) {
      if (len < RTCP_HEADER) {
        return UNKNOWN;
      }
      // RFC 5761: RTCP packet types 192..223 sit where RTP's marker bit + payload type 64..95 would
      // be; those payload types are kept free so the two can share a port.
      int second = buf[off + 1] & 0xFF;
      if (second >= 192 && second <= 223) {
        return RTCP;
      }
      return len >= RtpPacket.FIXED_HEADER ? RTP : UNKNOWN;
    }
    // 4..19 (ZRTP 16..19 included), 80..127, 192..255: nothing we speak
    return UNKNOWN;
  }
}
