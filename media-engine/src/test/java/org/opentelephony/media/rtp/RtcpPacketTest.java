package org.opentelephony.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RtcpPacketTest {
  // RR from ssrc 1 with one block about ssrc 2: fraction 64, lost 5, jitter 80, lsr 0x11223344,
  // dlsr 0x00010000 (one second)
  static final String RR = "81c90007" + "00000001" + "00000002" + "40000005" + "00000010"
      + "00000050" + "11223344" + "00010000";
  static final String BYE = "81cb0001" + "00000001";

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "receiver report, " + RR + ", OK",
      "compound RR+BYE, " + RR + BYE + ", OK",
      "too short,       81c9, TOO_SHORT",
      "bad version,     41c90007000000010000000240000005000000100000005011223344" + "00010000, BAD_VERSION",
      "type 72 (RTP),   80480001" + "00000001, BAD_TYPE",
      "length too long, 81c90009" + "00000001000000024000000500000010000000501122334400010000, BAD_LENGTH",
      "trailing bytes,  " + RR + "8100, BAD_LENGTH",
  })
  void checkTable(String name, String hex, RtcpPacket.Check expected) {
    byte[] b = HexFormat.of().parseHex(hex.strip());
    assertEquals(expected, RtcpPacket.check(b, 0, b.length), name);
  }

  @Test
  void reportBlocksAreRead() {
    byte[] b = HexFormat.of().parseHex(RR + BYE);
    List<String> seen = new ArrayList<>();
    RtcpPacket.forEachReport(b, 0, b.length, (reporter, source, fraction, cumulative, jitter,
        lsr, dlsr) -> seen.add(reporter + " " + source + " " + fraction + " " + cumulative + " "
            + jitter + " " + Long.toHexString(lsr) + " " + dlsr));
    assertEquals(List.of("1 2 64 5 80 11223344 65536"), seen);
    assertTrue(RtcpPacket.isRtcp(b, 0, b.length));
  }
}
