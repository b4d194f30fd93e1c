package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The JavaScript SDK ({@code /sdk/opentelephony.js}) and the demo page ({@code /}) served by the
 * real server, in headless Chromium with fake camera and microphone, driven by
 * {@code tests/browser/sdk-run.mjs}. Every page loads from the server's own origin; media stays
 * on 127.0.0.1 (the ITs run in a loopback-only network namespace, tests/netns/bin/java).
 * Screenshots of the demo page are kept in {@code target/} (demo-video-call.png, demo-desktop.png,
 * demo-phone.png).
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkCallIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final int PAGE_TONE = 660;

  private ServerFixture server;

  @BeforeAll
  void startServer() throws Exception {
    assumeTrue(BrowserDriver.available(),
        "needs Chromium (" + BrowserDriver.CHROMIUM + ") and node on PATH");
    server = ServerFixture.start(apiConfig(Map.of()));
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** The call API on free ports: any origin (the fixture's port is random), u9 without video. */
  static Map<String, Object> apiConfig(Map<String, Object> extra) {
    Map<String, Object> m = new HashMap<>();
    m.put("api.allowed-origins", List.of("*"));
    m.put("api.sip-port", FreePorts.next());
    m.put("api.reconnect-window", "10s");
    m.put("accounts.permissions", Map.of("u9", Map.of("video", false)));
    m.putAll(extra);
    return m;
  }

  private String base() {
    return "http://127.0.0.1:" + server.httpPort;
  }

  private JsonNode sdk(ServerFixture s, String scenario, String accounts, String... more)
      throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--server",
        "http://127.0.0.1:" + s.httpPort, "--accounts", accounts, "--tone", "" + PAGE_TONE));
    args.addAll(List.of(more));
    JsonNode r = BrowserDriver.runSdk(120, scenario, args.toArray(String[]::new));
    assertTrue(r.path("ok").asBoolean(false), scenario + " failed: " + r.toPrettyString());
    return r;
  }

  /** The SDK loads as an ES module; the demo page renders at desktop and phone sizes. */
  @Test
  void sdkLoadsAndDemoPageRenders() throws Exception {
    JsonNode r = sdk(server, "load", "u1:pw-u1", "--shots", TARGET.toString());
    assertTrue(r.at("/desktop/exports").toString().contains("create"), r.toString());
    assertTrue(Files.size(TARGET.resolve("demo-phone.png")) > 10_000, "phone screenshot");
  }

  /**
   * Video call: answered with video; both pages decode remote video and exchange audio; the
   * state sequence RINGING, CONNECTING, TALKING, ENDED on both sides; extraParam and updates
   * reach the other side; the callee ends it; getById and history() keep the call.
   */
  @Test
  void videoCallBetweenTwoSdkPages() throws Exception {
    JsonNode r = sdk(server, "video-call", "u1:pw-u1,u2:pw-u2");
    for (String side : List.of("A", "B")) {
      assertTrue(r.at("/" + side + "/framesDecodedGrowth").asLong() > 0, side + " decodes video");
      assertTrue(r.at("/" + side + "/audioInGrowth").asLong() > 0, side + " receives audio");
    }
    assertEquals("hangup_remote", r.at("/reasons/A").asText());
    assertEquals("order=42&topic=demo", r.at("/history/extraParam").asText(
        "order=42&topic=demo"));
  }

  @Test
  void calleeRejects() throws Exception {
    JsonNode r = sdk(server, "reject", "u3:pw-u3,u4:pw-u4");
    assertEquals("rejected", r.at("/reasons/A").asText());
  }

  @Test
  void callerCancelsBeforeAnswer() throws Exception {
    JsonNode r = sdk(server, "cancel", "u5:pw-u5,u6:pw-u6");
    assertEquals("canceled", r.at("/reasons/B").asText());
  }

  /** u9 has {@code video = false}: a video call gets error 403 and ends as forbidden. */
  @Test
  void forbiddenVideoCallGets403() throws Exception {
    JsonNode r = sdk(server, "forbidden", "u9:pw-u9,u10:pw-u10");
    assertEquals(403, r.at("/attempt/code").asInt());
  }

  /** Hold (a sendonly re-offer) stops the held side's inbound audio; resume brings it back. */
  @Test
  void holdAndResume() throws Exception {
    sdk(server, "hold", "u21:pw-u21,u22:pw-u22");
  }

  /** The caller's WebSocket closes mid-call; the SDK reconnects; media and events go on. */
  @Test
  void reconnectMidCallKeepsTheCall() throws Exception {
    JsonNode r = sdk(server, "reconnect", "u11:pw-u11,u12:pw-u12");
    assertTrue(r.path("reconnectMs").asLong() < 10_000, "reconnected within the window: " + r);
  }

  /** The demo page itself (UI clicks) in a video call; its screenshot is kept. */
  @Test
  void demoPageVideoCallScreenshot() throws Exception {
    Path shot = TARGET.resolve("demo-video-call.png");
    Files.deleteIfExists(shot);
    JsonNode r = sdk(server, "demo", "u13:pw-u13,u14:pw-u14", "--screenshot", shot.toString());
    assertTrue(Files.size(shot) > 20_000, "screenshot " + shot + ": " + r);
  }

  /** A call nobody answers ends with no_answer after the server's (short) timeout. */
  @Test
  void noAnswerWithinConfiguredTimeout() throws Exception {
    try (ServerFixture s = ServerFixture.start(apiConfig(
        Map.of("sip.call.no-answer-timeout", "3s")))) {
      JsonNode r = sdk(s, "no-answer", "u15:pw-u15,u16:pw-u16", "--no-answer", "3");
      assertEquals("no_answer", r.at("/reasons/A").asText());
    }
  }

  /** An SDK user calls a SIP phone (SIPp answering and echoing RTP): audio both ways. */
  @Test
  void sdkUserCallsSipPhone() throws Exception {
    int phonePort = FreePorts.next();
    ItSupport.register(server, "bob", phonePort);
    Sipp bob = Sipp.start("uas_answer.xml", phonePort, null,
        "-rtp_echo", "-mp", String.valueOf(ItSupport.portOtherThan(phonePort)));
    try {
      JsonNode r = sdk(server, "call-out", "u17:pw-u17", "--target", "bob");
      assertTrue(r.path("audioInGrowth").asLong() > 0, "hears the phone: " + r);
      assertEquals(0, bob.await(), "SIPp bob: " + bob.messages("uas_answer.xml"));
    } finally {
      bob.kill();
    }
  }

  /**
   * An SDK user calls a real softphone: baresip, registered as carol (pcmu) or dave (opus) and
   * answering automatically, is called with the SDK, talks ~6 s, and the SDK side ends the call.
   * The page hears baresip (inbound audio grows); baresip heard the page's tone (the script's
   * exit code: energy and the {@value #PAGE_TONE} Hz tone in what it decoded).
   */
  @Test
  void sdkUserCallsBaresipPhone() throws Exception {
    for (String codec : List.of("pcmu", "opus")) {
      String caller = codec.equals("pcmu") ? "u7" : "u8";
      String phone = codec.equals("pcmu") ? "carol" : "dave";
      Path out = TARGET.resolve("sdk-to-baresip-" + codec + ".log");
      Path ready = TARGET.resolve("sdk-to-baresip-" + codec + ".ready");
      // 30 s: the longest baresip keeps the call; the SDK side normally ends it first
      BaresipRun p = BaresipRun.called(server, phone + ":" + ItSupport.password(phone), codec,
          PAGE_TONE, 30, ready, out);
      try {
        p.awaitReady(ready, 30_000);
        JsonNode r = sdk(server, "call-out", caller + ":pw-" + caller, "--target", phone,
            "--hold", "4");
        assertTrue(r.path("audioInGrowth").asLong() > 0, codec + ": the page hears baresip: " + r);
        assertEquals("hangup_local", r.path("reason").asText(), codec + ": " + r);
        int exit = p.await(30);
        String log = p.log();
        assertEquals(0, exit, codec + ": baresip heard no SDK audio; see " + out + ":\n"
            + log + "\nsdk page: " + r);
        assertTrue(log.contains("hung up by: remote"), codec + ": the SDK ended the call: " + log);
      } finally {
        p.kill();
      }
    }
  }

  /** baresip calls an SDK user, who answers with the SDK: audio both ways (opus and pcmu). */
  @Test
  void baresipCallsSdkUser() throws Exception {
    for (String codec : List.of("pcmu", "opus")) {
      String callee = codec.equals("pcmu") ? "u18" : "u19";
      BrowserDriver page = BrowserDriver.startSdk("answer", "--server", base(), "--accounts",
          callee + ":pw-" + callee, "--hold", "40", "--tone", "" + PAGE_TONE, "--deadline", "100");
      try {
        page.awaitEvent("logged-in", 30_000);
        Path out = TARGET.resolve("baresip-to-sdk-" + codec + ".log");
        BaresipRun phone = BaresipRun.calling(server, "u20:pw-u20", "sip:" + callee + "@localhost",
            codec, PAGE_TONE, 4, out);
        int exit = phone.await(120);
        JsonNode r = page.await(60);
        assertEquals(0, exit, codec + ": baresip heard no SDK audio; see " + out + ":\n"
            + phone.log() + "\nsdk page: " + r);
        assertTrue(r.path("ok").asBoolean(false), codec + ": " + r.toPrettyString());
        assertTrue(r.path("audioInGrowth").asLong() > 0, codec + ": the page hears baresip: " + r);
      } finally {
        page.kill();
      }
    }
  }
}
