package org.opentelephony.media.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SdpCandidateTest {
  @Test
  void parsesChromeHostAndSrflx() throws Exception {
    SdpCandidate c = SdpCandidate.parseUsable("a=candidate:842163049 1 udp 1677729535 "
        + "203.0.113.9 49152 typ srflx raddr 10.0.0.2 rport 49152 generation 0 "
        + "ufrag Ab12 network-cost 999");
    assertEquals(new SdpCandidate("842163049", 1, "udp", 1677729535L, "203.0.113.9", 49152,
        "srflx", "10.0.0.2", 49152), c);
    assertEquals("candidate:842163049 1 udp 1677729535 203.0.113.9 49152 typ srflx raddr "
        + "10.0.0.2 rport 49152 generation 0", c.format());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "MALFORMED|candidate:1 1 udp",
      "MALFORMED|candidate:1 1 udp notanumber 127.0.0.1 5000 typ host",
      "MALFORMED|candidate:1 1 udp 100 127.0.0.1 70000 typ host",
      "MALFORMED|candidate:1 1 udp 100 127.0.0.1 5000 typ weird",
      "MALFORMED|candidate:1 1 udp 100 127.0.0.1 5000 kind host",
      "MALFORMED|1 1 udp 100 127.0.0.1 5000 typ host",
      "TCP|candidate:1 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active",
      "MDNS|candidate:1 1 udp 2122260223 0b3c1e0e-1234.local 50000 typ host",
      "HOSTNAME|candidate:1 1 udp 2122260223 stun.example.org 50000 typ host",
      "HOSTNAME|candidate:1 1 udp 2122260223 300.1.1.1 50000 typ host",
      "RTCP_COMPONENT|candidate:1 2 udp 2122260222 127.0.0.1 50001 typ host",
  })
  void rejects(SdpCandidate.Rejection reason, String value) {
    SdpCandidate.RejectedException e = assertThrows(SdpCandidate.RejectedException.class,
        () -> SdpCandidate.parseUsable(value));
    assertEquals(reason, e.reason);
  }

  @Test
  void ipv6LiteralIsUsable() throws Exception {
    assertEquals("::1", SdpCandidate.parseUsable(
        "candidate:1 1 UDP 2122262783 ::1 50000 typ host").address());
  }
}
