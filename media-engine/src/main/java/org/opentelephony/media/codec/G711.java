package org.opentelephony.media.codec;

/**
 * ITU-T G.711 companding between 16-bit linear PCM and 8-bit codes: {@link #PCMU} (mu-law, RTP
 * payload type 0) and {@link #PCMA} (A-law, payload type 8). Both directions are table look-ups
 * over caller-provided arrays, so a 20 ms frame costs 160 loads and no allocation.
 *
 * <p>Encoding follows the G.711 segment rules (as in the ITU G.191 reference: the 16-bit sample
 * is truncated to 14 bits for mu-law and 13 bits for A-law, negative values in one's complement).
 * Decoding matches every implementation; the widespread Sun {@code g711.c} (and the JDK's
 * converter) negates negative samples instead, which picks the other code only for negative
 * samples exactly on a decision threshold, with the same error either way.
 */
public enum G711 {
  /** Mu-law, used in North America and Japan; RTP static payload type 0. */
  PCMU(0, 2, buildUlawDecodeTable(), buildUlawEncodeTable()),
  /** A-law, used elsewhere; RTP static payload type 8. */
  PCMA(8, 3, buildAlawDecodeTable(), buildAlawEncodeTable());

  /** Clock rate of both laws, one sample per byte. */
  public static final int SAMPLE_RATE = 8000;

  private final int payloadType;
  /** Low bits of a 16-bit sample that the law ignores; the encode table is indexed by the rest. */
  private final int dropBits;
  private final short[] decodeTable;
  private final byte[] encodeTable;

  G711(int payloadType, int dropBits, short[] decodeTable, byte[] encodeTable) {
    this.payloadType = payloadType;
    this.dropBits = dropBits;
    this.decodeTable = decodeTable;
    this.encodeTable = encodeTable;
  }

  /** The static RTP payload type (RFC 3551): 0 for PCMU, 8 for PCMA. */
  public int payloadType() {
    return payloadType;
  }

  /** Decodes one code (only its low 8 bits count) to a linear sample. */
  public short decode(int code) {
    return decodeTable[code & 0xFF];
  }

  /** Encodes one linear sample (clamped to 16 bits) to its 8-bit code. */
  public byte encode(int sample) {
    int s = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sample));
    return encodeTable[(s >> dropBits) + (encodeTable.length >> 1)];
  }

  /** Decodes {@code count} codes from {@code in[inOff..]} into {@code out[outOff..]}. */
  public void decode(byte[] in, int inOff, short[] out, int outOff, int count) {
    short[] table = decodeTable;
    for (int i = 0; i < count; i++) {
      out[outOff + i] = table[in[inOff + i] & 0xFF];
    }
  }

  /** Encodes {@code count} samples from {@code in[inOff..]} into codes at {@code out[outOff..]}. */
  public void encode(short[] in, int inOff, byte[] out, int outOff, int count) {
    byte[] table = encodeTable;
    int shift = dropBits;
    int zero = table.length >> 1;
    for (int i = 0; i < count; i++) {
      out[outOff + i] = table[(in[inOff + i] >> shift) + zero];
    }
  }

  // ---- Table construction: the G.711 formulas, evaluated once per code or truncated sample.

  static int ulawToLinear(int code) {
    int u = ~code & 0xFF;
    int segment = (u >> 4) & 0x07;
    int mantissa = u & 0x0F;
    // 0x84 is the mu-law bias (33 in 14-bit units) that makes segment 0 start at zero.
    int magnitude = (((mantissa << 3) + 0x84) << segment) - 0x84;
    return (u & 0x80) != 0 ? -magnitude : magnitude;
  }

  static int linearToUlaw(int sample) {
    int sign = sample < 0 ? 0x80 : 0x00;
    // One's complement keeps the law symmetric: -1 encodes like 0, -32768 like 32767.
    int magnitude = ((sample < 0 ? ~sample : sample) >> 2) + 33;
    magnitude = Math.min(magnitude, 0x1FFF);
    int segment = 31 - Integer.numberOfLeadingZeros(magnitude) - 5;
    int mantissa = (magnitude >> (segment + 1)) & 0x0F;
    return ~(sign | (segment << 4) | mantissa) & 0xFF;
  }

  static int alawToLinear(int code) {
    int a = (code ^ 0x55) & 0xFF;
    int segment = (a >> 4) & 0x07;
    int mantissa = a & 0x0F;
    // Reconstruct at the middle of the quantisation interval (the "+ 8" / "+ 0x108" terms).
    int magnitude =
        segment == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1);
    return (a & 0x80) != 0 ? magnitude : -magnitude;
  }

  static int linearToAlaw(int sample) {
    int sign = sample >= 0 ? 0x80 : 0x00;
    int magnitude = (sample < 0 ? ~sample : sample) >> 3;
    int code;
    if (magnitude < 32) {
      code = magnitude >> 1;
    } else {
      int segment = 31 - Integer.numberOfLeadingZeros(magnitude) - 4;
      code = (segment << 4) | ((magnitude >> segment) & 0x0F);
    }
    return ((sign | code) ^ 0x55) & 0xFF;
  }

  private static short[] buildUlawDecodeTable() {
    short[] t = new short[256];
    for (int c = 0; c < 256; c++) {
      t[c] = (short) ulawToLinear(c);
    }
    return t;
  }

  private static short[] buildAlawDecodeTable() {
    short[] t = new short[256];
    for (int c = 0; c < 256; c++) {
      t[c] = (short) alawToLinear(c);
    }
    return t;
  }

  /** 16384 entries: one per 14-bit truncated sample, index = (sample >> 2) + 8192. */
  private static byte[] buildUlawEncodeTable() {
    byte[] t = new byte[1 << 14];
    for (int i = 0; i < t.length; i++) {
      t[i] = (byte) linearToUlaw((i - (t.length >> 1)) << 2);
    }
    return t;
  }

  /** 8192 entries: one per 13-bit truncated sample, index = (sample >> 3) + 4096. */
  private static byte[] buildAlawEncodeTable() {
    byte[] t = new byte[1 << 13];
    for (int i = 0; i < t.length; i++) {
      t[i] = (byte) linearToAlaw((i - (t.length >> 1)) << 3);
    }
    return t;
  }
}
