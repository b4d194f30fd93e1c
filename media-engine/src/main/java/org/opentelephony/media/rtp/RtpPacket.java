package org.opentelephony.media.rtp;

/**
 * Reads and rewrites RTP headers (RFC 3550 5.1) in place, over {@code byte[] + offset + length}:
 * a packet is a view over the receive buffer, never an object. Callers validate first with
 * {@link #check}; the accessors assume a valid header.
 */
public final class RtpPacket {
  /** Fixed header length, before CSRCs and the extension. */
  public static final int FIXED_HEADER = 12;

  private RtpPacket() {
  }

  /** Why a datagram is not a usable RTP packet ({@link #OK} when it is). */
  public enum Check {
    OK,
    TOO_SHORT,
    BAD_VERSION,
    BAD_CSRC_COUNT,
    BAD_EXTENSION_LENGTH,
    BAD_PADDING
  }

  public static Check check(byte[] b, int off, int len) {
    if (len < FIXED_HEADER) {
      return Check.TOO_SHORT;
    }
    if ((b[off] & 0xC0) != 0x80) {
      return Check.BAD_VERSION;
    }
    int header = FIXED_HEADER + 4 * csrcCount(b, off);
    if (header > len) {
      return Check.BAD_CSRC_COUNT;
    }
    if (hasExtension(b, off)) {
      if (header + 4 > len) {
        return Check.BAD_EXTENSION_LENGTH;
      }
      int words = u16(b, off + header + 2);
      header += 4 + 4 * words;
      if (header > len) {
        return Check.BAD_EXTENSION_LENGTH;
      }
    }
    if (hasPadding(b, off)) {
      int pad = b[off + len - 1] & 0xFF;
      if (pad == 0 || header + pad > len) {
        return Check.BAD_PADDING;
      }
    }
    return Check.OK;
  }

  public static int version(byte[] b, int off) {
    return (b[off] & 0xC0) >>> 6;
  }

  public static boolean hasPadding(byte[] b, int off) {
    return (b[off] & 0x20) != 0;
  }

  public static boolean hasExtension(byte[] b, int off) {
    return (b[off] & 0x10) != 0;
  }

  public static int csrcCount(byte[] b, int off) {
    return b[off] & 0x0F;
  }

  public static boolean marker(byte[] b, int off) {
    return (b[off + 1] & 0x80) != 0;
  }

  public static int payloadType(byte[] b, int off) {
    return b[off + 1] & 0x7F;
  }

  public static void setPayloadType(byte[] b, int off, int pt) {
    b[off + 1] = (byte) ((b[off + 1] & 0x80) | (pt & 0x7F));
  }

  public static int sequence(byte[] b, int off) {
    return u16(b, off + 2);
  }

  public static void setSequence(byte[] b, int off, int seq) {
    b[off + 2] = (byte) (seq >>> 8);
    b[off + 3] = (byte) seq;
  }

  public static long timestamp(byte[] b, int off) {
    return u32(b, off + 4);
  }

  public static void setTimestamp(byte[] b, int off, long ts) {
    put32(b, off + 4, ts);
  }

  public static long ssrc(byte[] b, int off) {
    return u32(b, off + 8);
  }

  public static void setSsrc(byte[] b, int off, long ssrc) {
    put32(b, off + 8, ssrc);
  }

  /** Offset of the payload from {@code off} (header, CSRCs and extension); packet must be valid. */
  public static int headerLength(byte[] b, int off) {
    int header = FIXED_HEADER + 4 * csrcCount(b, off);
    if (hasExtension(b, off)) {
      header += 4 + 4 * u16(b, off + header + 2);
    }
    return header;
  }

  /** Payload length without padding; packet must be valid. */
  public static int payloadLength(byte[] b, int off, int len) {
    int pad = hasPadding(b, off) ? b[off + len - 1] & 0xFF : 0;
    return len - headerLength(b, off) - pad;
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  static long u32(byte[] b, int i) {
    return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8)
        | (b[i + 3] & 0xFF);
  }

  static void put32(byte[] b, int i, long v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
