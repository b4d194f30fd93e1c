package org.opentelephony.media.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IceConfigTest {
  @Test
  void defaults() {
    IceConfig c = IceConfig.defaults();
    assertEquals(List.of("127.0.0.1"), c.bindAddresses());
    assertEquals(10000, c.port());
    assertTrue(c.advertised().isEmpty() && c.stunServers().isEmpty() && c.turnServers().isEmpty());
    assertTrue(c.consentFreshness());
    assertEquals(Duration.ofSeconds(30), c.consentTimeout());
  }

  @Test
  void rejectsBadValues() {
    IceConfig d = IceConfig.defaults();
    assertThrows(IllegalArgumentException.class, () -> new IceConfig(List.of(), 1, List.of(),
        List.of(), List.of(), true, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new IceConfig(List.of("localhost"), 1,
        List.of(), List.of(), List.of(), true, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> d.withPort(65536));
    assertThrows(IllegalArgumentException.class, () -> d.withAdvertised(
        List.of(new IceConfig.NatMapping("10.0.0.1", "203.0.113.1")))); // not a bind address
    assertThrows(IllegalArgumentException.class,
        () -> new IceConfig.NatMapping("127.0.0.1", "public.example.org"));
    assertThrows(IllegalArgumentException.class, () -> new IceConfig(d.bindAddresses(), 1,
        List.of(), List.of("stun.example.org"), List.of(), true, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new IceConfig.TurnServer("turn.example.org:0", "u", "p"));
    assertThrows(IllegalArgumentException.class, () -> new IceConfig(d.bindAddresses(), 1,
        List.of(), List.of(), List.of(), true, Duration.ZERO));
  }

  @Test
  void turnPasswordStaysOutOfToString() {
    assertFalse(new IceConfig.TurnServer("turn.example.org:3478", "u", "s3cret").toString()
        .contains("s3cret"));
  }

  @Test
  void natMappingAdvertisesThePublicAddress() throws Exception {
    IceConfig c = IceConfig.defaults().withPort(0)
        .withAdvertised(List.of(new IceConfig.NatMapping("127.0.0.1", "203.0.113.7")));
    try (IceService svc = new IceService(c);
        IceTransport t = new IceTransport(svc, "nat", true, (b, o, l) -> { }, (f, to) -> { })) {
      List<String> cands = t.localCandidates();
      assertEquals(2, cands.size(), cands.toString());
      assertTrue(cands.get(0).contains(" 127.0.0.1 " + svc.port() + " typ host"), cands.toString());
      assertTrue(cands.get(1).contains(" 203.0.113.7 " + svc.port() + " typ srflx raddr 127.0.0.1 rport "
          + svc.port()), cands.toString());
    }
  }
}
