package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opentelephony.gateway.it.ItSupport.TIMEOUT;
import static org.opentelephony.gateway.it.ItSupport.register;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.call.CallState;

/**
 * Call detail records as the HTTP API serves them ({@code GET /api/cdrs}), their persistence
 * across a restart, and what a clean shutdown does to a call in progress.
 */
@Tag("integration")
class CallRecordsIT extends SharedServer {

  private static boolean isCallTo(JsonNode n, String callee) {
    return n.path("callee").asText().equals(callee);
  }

  @Test
  void answeredCallIsServedByTheApiAndSurvivesARestart() throws Exception {
    String callee = "u14";
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_answer.xml", port, null, TIMEOUT);
    long before = System.currentTimeMillis();
    assertEquals(0, ItSupport.callFromAlice(server, "uac_call.xml", callee, "-d", "600").await());
    assertEquals(0, uas.await());
    long after = System.currentTimeMillis();

    JsonNode rec = CdrApi.await(server, "user=" + callee, n -> isCallTo(n, callee));
    assertEquals("alice", rec.path("caller").asText());
    assertEquals(callee, rec.path("callee").asText());
    assertEquals("HANGUP_CALLER", rec.path("endReason").asText());
    assertEquals(200, rec.path("sipStatus").asInt());
    long duration = rec.path("durationMs").asLong();
    assertTrue(duration >= 500 && duration < 10_000, "durationMs " + duration);
    long started = rec.path("startedAt").asLong();
    long answered = rec.path("answeredAt").asLong();
    long ended = rec.path("endedAt").asLong();
    assertTrue(before <= started && started <= answered && answered <= ended && ended <= after,
        "times in order: " + rec);
    assertEquals(ended - answered, duration, "duration counts from the answer");
    assertTrue(rec.path("audio").asBoolean(), "audio call");
    String callId = rec.path("callId").asText();
    assertFalse(callId.isEmpty());

    // the same record, unfiltered and filtered by the caller
    assertTrue(CdrApi.get(server, "").stream()
        .anyMatch(n -> n.path("callId").asText().equals(callId)), "listed without filter");
    List<JsonNode> lastOfAlice = CdrApi.get(server, "user=alice&limit=1");
    assertEquals(1, lastOfAlice.size(), "limit=1 honoured");
    assertEquals(callId, lastOfAlice.get(0).path("callId").asText(), "alice's newest call");
    List<JsonNode> ofCallee = CdrApi.get(server, "user=" + callee);
    assertEquals(1, ofCallee.size(), "one record for " + callee);
    assertTrue(CdrApi.get(server, "user=nobody-such").isEmpty(), "filter by user applies");

    server.restart();

    List<JsonNode> afterRestart = CdrApi.get(server, "user=" + callee);
    assertEquals(1, afterRestart.size(), "record kept across the restart");
    assertEquals(rec, afterRestart.get(0), "unchanged");
  }

  @Test
  void cleanStopDuringACallSendsByeToBothLegs() throws Exception {
    String callee = "u15";
    int port = FreePorts.next();
    register(server, callee, port);
    // both scenarios sit waiting for a BYE once the call is up, and answer it 200
    Sipp uas = Sipp.start("uas_answer.xml", port, null, TIMEOUT);
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_remote_bye.xml", callee);
    ItSupport.awaitLiveCall(server, callee, CallState.TALKING);

    long t0 = System.nanoTime();
    server.server.stop();
    long stopMs = (System.nanoTime() - t0) / 1_000_000L;

    assertEquals(0, uac.await(), "caller got a BYE from the server and answered it");
    assertEquals(0, uas.await(), "callee got a BYE from the server and answered it");
    assertTrue(stopMs < 5_000, "stop did not wait out its 5 s bound: " + stopMs + " ms");

    server.restart(); // stop() above already ran: this starts it again on the same data
    JsonNode rec = CdrApi.await(server, "user=" + callee, n -> isCallTo(n, callee));
    assertEquals("SERVER_SHUTDOWN", rec.path("endReason").asText());
    assertEquals(503, rec.path("sipStatus").asInt());
    assertTrue(rec.hasNonNull("answeredAt"), "the call had been answered: " + rec);
    assertEquals("alice", rec.path("caller").asText());
  }

  @Test
  void cleanStopDuringRingingRejectsTheCallerAndCancelsTheCallee() throws Exception {
    String callee = "u19";
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_cancelled.xml", port, null, TIMEOUT);
    Sipp uac = ItSupport.callFromAlice(server, "uac_expect_status.xml", callee,
        "-key", "expected", "503");
    ItSupport.awaitLiveCall(server, callee, CallState.RINGING);

    server.server.stop();

    assertEquals(0, uac.await(), "caller got 503 from the stopping server");
    assertEquals(0, uas.await(), "callee got CANCEL, answered 200 and 487");

    server.restart();
    JsonNode rec = CdrApi.await(server, "user=" + callee, n -> isCallTo(n, callee));
    assertEquals("SERVER_SHUTDOWN", rec.path("endReason").asText());
    assertEquals(503, rec.path("sipStatus").asInt());
    assertTrue(rec.path("answeredAt").isNull(), "never answered: " + rec);
    assertEquals(0, rec.path("durationMs").asLong());
  }
}
