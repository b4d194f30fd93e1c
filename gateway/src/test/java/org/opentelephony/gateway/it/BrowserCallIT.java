package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real browsers through the WebRTC gateway: JsSIP 3.13.8 pages in headless Chromium register
 * over SIP over WebSocket and call SIPp, each other and baresip; the page's getStats must show
 * media flowing. Driven by tests/browser/run.mjs (see tests/browser/README.md). Skipped only
 * when Chromium or node is not installed.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserCallIT {
  /** The tone of the pages' fake microphone (run.mjs --tone). */
  private static final int PAGE_TONE = 660;

  private ServerFixture server;

  @BeforeAll
  void startServer() throws Exception {
    assumeTrue(BrowserDriver.available(),
        "needs Chromium (" + BrowserDriver.CHROMIUM + ") and node on PATH");
    server = ServerFixture.startWithWebSocket(Map.of());
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** (1) alice in a browser calls bob, a SIPp UAS answering PCMU and echoing RTP. */
  @Test
  void browserCallsSippThatEchoesAudio() throws Exception {
    int bobPort = FreePorts.next();
    ItSupport.register(server, "bob", bobPort);
    Sipp bob = Sipp.start("uas_answer.xml", bobPort, null,
        "-rtp_echo", "-mp", String.valueOf(ItSupport.portOtherThan(bobPort)));
    try {
      JsonNode r = BrowserDriver.run(90, "call-out", "--ws", server.wsUrl(),
          "--accounts", "alice:alice123", "--targets", "bob", "--tone", "" + PAGE_TONE);
      assertOk(r);
      JsonNode call = r.get("calls").get(0);
      assertTrue(call.get("audioInGrowth").asLong() > 0, "inbound audio grows: " + call);
      assertTrue(call.get("audioOutGrowth").asLong() > 0, "outbound audio grows: " + call);
      assertEquals(0, bob.await(), "SIPp bob (answer, echo, BYE): " + bob.messages("uas_answer.xml"));
    } finally {
      bob.kill();
    }
  }

  /**
   * (2) two browsers call each other with audio and video through the server; then A restarts
   * ICE (a re-INVITE with new credentials) and media goes on both ways.
   */
  @Test
  void twoBrowsersCallWithAudioAndVideo() throws Exception {
    JsonNode r = BrowserDriver.run(90, "pair", "--ws", server.wsUrl(),
        "--accounts", "u1:pw-u1,u2:pw-u2", "--tone", "" + PAGE_TONE, "--ice-restart");
    assertOk(r);
    for (String side : List.of("A", "B")) {
      JsonNode s = r.get(side);
      assertTrue(s.get("audioInGrowth").asLong() > 0, side + " inbound audio grows: " + s);
      assertTrue(s.get("framesDecodedGrowth").asLong() > 0, side + " decodes video: " + s);
      JsonNode after = r.get("afterIceRestart").get(side);
      assertTrue(after.get("audioInGrowth").asLong() > 0
          && after.get("framesDecodedGrowth").asLong() > 0,
          side + ": media goes on after A restarted ICE: " + after);
    }
  }

  /** (3) baresip (G.711 or Opus) calls a browser; audio flows both ways. */
  @Test
  void baresipCallsBrowser() throws Exception {
    for (String codec : List.of("pcmu", "opus")) {
      String callee = codec.equals("pcmu") ? "u3" : "u4";
      BrowserDriver page = BrowserDriver.start("answer", "--ws", server.wsUrl(),
          "--accounts", callee + ":pw-" + callee, "--hold", "40", "--tone", "" + PAGE_TONE,
          "--deadline", "100");
      try {
        page.awaitEvent("registered", 30_000);
        Path out = Path.of("target", "baresip-to-browser-" + codec + ".log").toAbsolutePath();
        BaresipRun phone = BaresipRun.calling(server, "u5:pw-u5", "sip:" + callee + "@localhost",
            codec, PAGE_TONE, 4, out);
        int exit = phone.await(120);
        JsonNode r = page.await(60);
        assertEquals(0, exit, codec + ": baresip heard no browser audio; see " + out
            + ":\n" + phone.log() + "\nbrowser: " + r);
        assertOk(r);
        assertTrue(r.get("audioInGrowth").asLong() > 0, codec + ": browser hears baresip: " + r);
      } finally {
        page.kill();
      }
    }
  }

  private static void assertOk(JsonNode r) {
    assertTrue(r.path("ok").asBoolean(false), "browser run failed: " + r.toPrettyString());
  }
}
