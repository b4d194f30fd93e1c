package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opentelephony.gateway.it.ItSupport.TIMEOUT;
import static org.opentelephony.gateway.it.ItSupport.args;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JSON call API end to end: the JDK's WebSocket as the client, SIPp as the SIP phones, the
 * real server on loopback. Plain RTP/AVP SDP from the API clients (the B2BUA picks the profile
 * from the SDP); calls towards API users are offered in the browser profile and answered with a
 * browser-shaped SDP.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT {
  private ServerFixture server;
  private int http;

  @BeforeAll
  void start() throws Exception {
    server = ServerFixture.start(Map.of(
        "api.reconnect-window", "10s",
        "api.stats-interval", "500ms",
        "sip.call.no-answer-timeout", "3s",
        "accounts.permissions.carol.video", false));
    http = server.httpPort;
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static final String PLAIN_OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 41000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
      + "a=sendrecv\r\n";

  /** An answer to {@code offer}: browser-shaped for a DTLS-SRTP offer, plain otherwise. */
  static String answerFor(String offer) {
    if (!offer.contains("UDP/TLS/RTP/SAVPF")) {
      return PLAIN_OFFER.replace("41000", "41002");
    }
    Matcher mid = Pattern.compile("a=mid:(\\S+)").matcher(offer);
    String m = mid.find() ? mid.group(1) : "0";
    return "v=0\r\no=- 9 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE " + m + "\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:" + m + "\r\n"
        + "a=ice-ufrag:brws\r\na=ice-pwd:browserpassword0123456789\r\n"
        + "a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:"
        + "55:66:77:88:99:00:AA:BB:CC:DD:EE:FF\r\na=setup:active\r\na=sendrecv\r\na=rtcp-mux\r\n"
        + "a=rtpmap:0 PCMU/8000\r\na=ssrc:555 cname:b\r\n";
  }

  static ObjectNode make(String callId, String to, boolean video, String extra) {
    ObjectNode m = ApiClient.msg("call.make", "callId", callId, "to", to, "sdp", PLAIN_OFFER);
    m.put("audio", true).put("video", video);
    if (extra != null) {
      m.put("extraParam", extra);
    }
    return m;
  }

  private void registerPhone(String user, int port) throws Exception {
    ItSupport.register(server, user, port);
  }

  // ------------------------------------------------------------------ login

  @Test
  void tokenIsIssuedForRightPasswordOnly() throws Exception {
    HttpResponse<String> ok = ApiClient.tokenResponse(http, "alice", "alice123");
    assertEquals(200, ok.statusCode());
    JsonNode body = ApiClient.JSON.readTree(ok.body());
    assertEquals("alice", body.get("user").asText());
    assertEquals(3600, body.get("expiresIn").asInt());
    HttpResponse<String> bad = ApiClient.tokenResponse(http, "alice", "wrong");
    assertEquals(401, bad.statusCode());
    assertTrue(bad.body().contains("invalid_credentials"));
    assertEquals(401, ApiClient.tokenResponse(http, "nobody", "x").statusCode());
  }

  @Test
  void badOrExpiredTokenIsClosedWith4401() throws Exception {
    try (ApiClient c = ApiClient.open(http, "garbage.token", null)) {
      assertEquals(4401, c.closed.get(5, TimeUnit.SECONDS));
      assertEquals("invalid token", c.closeReason());
    }
    String expired = server.server.api().tokens().issue("alice",
        System.currentTimeMillis() - 1000);
    try (ApiClient c = ApiClient.open(http, expired, null)) {
      assertEquals(4401, c.closed.get(5, TimeUnit.SECONDS));
      assertEquals("token expired", c.closeReason());
    }
    String ok = ApiClient.token(http, "alice", "alice123");
    String forged = ok.substring(0, ok.indexOf('.')) + ".AAAA";
    try (ApiClient c = ApiClient.open(http, forged, null)) {
      assertEquals(4401, c.closed.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void originNotInAllowListIsRefusedAtHandshake() throws Exception {
    String token = ApiClient.token(http, "alice", "alice123");
    Exception e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> ApiClient.open(http, token, "http://evil.example"));
    assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException, e.toString());
    assertEquals(403, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse()
        .statusCode());
    try (ApiClient c = ApiClient.open(http, token, "http://localhost:8080")) {
      JsonNode ready = c.await("connection.ready");
      assertEquals("alice", ready.get("user").asText());
      assertEquals(0, ready.get("resumedCalls").size());
    }
  }

  // ------------------------------------------------------------------ calls with SIP phones

  @Test
  void apiUserCallsSipPhone() throws Exception {
    int port = FreePorts.next();
    registerPhone("u1", port);
    Sipp uas = Sipp.start("uas_answer.xml", port, null, TIMEOUT);
    try (ApiClient alice = ApiClient.login(http, "alice", "alice123")) {
      String id = UUID.randomUUID().toString();
      alice.send(make(id, "u1", false, null));
      JsonNode start = alice.await("call.start");
      assertEquals(id, start.get("callId").asText());
      assertEquals(List.of("PENDING", "RINGING", "CONNECTING", "TALKING"),
          alice.statesUntil(id, "TALKING"));
      JsonNode answer = alice.await("call.sdp", e -> id.equals(e.path("callId").asText()));
      assertEquals("answer", answer.get("sdpType").asText());
      assertTrue(answer.get("sdp").asText().contains("m=audio"));
      JsonNode stats = alice.await("call.stats", e -> id.equals(e.path("callId").asText()));
      assertTrue(stats.get("streams").isArray());
      alice.await("call.media", e -> id.equals(e.path("callId").asText()));
      alice.send(ApiClient.msg("call.end", "callId", id));
      JsonNode end = alice.awaitEnded(id, 5000);
      assertEquals("hangup_local", end.get("reason").asText());
      assertEquals("TALKING", end.get("previous").asText());
    }
    assertEquals(0, uas.await(), "the phone was called and got the BYE");
  }

  @Test
  void sipPhoneCallsApiUserWithExtraParamAndGetsUpdateAsInfo() throws Exception {
    try (ApiClient u3 = ApiClient.login(http, "u3", "pw-u3")) {
      Sipp uac = Sipp.start("uac_call_api.xml", FreePorts.next(), server.sipAddress(),
          args(new String[] {"-s", "u3", "-key", "caller", "alice", "-au", "alice", "-ap",
              "alice123", "-key", "extra", "order-42", "-key", "info", "hello-info",
              "-d", "1000"}, TIMEOUT));
      JsonNode rx = u3.await("call.receive");
      String id = rx.get("callId").asText();
      assertEquals("alice", rx.get("caller").asText());
      assertEquals("u3", rx.get("callee").asText());
      assertEquals("order-42", rx.get("extraParam").asText());
      assertTrue(rx.get("audio").asBoolean());
      assertFalse(rx.get("video").asBoolean());
      assertTrue(rx.get("sdp").asText().contains("UDP/TLS/RTP/SAVPF"),
          "an API user is offered browser media");
      u3.await("call.stateChange", e -> "RINGING".equals(e.path("state").asText()));
      ObjectNode ans = ApiClient.msg("call.answer", "callId", id, "sdp",
          answerFor(rx.get("sdp").asText()));
      ans.put("video", false);
      u3.send(ans);
      assertEquals(List.of("CONNECTING", "TALKING"), u3.statesUntil(id, "TALKING"));
      u3.send(ApiClient.msg("call.update", "callId", id, "info", "hello-info"));
      JsonNode end = u3.awaitEnded(id, 10_000);
      assertEquals("hangup_remote", end.get("reason").asText());
      assertEquals(0, uac.await(), "the caller got the INFO and its BYE was answered");
    }
  }

  @Test
  void rejectedCallGives603ToThePhone() throws Exception {
    try (ApiClient u4 = ApiClient.login(http, "u4", "pw-u4")) {
      Sipp uac = Sipp.start("uac_expect_status.xml", FreePorts.next(), server.sipAddress(),
          args(new String[] {"-s", "u4", "-key", "caller", "alice", "-au", "alice", "-ap",
              "alice123", "-key", "expected", "603"}, TIMEOUT));
      String id = u4.await("call.receive").get("callId").asText();
      u4.send(ApiClient.msg("call.reject", "callId", id));
      assertEquals("rejected", u4.awaitEnded(id, 5000).get("reason").asText());
      assertEquals(0, uac.await(), "the caller got 603");
    }
  }

  @Test
  void unansweredCallEndsWithNoAnswer() throws Exception {
    int port = FreePorts.next();
    registerPhone("u5", port);
    Sipp uas = Sipp.start("uas_cancelled.xml", port, null, TIMEOUT);
    try (ApiClient dave = ApiClient.login(http, "dave", "dave123")) {
      String id = UUID.randomUUID().toString();
      dave.send(make(id, "u5", false, null));
      JsonNode end = dave.awaitEnded(id, 10_000);
      assertEquals("no_answer", end.get("reason").asText());
      assertEquals("RINGING", end.get("previous").asText());
    }
    assertEquals(0, uas.await(), "the phone got CANCEL");
  }

  @Test
  void callToUnknownUserEndsNotFound() throws Exception {
    try (ApiClient dave = ApiClient.login(http, "dave", "dave123")) {
      String id = UUID.randomUUID().toString();
      dave.send(make(id, "nosuchuser", false, null));
      assertEquals("not_found", dave.awaitEnded(id, 5000).get("reason").asText());
      String id2 = UUID.randomUUID().toString();
      dave.send(make(id2, "u20", false, null)); // exists, never registered
      assertEquals("offline", dave.awaitEnded(id2, 5000).get("reason").asText());
    }
  }

  // ------------------------------------------------------------------ API user to API user

  @Test
  void apiUserCallsApiUser() throws Exception {
    try (ApiClient u6 = ApiClient.login(http, "u6", "pw-u6");
         ApiClient u7 = ApiClient.login(http, "u7", "pw-u7")) {
      String id = UUID.randomUUID().toString();
      u6.send(make(id, "u7", false, "ticket=7"));
      JsonNode rx = u7.await("call.receive");
      String rid = rx.get("callId").asText();
      assertEquals("u6", rx.get("caller").asText());
      assertEquals("ticket=7", rx.get("extraParam").asText());
      u6.await("call.stateChange", e -> "RINGING".equals(e.path("state").asText()));
      u7.send(ApiClient.msg("call.answer", "callId", rid, "sdp",
          answerFor(rx.get("sdp").asText())));
      u6.await("call.stateChange", e -> "TALKING".equals(e.path("state").asText()));
      u7.await("call.stateChange", e -> "TALKING".equals(e.path("state").asText()));
      u6.send(ApiClient.msg("call.update", "callId", id, "info", "{\"hello\":1}"));
      assertEquals("{\"hello\":1}", u7.await("call.update").get("info").asText());
      u7.send(ApiClient.msg("call.update", "callId", rid, "info", "back"));
      assertEquals("back", u6.await("call.update").get("info").asText());
      ObjectNode mute = ApiClient.msg("call.mute", "callId", id, "kind", "audio");
      mute.put("muted", true);
      u6.send(mute);
      JsonNode muted = u7.await("call.mute");
      assertEquals("audio", muted.get("kind").asText());
      assertTrue(muted.get("muted").asBoolean());
      u6.send(ApiClient.msg("call.end", "callId", id));
      assertEquals("hangup_local", u6.awaitEnded(id, 5000).get("reason").asText());
      assertEquals("hangup_remote", u7.awaitEnded(rid, 5000).get("reason").asText());
      // acting on an ended call
      u7.send(ApiClient.msg("call.update", "callId", rid, "info", "late"));
      JsonNode err = u7.await("error");
      assertEquals(409, err.get("code").asInt());
      assertEquals(rid, err.get("callId").asText());
      // the history of both from the call records
      String token = ApiClient.token(http, "u7", "pw-u7");
      JsonNode calls = ItSupport.await("u7's history", 5000, () -> {
        try {
          JsonNode h = ApiClient.JSON.readTree(ApiClient.history(http, token).body());
          return h.get("calls").size() > 0 ? java.util.Optional.of(h.get("calls"))
              : java.util.Optional.empty();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      JsonNode last = calls.get(0);
      assertEquals("u6", last.get("caller").asText());
      assertEquals("u7", last.get("callee").asText());
      assertEquals("incoming", last.get("direction").asText());
      assertEquals("HANGUP_CALLER", last.get("endReason").asText());
    }
  }

  @Test
  void historyNeedsAValidToken() throws Exception {
    assertEquals(401, ApiClient.history(http, "nope").statusCode());
    assertEquals(200, ApiClient.history(http, ApiClient.token(http, "bob", "bob123"))
        .statusCode());
  }

  @Test
  void videoCallFromAccountWithoutVideoIsForbidden() throws Exception {
    try (ApiClient carol = ApiClient.login(http, "carol", "carol123")) {
      String id = UUID.randomUUID().toString();
      ObjectNode m = make(id, "u8", true, null);
      m.put("reqId", "r1");
      carol.send(m);
      JsonNode err = carol.await("error");
      assertEquals(403, err.get("code").asInt());
      assertEquals("video calls are not enabled for this account",
          err.get("message").asText());
      assertEquals("r1", err.get("reqId").asText());
      assertEquals(id, err.get("callId").asText());
    }
  }

  // ------------------------------------------------------------------ bad input

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "malformed JSON | {\"type\":\"ping\" | 400 | malformed JSON",
      "not an object | [1,2] | 400 | JSON object",
      "no type | {\"callId\":\"x\"} | 400 | missing field: type",
      "unknown type | {\"type\":\"call.dance\"} | 400 | unknown message type: call.dance",
      "missing field | {\"type\":\"call.make\",\"callId\":\"c1\",\"sdp\":\"v=0\"} | 400 | missing field: to",
      "wrong field type | {\"type\":\"call.end\",\"callId\":5} | 400 | invalid field: callId",
      "unknown call | {\"type\":\"call.end\",\"callId\":\"nope\"} | 404 | unknown call: nope",
      "answer unknown | {\"type\":\"call.answer\",\"callId\":\"x\",\"sdp\":\"v=0\"} | 404 | unknown call",
  })
  void badInputGetsAnErrorAndTheConnectionGoesOn(String name, String frame, int code,
      String text) throws Exception {
    try (ApiClient c = ApiClient.login(http, "bob", "bob123")) {
      c.send(frame);
      JsonNode err = c.await("error");
      assertEquals(code, err.get("code").asInt(), err.toString());
      assertTrue(err.get("message").asText().contains(text), err.toString());
      c.send(ApiClient.msg("ping"));
      c.await("pong");
    }
  }

  @Test
  void oversizedFrameGets413AndTheConnectionGoesOn() throws Exception {
    try (ApiClient c = ApiClient.login(http, "bob", "bob123")) {
      String big = "{\"type\":\"call.update\",\"callId\":\"x\",\"info\":\"" + "a".repeat(70_000)
          + "\"}";
      c.send(big);
      JsonNode err = c.await("error");
      assertEquals(413, err.get("code").asInt());
      assertTrue(err.get("message").asText().contains("65536"));
      c.send(ApiClient.msg("ping"));
      c.await("pong");
    }
  }

  // ------------------------------------------------------------------ reconnection

  @Test
  void callSurvivesReconnectionAndEndsAfterTheWindow() throws Exception {
    int port = FreePorts.next();
    registerPhone("u11", port);
    Sipp uas = Sipp.start("uas_answer.xml", port, null, "-timeout", "40s");
    String token = ApiClient.token(http, "u9", "pw-u9");
    String id = UUID.randomUUID().toString();
    ApiClient first = ApiClient.open(http, token, null);
    first.await("connection.ready");
    first.send(make(id, "u11", false, null));
    first.await("call.stateChange", e -> "TALKING".equals(e.path("state").asText()));
    first.ws.abort(); // the network drops
    Thread.sleep(1000);
    try (ApiClient again = ApiClient.open(http, token, null)) {
      JsonNode ready = again.await("connection.ready");
      JsonNode resumed = ready.get("resumedCalls");
      assertEquals(1, resumed.size(), ready.toString());
      assertEquals(id, resumed.get(0).get("callId").asText());
      assertEquals("TALKING", resumed.get(0).get("state").asText());
      again.send(ApiClient.msg("ping"));
      again.await("pong");
      again.ws.abort(); // and drops again, for longer than the window
    }
    long t0 = System.nanoTime();
    assertEquals(0, uas.await(), "the phone got BYE when the window ran out");
    long waited = (System.nanoTime() - t0) / 1_000_000L;
    assertTrue(waited >= 8000, "ended after " + waited + " ms");
    try (ApiClient late = ApiClient.open(http, token, null)) {
      assertEquals(0, late.await("connection.ready").get("resumedCalls").size());
    }
  }

  @Test
  void callEndsDisconnectedForTheUserWhenTheWindowRunsOut() throws Exception {
    // observed from the other API party, which stays connected: hangup_remote; the dropped
    // user's own call ends with reason disconnected (checked through the session directly)
    try (ApiClient u12 = ApiClient.login(http, "u12", "pw-u12")) {
      String token = ApiClient.token(http, "u13", "pw-u13");
      ApiClient u13 = ApiClient.open(http, token, null);
      u13.await("connection.ready");
      String id = UUID.randomUUID().toString();
      u13.send(make(id, "u12", false, null));
      JsonNode rx = u12.await("call.receive");
      u12.send(ApiClient.msg("call.answer", "callId", rx.get("callId").asText(), "sdp",
          answerFor(rx.get("sdp").asText())));
      u13.await("call.stateChange", e -> "TALKING".equals(e.path("state").asText()));
      u13.ws.abort();
      JsonNode end = u12.awaitEnded(rx.get("callId").asText(), 15_000);
      assertEquals("hangup_remote", end.get("reason").asText());
      assertEquals("HANGUP_CALLER", ItSupport.awaitRecord(server, "u13").endReason());
    }
  }
}
