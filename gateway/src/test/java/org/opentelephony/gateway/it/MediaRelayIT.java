package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opentelephony.gateway.it.ItSupport.TIMEOUT;
import static org.opentelephony.gateway.it.ItSupport.args;
import static org.opentelephony.gateway.it.ItSupport.register;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * RTP through the server's media relay, with real RTP from SIPp ({@code rtp_stream}, PCMU):
 * each leg's SDP points at the server, packets cross from leg to leg bit for bit and come out
 * of the server's port of the receiving leg, the call record counts them, and packets of a
 * stranger sent to a latched port are dropped and counted.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaRelayIT {
  /** A range of its own, away from FreePorts (41000-60000) and SIPp's media ports (6000+). */
  private static final int PORT_MIN = 35000;
  private static final int PORT_MAX = 35999;
  /** 2 s of a 1 kHz tone: 100 PCMU packets of 160 bytes. */
  private static final int TONE_MS = 2000;
  private static final int TONE_PACKETS = TONE_MS / 20;
  private static final String STRANGER = "media_packets_dropped{reason=\"stranger\"}";

  private ServerFixture server;
  private Path tone;
  private byte[] toneBytes;
  private final AtomicInteger nextUser = new AtomicInteger(1);

  @BeforeAll
  void start() throws Exception {
    server = ServerFixture.start(Map.of("media.port-min", PORT_MIN, "media.port-max", PORT_MAX));
    assertNotNull(server.server.media(), "media anchoring is on by default");
    tone = RtpPeer.ulawToneFile("tone-1khz-2s.ulaw", 1000, TONE_MS);
    toneBytes = Files.readAllBytes(tone);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String freshUser() {
    return "u" + nextUser.getAndIncrement();
  }

  private static void assertServerPort(String what, String sdp) {
    assertEquals("127.0.0.1", MediaSupport.connection(sdp), what + ": c= is the server's");
    int port = MediaSupport.audioPort(sdp);
    assertTrue(port >= PORT_MIN && port <= PORT_MAX,
        what + ": m=audio port " + port + " in the media range " + PORT_MIN + "-" + PORT_MAX);
    assertEquals(0, port % 2, what + ": RTP on an even port");
  }

  private JsonNode recordOf(String callee) throws Exception {
    return CdrApi.await(server, "user=" + callee, n -> callee.equals(n.path("callee").asText()));
  }

  /**
   * SIPp caller streams 2 s of PCMU, the SIPp callee echoes every packet back to where it came
   * from ({@code -rtp_echo}). Each SIPp must only ever see the server's address and ports.
   */
  @Test
  void callerRtpReachesAnEchoingCalleeThroughTheRelayAndComesBack() throws Exception {
    String callee = freshUser();
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_answer.xml", port, null,
        args(TIMEOUT, new String[] {"-rtp_echo", "-mi", "127.0.0.1"}));
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_rtp.xml", callee, "-mi", "127.0.0.1",
        "-d", String.valueOf(TONE_MS + 1000), "-key", "rtp_file", tone + ",1,0");
    assertEquals(0, uac.await(), "caller: answered, streamed, hung up");
    assertEquals(0, uas.await(), "callee: answered, echoed, got the BYE");

    // signalling: each side got the server's address and a relay port, never the peer's
    String callerLog = uac.messages("uac_call_rtp.xml");
    String calleeLog = uas.messages("uas_answer.xml");
    String callerOffer = MediaSupport.lastWithSdp(callerLog, false, "INVITE ").body();
    String calleeAnswer = MediaSupport.lastWithSdp(calleeLog, false, "SIP/2.0 200").body();
    String offerAtCallee = MediaSupport.lastWithSdp(calleeLog, true, "INVITE ").body();
    String answerAtCaller = MediaSupport.lastWithSdp(callerLog, true, "SIP/2.0 200").body();
    int callerMedia = MediaSupport.audioPort(callerOffer);
    int calleeMedia = MediaSupport.audioPort(calleeAnswer);
    assertServerPort("offer relayed to the callee", offerAtCallee);
    assertServerPort("answer relayed to the caller", answerAtCaller);
    int calleeLeg = MediaSupport.audioPort(offerAtCallee);
    int callerLeg = MediaSupport.audioPort(answerAtCaller);
    assertNotEquals(callerMedia, calleeLeg, "the callee is not given the caller's port");
    assertNotEquals(calleeMedia, callerLeg, "the caller is not given the callee's port");
    assertNotEquals(callerLeg, calleeLeg, "one port pair per leg");
    assertTrue(offerAtCallee.matches("(?s).*m=audio \\d+ RTP/AVP 0\\s.*"),
        "PCMU (static payload type 0) offered to the callee:\n" + offerAtCallee);

    // media, as the server counted it leg by leg. SIPp's echo sends each packet back to
    // where it came from: echo packets arriving at the callee leg's port prove that the callee
    // received the caller's RTP from that port (MediaRelayIT's next test sees it directly).
    JsonNode rec = recordOf(callee);
    assertEquals("HANGUP_CALLER", rec.path("endReason").asText());
    JsonNode audio = MediaSupport.audioStats(rec);
    JsonNode a = audio.path("caller");
    JsonNode b = audio.path("callee");
    String all = "mediaStats " + audio;
    assertEquals(TONE_PACKETS, a.path("packetsIn").asLong(), "all the caller's RTP arrived; " + all);
    assertEquals(a.path("packetsIn").asLong(), b.path("packetsOut").asLong(),
        "every packet of the caller was sent on to the callee; " + all);
    assertEquals(b.path("packetsOut").asLong(), b.path("packetsIn").asLong(),
        "the callee echoed every packet back to the callee leg's port; " + all);
    assertEquals(b.path("packetsIn").asLong(), a.path("packetsOut").asLong(),
        "the echo was sent on to the caller; " + all);
    assertEquals(a.path("bytesIn").asLong(), b.path("bytesOut").asLong(), all);
    assertEquals(TONE_PACKETS * 172L, a.path("bytesIn").asLong(), "12 + 160 bytes a packet");
    for (JsonNode leg : List.of(a, b)) {
      assertEquals(0, leg.path("strangers").asLong(), all);
      assertEquals(0, leg.path("malformed").asLong(), all);
      assertEquals(0, leg.path("notNegotiated").asLong(), all);
      assertEquals(0, leg.path("lost").asLong(), all);
    }
  }

  /**
   * The callee's media is a socket of the test (SIPp only answers, pointing its SDP at it), so
   * the test sees exactly what arrives and from where: the caller's packets, unchanged, from
   * the callee leg's server port. After latching, a third socket sends RTP to the caller leg's
   * server port: it is counted as a stranger and never reaches the callee.
   */
  @Test
  void calleeGetsTheCallersRtpFromItsServerPortAndStrangersAreDropped() throws Exception {
    String callee = freshUser();
    int port = FreePorts.next();
    register(server, callee, port);
    long strangersBefore = MediaSupport.metric(server, STRANGER);
    long forwardedBefore = MediaSupport.metric(server, "media_packets_forwarded");
    int strangerPackets = 20;
    long strangerSsrc = 0x5EADBEEFL;
    try (RtpPeer phone = RtpPeer.open(true)) {
      Sipp uas = Sipp.start("uas_answer_media_port.xml", port, null,
          args(TIMEOUT, new String[] {"-key", "rtp_port", String.valueOf(phone.port())}));
      Sipp uac = ItSupport.callFromAlice(server, "uac_call_rtp.xml", callee, "-mi", "127.0.0.1",
          "-d", String.valueOf(TONE_MS + 1000), "-key", "rtp_file", tone + ",1,0");

      // the caller's RTP flows and the caller leg has latched: now the stranger
      phone.awaitPackets(10, 10_000);
      String callerLogNow = uac.messages("uac_call_rtp.xml"); // SIPp flushes every message
      int callerLeg = MediaSupport.audioPort(
          MediaSupport.lastWithSdp(callerLogNow, true, "SIP/2.0 200").body());
      try (DatagramSocket stranger = new DatagramSocket(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        byte[] silence = new byte[160];
        Arrays.fill(silence, (byte) 0xFF);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(),
            callerLeg);
        for (int i = 0; i < strangerPackets; i++) {
          byte[] p = RtpPeer.rtp(0, 1000 + i, 160L * i, strangerSsrc, silence);
          stranger.send(new DatagramPacket(p, p.length, target));
          Thread.sleep(10);
        }
      }

      assertEquals(0, uac.await(), "caller: answered, streamed, hung up");
      assertEquals(0, uas.await(), "callee signalling: answered, got the BYE");
      String callerLog = uac.messages("uac_call_rtp.xml");
      String calleeLog = uas.messages("uas_answer_media_port.xml");
      String offerAtCallee = MediaSupport.lastWithSdp(calleeLog, true, "INVITE ").body();
      String answerAtCaller = MediaSupport.lastWithSdp(callerLog, true, "SIP/2.0 200").body();
      assertServerPort("offer relayed to the callee", offerAtCallee);
      assertServerPort("answer relayed to the caller", answerAtCaller);
      int calleeLeg = MediaSupport.audioPort(offerAtCallee);
      assertNotEquals(phone.port(), MediaSupport.audioPort(answerAtCaller),
          "the caller is not given the callee's own port");
      int callerMedia = MediaSupport.audioPort(
          MediaSupport.lastWithSdp(callerLog, false, "INVITE ").body());

      JsonNode rec = recordOf(callee);
      List<RtpPeer.Packet> got = phone.received();
      JsonNode audio = MediaSupport.audioStats(rec);
      JsonNode a = audio.path("caller");
      JsonNode b = audio.path("callee");
      String all = "mediaStats " + audio + ", phone got " + got.size() + " packets";

      // what the callee's socket got: only the caller's stream, only from the callee leg port
      Set<InetSocketAddress> sources = got.stream().map(RtpPeer.Packet::from)
          .collect(Collectors.toSet());
      assertEquals(Set.of(new InetSocketAddress("127.0.0.1", calleeLeg)), sources,
          "every packet came from the server port offered to the callee (symmetric RTP)");
      assertNotEquals(callerMedia, calleeLeg);
      assertEquals(TONE_PACKETS, got.size(), "the whole stream arrived; " + all);
      assertTrue(got.stream().noneMatch(p -> p.ssrc() == strangerSsrc),
          "no packet of the stranger was forwarded");
      assertEquals(1, got.stream().map(RtpPeer.Packet::ssrc).distinct().count(), "one SSRC");
      int firstSeq = got.get(0).sequence();
      for (RtpPeer.Packet p : got) {
        assertEquals(0, p.payloadType(), "PCMU");
        int index = (p.sequence() - firstSeq) & 0xFFFF;
        assertTrue(index < TONE_PACKETS, "sequence " + p.sequence());
        assertArrayEquals(Arrays.copyOfRange(toneBytes, 160 * index, 160 * index + 160),
            p.payload(), "payload of packet " + index + " is the caller's audio, unchanged");
      }

      // what the server counted
      assertEquals(strangerPackets, a.path("strangers").asLong(),
          "the stranger's packets were counted on the caller leg; " + all);
      assertEquals(TONE_PACKETS, a.path("packetsIn").asLong(),
          "the stranger's packets are not counted as the caller's; " + all);
      assertEquals(got.size(), b.path("packetsOut").asLong(), all);
      assertEquals(phone.echoed(), b.path("packetsIn").asLong(), "the phone's echo; " + all);
      assertEquals(b.path("packetsIn").asLong(), a.path("packetsOut").asLong(), all);
      assertEquals(0, b.path("strangers").asLong(), all);
      assertEquals(strangersBefore + strangerPackets, MediaSupport.metric(server, STRANGER),
          "/metrics counts the dropped strangers");
      assertTrue(MediaSupport.metric(server, "media_packets_forwarded")
          >= forwardedBefore + 2L * TONE_PACKETS, "/metrics counts both directions");

      // the call is over: the session is gone and both legs' ports are released
      MediaSupport.awaitNoMediaSession(server);
      assertEquals(callerLeg, MediaSupport.audioPort(answerAtCaller));
      for (int p : new int[] {callerLeg, callerLeg + 1, calleeLeg, calleeLeg + 1}) {
        assertTrue(MediaSupport.udpPortFree(p), "relay port " + p + " released");
      }
    }
  }
}
