package org.opentelephony.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtpPacketTest {
  /** v=2, PT 0, seq 0x1234, ts 0x00000190, ssrc 0xdeadbeef, 4 bytes of payload. */
  static final String VALID = "80001234" + "00000190" + "deadbeef" + "01020304";

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "valid,                         " + VALID + ", OK",
      "too short,                     80001234000001, TOO_SHORT",
      "version 1,                     40001234" + "00000190deadbeef01020304, BAD_VERSION",
      "version 0 (STUN-like),         00011234" + "00000190deadbeef01020304, BAD_VERSION",
      "csrc count beyond the packet,  8f001234" + "00000190deadbeef01020304, BAD_CSRC_COUNT",
      "one csrc present,              81001234" + "00000190deadbeef" + "cafebabe01, OK",
      "extension header cut,          90001234" + "00000190deadbeef" + "bede, BAD_EXTENSION_LENGTH",
      "extension length too long,     90001234" + "00000190deadbeef" + "bede0005" + "00000000, BAD_EXTENSION_LENGTH",
      "extension exact,               90001234" + "00000190deadbeef" + "bede0001" + "11223344aa, OK",
      "padding count zero,            a0001234" + "00000190deadbeef" + "0102030400, BAD_PADDING",
      "padding larger than payload,   a0001234" + "00000190deadbeef" + "010203ff, BAD_PADDING",
      "padding fine,                  a0001234" + "00000190deadbeef" + "0102000002, OK",
  })
  void checkTable(String name, String hex, RtpPacket.Check expected) {
    byte[] b = HexFormat.of().parseHex(hex.strip());
    assertEquals(expected, RtpPacket.check(b, 0, b.length), name);
  }

  @Test
  void fieldsReadAndRewriteInPlaceAtAnOffset() {
    byte[] packet = HexFormat.of().parseHex(VALID);
    byte[] buf = new byte[packet.length + 7];
    System.arraycopy(packet, 0, buf, 7, packet.length);
    assertEquals(RtpPacket.Check.OK, RtpPacket.check(buf, 7, packet.length));
    assertEquals(2, RtpPacket.version(buf, 7));
    assertEquals(0, RtpPacket.payloadType(buf, 7));
    assertEquals(0x1234, RtpPacket.sequence(buf, 7));
    assertEquals(0x190, RtpPacket.timestamp(buf, 7));
    assertEquals(0xdeadbeefL, RtpPacket.ssrc(buf, 7));
    assertEquals(12, RtpPacket.headerLength(buf, 7));
    assertEquals(4, RtpPacket.payloadLength(buf, 7, packet.length));
    buf[8] |= (byte) 0x80; // marker
    RtpPacket.setPayloadType(buf, 7, 101);
    assertEquals(101, RtpPacket.payloadType(buf, 7));
    assertTrue(RtpPacket.marker(buf, 7), "the marker bit survives a payload type change");
    RtpPacket.setSsrc(buf, 7, 0x01020304L);
    RtpPacket.setSequence(buf, 7, 0xFFFF);
    RtpPacket.setTimestamp(buf, 7, 0xFFFFFFFFL);
    assertEquals(0x01020304L, RtpPacket.ssrc(buf, 7));
    assertEquals(0xFFFF, RtpPacket.sequence(buf, 7));
    assertEquals(0xFFFFFFFFL, RtpPacket.timestamp(buf, 7));
  }
}
