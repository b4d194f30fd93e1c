package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opentelephony.gateway.it.ItSupport.TIMEOUT;
import static org.opentelephony.gateway.it.ItSupport.register;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.call.Call;
import org.opentelephony.sip.call.CallState;
import org.opentelephony.sip.cdr.CallRecord;

/**
 * Requests inside an answered call, relayed by the B2BUA from one leg to the other: hold and
 * resume re-INVITEs with their SDP, INFO and UPDATE in both directions, X- headers.
 */
@Tag("integration")
class InDialogIT extends SharedServer {

  /**
   * uac_call_indialog.xml and uas_answer_indialog.xml check each step themselves (ereg with
   * check_it on headers and SDP): either exits non-zero when a request or answer is missing or
   * was not relayed as sent.
   */
  @Test
  void holdResumeInfoUpdateAndCustomHeaderCrossTheB2bua() throws Exception {
    String callee = "u10";
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_answer_indialog.xml", port, null, TIMEOUT);
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_indialog.xml", callee, "-d", "1500");

    // while the caller waits before its BYE, every exchange is over: the call is up
    Call live = ItSupport.awaitLiveCall(server, callee, CallState.TALKING);
    assertEquals("alice", live.caller());

    int callerExit = uac.await();
    int calleeExit = uas.await();
    String calleeLog = uas.messages("uas_answer_indialog.xml");
    String callerLog = uac.messages("uac_call_indialog.xml");

    // what the callee got, read independently of the scenario's own checks
    List<SippTrace.Message> invites = SippTrace.received(calleeLog, "INVITE ");
    assertEquals(3, invites.size(), "initial INVITE, hold, resume reached the callee");
    assertEquals(List.of("opentelephony-it-42"), invites.get(0).headers("X-Custom"),
        "X-Custom of the caller's INVITE passed through");
    assertTrue(invites.get(1).body().contains("a=sendonly"), "hold offer relayed");
    assertTrue(invites.get(2).body().contains("a=sendrecv"), "resume offer relayed");
    assertEquals(1, SippTrace.received(calleeLog, "INFO ").size(), "INFO reached the callee");
    assertEquals(1, SippTrace.received(calleeLog, "UPDATE ").size(), "UPDATE reached the callee");
    assertEquals(1, SippTrace.received(callerLog, "INFO ").size(), "INFO reached the caller");
    assertEquals(1, SippTrace.received(callerLog, "UPDATE ").size(), "UPDATE reached the caller");

    assertEquals(0, callerExit, "caller: every in-dialog request answered as expected");
    assertEquals(0, calleeExit, "callee: every in-dialog request arrived as expected");

    CallRecord r = ItSupport.awaitRecord(server, callee);
    assertEquals("HANGUP_CALLER", r.endReason());
    assertEquals(200, r.sipStatus());
    assertEquals("alice", r.caller());
    assertNotNull(r.answeredAt());
    assertTrue(r.durationMs() >= 1_400, "duration " + r.durationMs());
    assertFalse(ItSupport.hasLiveCall(server, callee), "the call is gone");
  }

  @Test
  void calleeCanPutTheCallOnHold() throws Exception {
    String callee = "u18";
    int port = FreePorts.next();
    register(server, callee, port);
    Sipp uas = Sipp.start("uas_answer_then_hold.xml", port, null,
        ItSupport.args(TIMEOUT, new String[] {"-d", "200"}));
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_held_by_callee.xml", callee,
        "-d", "300");

    assertEquals(0, uac.await(), "caller: got the callee's re-INVITE with a=sendonly");
    assertEquals(0, uas.await(), "callee: its re-INVITE was answered a=recvonly");
    SippTrace.Message reinvite = SippTrace.lastReceived(
        uac.messages("uac_call_held_by_callee.xml"), "INVITE ");
    assertTrue(reinvite.body().contains("a=sendonly"), reinvite.text());

    CallRecord r = ItSupport.awaitRecord(server, callee);
    assertEquals("HANGUP_CALLER", r.endReason());
    assertNotNull(r.answeredAt());
  }
}
