package org.opentelephony.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SipConfigTest {
  private static SipConfig with(Map<String, Object> overrides) {
    return SipConfig.from(ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void defaultsMatchThePublicContract() {
    SipConfig c = with(Map.of());
    assertEquals("127.0.0.1", c.bindAddress());
    assertEquals("127.0.0.1", c.advertisedAddress(), "advertised defaults to the bind address");
    assertEquals(5060, c.port());
    assertEquals(List.of("udp", "tcp"), c.transports());
    assertEquals("localhost", c.domain());
    assertEquals("localhost", c.realm(), "realm defaults to the domain");
    assertEquals(Duration.ofSeconds(30), c.noAnswerTimeout());
    assertEquals(List.of("MD5", "SHA-256"), c.digestAlgorithms());
    assertEquals(List.of("alice", "bob", "carol", "dave"),
        c.seedAccounts().stream().map(SipConfig.SeedAccount::user).toList());
    assertTrue(c.trustedPeers().isEmpty(), "no peer is trusted by default");
  }

  @Test
  void durationsTakeUnits() {
    SipConfig c = with(Map.of("sip.call.no-answer-timeout", "1500ms",
        "sip.registrar.min-expires", "1m"));
    assertEquals(Duration.ofMillis(1500), c.noAnswerTimeout());
    assertEquals(Duration.ofMinutes(1), c.minExpires());
  }

  @Test
  void badValuesFailWithTheKeyName() {
    assertKey("sip.port", Map.of("sip.port", 70000));
    assertKey("sip.transports", Map.of("sip.transports", List.of("udp", "sctp")));
    assertKey("sip.auth.algorithms", Map.of("sip.auth.algorithms", List.of("SHA-512")));
    assertKey("sip.registrar", Map.of("sip.registrar.min-expires", "2h"));
    assertKey("sip.call.no-answer-timeout", Map.of("sip.call.no-answer-timeout", "0s"));
    assertKey("sip.worker-threads", Map.of("sip.worker-threads", 0));
  }

  @Test
  void seedPasswordsStayOutOfToString() {
    assertEquals("SeedAccount[alice]", new SipConfig.SeedAccount("alice", "alice123").toString());
  }

  private static void assertKey(String key, Map<String, Object> overrides) {
    ConfigException e = assertThrows(ConfigException.class, () -> with(overrides));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void webSocketDefaultsMatchThePublicContract() {
    SipConfig c = with(Map.of());
    assertEquals(new SipConfig.WebSockets(true, 5066, true, 7443), c.webSockets());
    assertEquals(5066, c.portFor("ws"));
    assertEquals(7443, c.portFor("WSS"));
    assertEquals(5060, c.portFor("tcp"));
    assertTrue(!c.tls().configured(), "self-signed certificate unless a key store is set");
  }

  @Test
  void webSocketPortClashAndKeyStoreWithoutPasswordAreRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> with(Map.of("sip.wss.port", 5066)));
    assertTrue(e.getMessage().contains("sip.wss.port"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> with(Map.of("tls.key-store", "/x.p12")));
    assertTrue(e.getMessage().contains("tls.key-store-password"), e.getMessage());
  }

  @Test
  void tlsSettingsNeverPrintThePassword() {
    SipConfig c = with(Map.of("tls.key-store", "/x.p12", "tls.key-store-password", "s3cret"));
    assertTrue(!c.toString().contains("s3cret"), c.toString());
  }
}
