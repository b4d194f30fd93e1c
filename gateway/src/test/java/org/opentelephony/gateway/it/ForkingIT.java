package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opentelephony.gateway.it.ItSupport.TIMEOUT;
import static org.opentelephony.gateway.it.ItSupport.args;
import static org.opentelephony.gateway.it.ItSupport.register;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.cdr.CallRecord;

/**
 * A callee registered from two devices (two SIPp UAS on two ports): the B2BUA rings both, the
 * first 2xx wins and the other device is cancelled; failures are merged as RFC 3261 16.7 says.
 */
@Tag("integration")
class ForkingIT extends SharedServer {

  @Test
  void firstAnswerWinsAndTheOtherDeviceIsCancelled() throws Exception {
    String callee = "u11";
    int a = FreePorts.next();
    int b = ItSupport.portOtherThan(a);
    register(server, callee, a);
    register(server, callee, b);
    assertEquals(2, server.server.sip().location().lookup(callee).size());

    Sipp answering = Sipp.start("uas_answer_delayed.xml", a, null,
        args(new String[] {"-d", "1000"}, TIMEOUT));
    Sipp ringing = Sipp.start("uas_cancelled.xml", b, null, TIMEOUT);
    Sipp caller = ItSupport.callFromAlice(server, "uac_call.xml", callee, "-d", "500");

    assertEquals(0, caller.await(), "caller: answered, then its BYE got 200");
    assertEquals(0, answering.await(), "device a: answered and got the BYE");
    assertEquals(0, ringing.await(), "device b: got CANCEL, answered 200 and 487, got the ACK");
    String ringingLog = ringing.messages("uas_cancelled.xml");
    assertEquals(1, SippTrace.received(ringingLog, "CANCEL ").size(), "one CANCEL to device b");
    assertTrue(SippTrace.received(ringingLog, "BYE ").isEmpty(), "no BYE to the loser");

    CallRecord r = ItSupport.awaitRecord(server, callee);
    assertEquals("HANGUP_CALLER", r.endReason());
    assertEquals(200, r.sipStatus());
    assertNotNull(r.answeredAt(), "answered");
    assertTrue(r.answeredAt() - r.startedAt() >= 900,
        "answered when device a did, after ringing 1 s: " + (r.answeredAt() - r.startedAt()));
    assertTrue(r.durationMs() >= 400, "duration " + r.durationMs());
    assertFalse(ItSupport.hasLiveCall(server, callee));
    assertEquals(1, server.server.sip().records().recent(callee, 10).size(), "one record");
  }

  @Test
  void oneBusyDeviceDoesNotEndTheCallWhileAnotherRings() throws Exception {
    String callee = "u12";
    int a = FreePorts.next();
    int b = ItSupport.portOtherThan(a);
    register(server, callee, a);
    register(server, callee, b);

    Sipp answering = Sipp.start("uas_answer_delayed.xml", a, null,
        args(new String[] {"-d", "1000"}, TIMEOUT));
    Sipp busy = Sipp.start("uas_reject_486.xml", b, null, TIMEOUT);
    Sipp caller = ItSupport.callFromAlice(server, "uac_call.xml", callee, "-d", "300");

    assertEquals(0, busy.await(), "device b: rejected 486, got the ACK");
    assertEquals(0, caller.await(), "caller: answered by device a despite b's 486");
    assertEquals(0, answering.await(), "device a: answered and got the BYE");

    CallRecord r = ItSupport.awaitRecord(server, callee);
    assertEquals("HANGUP_CALLER", r.endReason());
    assertNotNull(r.answeredAt());
  }

  @Test
  void whenEveryDeviceRefusesTheCallerGetsTheBestFailure() throws Exception {
    String callee = "u13";
    int a = FreePorts.next();
    int b = ItSupport.portOtherThan(a);
    register(server, callee, a);
    register(server, callee, b);

    Sipp busy = Sipp.start("uas_reject_486.xml", a, null, TIMEOUT);
    Sipp decline = Sipp.start("uas_reject_603.xml", b, null, TIMEOUT);
    // RFC 3261 16.7.6: a 6xx beats a 4xx
    Sipp caller = ItSupport.callFromAlice(server, "uac_expect_status.xml", callee,
        "-key", "expected", "603");

    assertEquals(0, caller.await(), "caller: the 603 of device b was chosen over the 486");
    assertEquals(0, busy.await());
    assertEquals(0, decline.await());

    CallRecord r = ItSupport.awaitRecord(server, callee);
    assertEquals("REJECTED_DECLINED", r.endReason());
    assertEquals(603, r.sipStatus());
    assertNull(r.answeredAt());
  }
}
