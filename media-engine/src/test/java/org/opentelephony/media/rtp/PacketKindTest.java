package org.opentelephony.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketKindTest {
  private static final String PAD20 = "0000000000000000000000000000000000000000";

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "STUN binding request,        0001" + "0000" + "2112a442" + "000000000000000000000000, STUN",
      "STUN first byte 3,           03" + "00000000000000000000000000000000000000, STUN",
      "STUN too short,              000100002112a442, UNKNOWN",
      "DTLS handshake 22,           16fefd" + "00000000000000000000, DTLS",
      "DTLS lowest 20,              14fefd" + "00000000000000000000, DTLS",
      "DTLS highest 63,             3ffefd" + "00000000000000000000, DTLS",
      "DTLS record header cut,      16fefd0000, UNKNOWN",
      "TURN channel 64,             40000004deadbeef, TURN_CHANNEL",
      "TURN channel 79,             4fff0000, TURN_CHANNEL",
      "TURN channel too short,      400000, UNKNOWN",
      "RTP PT 0,                    80001234" + "00000190deadbeef, RTP",
      "RTP PT 111 marker,           80ef1234" + "00000190deadbeef, RTP",
      "RTP first byte 191,          bf001234" + "00000190deadbeef, RTP",
      "RTP too short,               80001234000001, UNKNOWN",
      "RTCP SR 200,                 80c80006" + "deadbeef, RTCP",
      "RTCP RR 201 with report,     81c90007" + "deadbeef, RTCP",
      "RTCP lowest 192,             80c00001" + "deadbeef, RTCP",
      "RTCP highest 223,            80df0001" + "deadbeef, RTCP",
      "RTCP header cut,             80c80006, UNKNOWN",
      "RTP PT 224 is not RTCP,      80e01234" + "00000190deadbeef, RTP",
      "RTP PT 63 marker is not RTCP,80bf1234" + "00000190deadbeef, RTP",
      "ZRTP 16,                     10" + "00000000000000000000000000000000000000, UNKNOWN",
      "between STUN and ZRTP 4,     04" + "00000000000000000000000000000000000000, UNKNOWN",
      "80..127,                     50" + "00000000000000000000000000000000000000, UNKNOWN",
      "192..255,                    c0" + "00000000000000000000000000000000000000, UNKNOWN",
      "255,                         ff" + "00000000000000000000000000000000000000, UNKNOWN",
  })
  void classifyTable(String name, String hex, PacketKind expected) {
    byte[] b = HexFormat.of().parseHex(hex.strip());
    assertEquals(expected, PacketKind.classify(b, 0, b.length), name);
  }

  @Test
  void emptyIsUnknown() {
    assertEquals(PacketKind.UNKNOWN, PacketKind.classify(new byte[0], 0, 0));
    assertEquals(PacketKind.UNKNOWN, PacketKind.classify(new byte[]{(byte) 0x80}, 1, 0));
  }

  @Test
  void readsAtTheOffsetOnly() {
    byte[] b = HexFormat.of().parseHex("ff" + "16fefd" + "00000000000000000000" + "ff");
    assertEquals(PacketKind.DTLS, PacketKind.classify(b, 1, 13));
    assertEquals(PacketKind.UNKNOWN, PacketKind.classify(b, 1, 12), "length counts, not the array");
    assertEquals(PacketKind.STUN, PacketKind.classify(HexFormat.of().parseHex("ee" + PAD20), 1, 20));
  }
}
