package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.cdr.CallRecord;

/** A callee that rings but never answers: the server gives up after the configured timeout. */
@Tag("integration")
class NoAnswerIT {

  @Test
  void unansweredCallEndsWith480ToCallerAndCancelToCallee() throws Exception {
    try (ServerFixture server = ServerFixture.start(Map.of("sip.call.no-answer-timeout", "2s"))) {
      int uasPort = FreePorts.next();
      assertEquals(0, Sipp.run("register.xml", uasPort, server.sipAddress(), "-s", "bob",
          "-ap", "bob123"));
      Sipp uas = Sipp.start("uas_cancelled.xml", uasPort, null);
      long t0 = System.nanoTime();
      assertEquals(0, Sipp.run("uac_expect_status.xml", FreePorts.next(), server.sipAddress(),
          "-s", "bob", "-key", "caller", "alice", "-au", "alice", "-ap", "alice123",
          "-key", "expected", "480"));
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
      assertEquals(0, uas.await(), "callee received CANCEL");
      // the timer is what ended the call, not something else: it took the configured 2 s
      assertEquals(true, seconds >= 2, "ended after " + seconds + " s");
      List<CallRecord> recs = List.of();
      for (int i = 0; i < 50 && recs.isEmpty(); i++) {
        Thread.sleep(100);
        recs = server.server.sip().records().recent("bob", 1);
      }
      assertEquals("NO_ANSWER", recs.get(0).endReason());
      assertEquals(480, recs.get(0).sipStatus());
    }
  }
}
