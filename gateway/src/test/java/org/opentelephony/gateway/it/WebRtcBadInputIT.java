package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentelephony.gateway.webrtc.SyntheticBrowser;
import org.opentelephony.media.dtls.DtlsCertificate;

/**
 * Bad input on a browser leg, with the synthetic browser ({@link SyntheticBrowser}: SIP over
 * WebSocket, ICE, DTLS, SRTP like Chromium) calling bob, a SIPp UAS that echoes RTP. Each test
 * runs a good call next to the bad one and checks that the good call's audio keeps coming back.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebRtcBadInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerFixture server;
  private Sipp bob;
  private final HttpClient http = HttpClient.newHttpClient();
  private ScheduledExecutorService ticker;

  @BeforeAll
  void start() throws Exception {
    server = ServerFixture.start(Map.of());
    int bobPort = FreePorts.next();
    ItSupport.register(server, "bob", bobPort);
    // answers every call (up to 10) with PCMU and echoes its RTP
    bob = Sipp.start("uas_answer.xml", bobPort, null, "-m", "10", "-rtp_echo",
        "-mp", String.valueOf(ItSupport.portOtherThan(bobPort)));
  }

  @AfterAll
  void stop() {
    if (bob != null) {
      bob.kill();
    }
    if (server != null) {
      server.close();
    }
  }

  private URI ws() {
    return URI.create(server.wsUrl() + "/");
  }

  private SyntheticBrowser browser(String user) throws Exception {
    return SyntheticBrowser.connect(http, ws(), user, ItSupport.password(user),
        DtlsCertificate.generate());
  }

  /** A call from {@code b} to bob whose echoed audio is back, 20 ms packets from then on. */
  private SyntheticBrowser established(SyntheticBrowser b) throws Exception {
    b.call("bob", 10_000);
    ticker.scheduleAtFixedRate(b::sendAudio, 0, 20, TimeUnit.MILLISECONDS);
    ItSupport.await(b.name() + " to hear its echo", 10_000,
        () -> b.received.get() > 0 ? Optional.of(true) : Optional.empty());
    return b;
  }

  /** Echoed packets in {@code ms} of listening: a flowing call gets ~50 per second. */
  private static long receivedDuring(SyntheticBrowser b, long ms) throws InterruptedException {
    long before = b.received.get();
    Thread.sleep(ms);
    return b.received.get() - before;
  }

  /** The browser leg's {@code transport} of the live call from {@code caller}, as the API shows. */
  private Optional<JsonNode> transportOf(String caller) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.httpPort + "/api/calls/active")).build(),
          HttpResponse.BodyHandlers.ofString());
      for (JsonNode c : JSON.readTree(r.body()).get("calls")) {
        if (c.get("caller").asText().equals(caller)) {
          return Optional.ofNullable(c.path("media").path(0).path("caller").get("transport"));
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private long metric(String name) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.httpPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .map(l -> Long.parseLong(l.substring(name.length() + 1).trim())).orElse(-1L);
  }

  @BeforeEach
  void startTicker() {
    ticker = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stopTicker() {
    ticker.shutdownNow();
  }

  /** A STUN Binding request naming {@code username}, with a MESSAGE-INTEGRITY of zeros. */
  private static byte[] bindingRequest(String username) {
    byte[] user = username.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int padded = (user.length + 3) & ~3;
    int len = 4 + padded + 4 + 20;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20 + len);
    byte[] tid = new byte[12];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(tid);
    b.putShort((short) 0x0001).putShort((short) len).putInt(0x2112A442).put(tid);
    b.putShort((short) 0x0006).putShort((short) user.length).put(user).put(new byte[padded - user.length]);
    b.putShort((short) 0x0008).putShort((short) 20).put(new byte[20]);
    return b.array();
  }

  @Test
  void fingerprintMismatchFailsDtlsWhileAGoodCallKeepsItsMedia() throws Exception {
    try (SyntheticBrowser good = established(browser("alice"));
         SyntheticBrowser bad = SyntheticBrowser.connect(http, ws(), "u1", "pw-u1",
             DtlsCertificate.generate(), DtlsCertificate.generate().fingerprint())) {
      bad.call("bob", 10_000);
      JsonNode t = ItSupport.await("the server to refuse u1's certificate", 10_000,
          () -> transportOf("u1").filter(x -> x.path("dtlsFailure").isTextual()));
      assertTrue(t.get("dtlsFailure").asText().startsWith("fingerprint mismatch"),
          "reason in the call's media stats: " + t);
      assertEquals("FAILED", t.get("dtls").asText(), t.toString());
      assertTrue(!bad.srtpReady() && bad.received.get() == 0,
          "no keys and no media for the bad leg: " + bad.dtlsFailure());
      long echoed = receivedDuring(good, 1000);
      assertTrue(echoed >= 40, "the good call still hears ~50 packets/s: " + echoed);
      JsonNode g = transportOf("alice").orElseThrow();
      assertEquals("CONNECTED", g.get("dtls").asText(), g.toString());
      assertTrue(g.get("dtlsFailure").isNull(), g.toString());
      good.hangup(5_000);
      bad.hangup(5_000);
    }
  }

  @Test
  void brokenSrtpTagsAndGarbageAreDroppedAndCountedAndTheGoodCallIsUnaffected()
      throws Exception {
    try (SyntheticBrowser good = established(browser("carol"));
         SyntheticBrowser attacker = established(browser("u2"))) {
      long malformedBefore = metric("media_packets_dropped{reason=\"malformed\"}");
      long unknownUfragBefore = metric("ice_stun_dropped{reason=\"unknown_ufrag\"}");
      long goodSentBefore = good.sent.get();
      long goodBefore = good.received.get();
      // on the attacker's own (ICE-selected) 5-tuple: 25 packets with a broken SRTP tag and
      // 20 datagrams that are neither STUN, DTLS nor RTP (first bytes 0-3 / 64-127, RFC 7983)
      for (int i = 0; i < 25; i++) {
        assertTrue(attacker.sendAudioWithBrokenTag());
      }
      for (int i = 0; i < 20; i++) {
        byte[] junk = new byte[40 + i];
        junk[0] = (byte) (i % 2 == 0 ? 0x42 : 0x7f);
        attacker.sendRaw(junk);
      }
      // from an address no ICE session knows: garbage, and a Binding request for a ufrag no
      // leg owns; both dropped by the shared port
      try (DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 20; i++) {
          byte[] junk = new byte[100];
          junk[0] = (byte) (0x80 + i); // looks like RTP
          stranger.send(new DatagramPacket(junk, junk.length, lo, server.icePort));
        }
        byte[] stun = bindingRequest("nosuchufrag:x");
        stranger.send(new DatagramPacket(stun, stun.length, lo, server.icePort));
      }
      JsonNode t = ItSupport.await("u2's leg to count 25 SRTP authentication failures", 5_000,
          () -> transportOf("u2").filter(x -> x.path("srtpAuthFailures").asLong() >= 25
              && x.path("malformed").asLong() >= 20));
      assertEquals(25, t.get("srtpAuthFailures").asLong(), t.toString());
      assertEquals(20, t.get("malformed").asLong(), t.toString());
      assertEquals("CONNECTED", t.get("dtls").asText(), "the attacked leg keeps its DTLS");
      assertTrue(metric("media_packets_dropped{reason=\"malformed\"}") >= malformedBefore + 20,
          "garbage counted in /metrics");
      ItSupport.await("the unknown ufrag to be counted", 5_000,
          () -> {
            try {
              return metric("ice_stun_dropped{reason=\"unknown_ufrag\"}") > unknownUfragBefore
                  ? Optional.of(true) : Optional.empty();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      // the good call: still flowing, nothing of the bad input reached it
      long echoed = receivedDuring(good, 1000);
      assertTrue(echoed >= 40, "the good call still hears ~50 packets/s: " + echoed);
      JsonNode g = transportOf("carol").orElseThrow();
      assertEquals(0, g.get("srtpAuthFailures").asLong(), g.toString());
      assertEquals(0, g.get("malformed").asLong(), g.toString());
      long lost = (good.sent.get() - goodSentBefore) - (good.received.get() - goodBefore);
      assertTrue(lost <= 5, "the good call lost at most a few packets in flight: " + lost);
      assertEquals(0, good.receivedAuthFailures.get());
      assertTrue(attacker.received.get() > 0 && receivedDuring(attacker, 500) > 15,
          "the attacker's own valid packets still pass");
      assertNull(good.dtlsFailure());
      good.hangup(5_000);
      attacker.hangup(5_000);
    }
  }
}
