package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opentelephony.gateway.it.ItSupport.TIMEOUT;
import static org.opentelephony.gateway.it.ItSupport.args;
import static org.opentelephony.gateway.it.ItSupport.register;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentelephony.sip.call.CallState;

/**
 * The media inactivity timeout (here {@code media.inactivity-timeout = 2s}; the relay checks
 * once a second): an answered call whose RTP/RTCP stopped in both directions is ended by the
 * server with BYE on both legs and end reason MEDIA_TIMEOUT; a call on hold is not.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaTimeoutIT {
  private static final long TIMEOUT_MS = 2_000;
  /** How long calls stay on hold: well past the timeout plus one check period. */
  private static final long HOLD_MS = 4_500;

  private ServerFixture server;
  private final AtomicInteger nextUser = new AtomicInteger(1);

  @BeforeAll
  void start() throws Exception {
    server = ServerFixture.start(Map.of("media.inactivity-timeout", TIMEOUT_MS + "ms",
        "media.port-min", 36000, "media.port-max", 36999));
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

  private JsonNode recordOf(String callee) throws Exception {
    return CdrApi.await(server, "user=" + callee, n -> callee.equals(n.path("callee").asText()));
  }

  /** Nobody sends any RTP: the call ends 2-3 s after the answer, both SIPps get a BYE. */
  @Test
  void answeredCallWithoutAnyRtpIsEndedWithByeOnBothLegs() throws Exception {
    String callee = freshUser();
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_answer.xml", port, null, TIMEOUT);
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_remote_bye.xml", callee);

    assertEquals(0, uac.await(), "caller: answered, then got a BYE (from the server)");
    assertEquals(0, uas.await(), "callee: answered, then got a BYE (from the server)");
    assertEquals(1, SippTrace.received(uac.messages("uac_call_remote_bye.xml"), "BYE ").size());
    assertEquals(1, SippTrace.received(uas.messages("uas_answer.xml"), "BYE ").size());

    JsonNode rec = recordOf(callee);
    assertEquals("MEDIA_TIMEOUT", rec.path("endReason").asText(), rec.toString());
    long duration = rec.path("durationMs").asLong();
    // the record's answer time is taken a few ms after the relay's (which starts the clock)
    assertTrue(duration >= TIMEOUT_MS - 100 && duration < TIMEOUT_MS + 2_500,
        "ended between the timeout and one check later: " + duration + " ms");
    JsonNode audio = MediaSupport.audioStats(rec);
    assertEquals(0, audio.path("caller").path("packetsIn").asLong(), audio.toString());
    assertEquals(0, audio.path("callee").path("packetsIn").asLong(), audio.toString());
    assertFalse(ItSupport.hasLiveCall(server, callee), "the call is gone");
    MediaSupport.awaitNoMediaSession(server);
  }

  /**
   * RTP flows both ways (the caller streams 1.6 s, the callee SIPp echoes), then the callee
   * SIPp is killed without a BYE and the caller's stream ends: the surviving caller gets the
   * server's BYE, 2-3 s after the last packet (not after the answer: packets count).
   */
  @Test
  void callWhoseMediaStopsAfterTheCalleeDiedIsEnded() throws Exception {
    int streamMs = 1_600;
    Path tone = RtpPeer.ulawToneFile("tone-440hz-1600ms.ulaw", 440, streamMs);
    String callee = freshUser();
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_answer.xml", port, null,
        args(TIMEOUT, new String[] {"-rtp_echo", "-mi", "127.0.0.1"}));
    long forwardedBefore = MediaSupport.metric(server, "media_packets_forwarded");
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_rtp_remote_bye.xml", callee,
        "-mi", "127.0.0.1", "-key", "rtp_file", tone + ",1,0");
    ItSupport.awaitLiveCall(server, callee, CallState.TALKING);
    // both directions flow (caller -> callee and the echo back): then the callee dies
    ItSupport.await("RTP relayed both ways", 5_000, () -> {
      try {
        return MediaSupport.metric(server, "media_packets_forwarded") >= forwardedBefore + 20
            ? Optional.of(true) : Optional.empty();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    uas.kill();

    assertEquals(0, uac.await(), "caller: got the server's BYE");
    assertEquals(1, SippTrace.received(uac.messages("uac_call_rtp_remote_bye.xml"), "BYE ")
        .size());
    JsonNode rec = recordOf(callee);
    assertEquals("MEDIA_TIMEOUT", rec.path("endReason").asText(), rec.toString());
    JsonNode audio = MediaSupport.audioStats(rec);
    assertTrue(audio.path("caller").path("packetsIn").asLong() >= streamMs / 20 - 5,
        "the caller's stream reached the server: " + audio);
    assertTrue(audio.path("callee").path("packetsIn").asLong() > 0,
        "the callee echoed before it died: " + audio);
    long duration = rec.path("durationMs").asLong();
    // the last packet is ~1.6 s after the answer; without packets counting it would be 2-3 s
    assertTrue(duration >= streamMs + TIMEOUT_MS - 200 && duration < streamMs + TIMEOUT_MS + 2_500,
        "ended one timeout after the stream stopped: " + duration + " ms");
    assertFalse(ItSupport.hasLiveCall(server, callee), "the call is gone");
    MediaSupport.awaitNoMediaSession(server);
  }

  /**
   * The caller puts the call on hold (a=sendonly, answered a=recvonly) for 4.5 s with no RTP at
   * all, resumes and hangs up: the server must not end the held call.
   */
  @Test
  void callOnHoldByTheCallerIsNotEndedForLackOfRtp() throws Exception {
    String callee = freshUser();
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_answer_hold_resume.xml", port, null, TIMEOUT);
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_hold_resume.xml", callee,
        "-d", String.valueOf(HOLD_MS));
    ItSupport.awaitLiveCall(server, callee, CallState.TALKING);
    Thread.sleep(TIMEOUT_MS + 1_500);
    assertTrue(ItSupport.hasLiveCall(server, callee), "still up past the timeout, on hold");

    assertEquals(0, uac.await(), "caller: hold, resume, BYE all answered; no BYE while on hold");
    assertEquals(0, uas.await(), "callee: hold and resume arrived, then the caller's BYE");
    JsonNode rec = recordOf(callee);
    assertEquals("HANGUP_CALLER", rec.path("endReason").asText(), rec.toString());
    assertTrue(rec.path("durationMs").asLong() >= HOLD_MS, rec.toString());
  }

  /** Same with the callee holding the call (its re-INVITE crosses the B2BUA to the caller). */
  @Test
  void callOnHoldByTheCalleeIsNotEndedForLackOfRtp() throws Exception {
    String callee = freshUser();
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_answer_then_hold.xml", port, null,
        args(TIMEOUT, new String[] {"-d", "200"}));
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_held_by_callee.xml", callee,
        "-d", String.valueOf(HOLD_MS));

    assertEquals(0, uac.await(), "caller: held by the callee, no BYE from the server, hung up");
    assertEquals(0, uas.await(), "callee: its hold was answered, then the caller's BYE");
    JsonNode rec = recordOf(callee);
    assertEquals("HANGUP_CALLER", rec.path("endReason").asText(), rec.toString());
    assertTrue(rec.path("durationMs").asLong() >= HOLD_MS, rec.toString());
  }
}
