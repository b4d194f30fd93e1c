package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opentelephony.gateway.it.ItSupport.TIMEOUT;
import static org.opentelephony.gateway.it.ItSupport.args;
import static org.opentelephony.gateway.it.ItSupport.register;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.cdr.CallRecord;
import org.opentelephony.sip.registrar.Binding;

/**
 * Calls through the B2BUA with both parties on TCP ({@code sipp -t t1}): the callee registers
 * over TCP, then a SIPp UAS listening on TCP on the same port takes the call.
 */
@Tag("integration")
class TcpCallIT extends SharedServer {
  private static final String[] TCP = {"-t", "t1"};

  private int registerOverTcp(String callee) throws Exception {
    int port = FreePorts.next();
    register(server, callee, port, TCP);
    List<Binding> bound = server.server.sip().location().lookup(callee);
    assertEquals(1, bound.size());
    assertEquals("tcp", bound.get(0).transport());
    return port;
  }

  /** Every request the UAS got came over TCP with a TCP Via (the server did not fall back). */
  private static void assertAllTcp(String log, String... methods) {
    for (String method : methods) {
      List<SippTrace.Message> got = SippTrace.received(log, method + " ");
      assertFalse(got.isEmpty(), method + " received");
      for (SippTrace.Message m : got) {
        assertTrue(m.headers("Via").get(0).startsWith("SIP/2.0/TCP"), "TCP Via: " + m.text());
      }
    }
    assertFalse(log.contains("UDP message"), "nothing over UDP:\n" + log);
  }

  @Test
  void callerHangsUpOverTcp() throws Exception {
    String callee = "u16";
    int port = registerOverTcp(callee);
    Sipp uas = Sipp.start("uas_answer.xml", port, null, args(TCP, TIMEOUT));
    ItSupport.awaitTcpListening(port);
    Sipp uac = ItSupport.callFromAlice(server, "uac_call.xml", callee,
        args(TCP, new String[] {"-d", "500"}));

    assertEquals(0, uac.await(), "caller over TCP: answered, BYE got 200");
    assertEquals(0, uas.await(), "callee over TCP: INVITE, ACK and BYE arrived");
    assertAllTcp(uas.messages("uas_answer.xml"), "INVITE", "ACK", "BYE");
    assertAllTcp(uac.messages("uac_call.xml"));

    CallRecord r = ItSupport.awaitRecord(server, callee);
    assertEquals("HANGUP_CALLER", r.endReason());
    assertEquals(200, r.sipStatus());
    assertNotNull(r.answeredAt());
  }

  @Test
  void calleeHangsUpOverTcp() throws Exception {
    String callee = "u17";
    int port = registerOverTcp(callee);
    Sipp uas = Sipp.start("uas_callee_bye.xml", port, null,
        args(TCP, TIMEOUT, new String[] {"-d", "500"}));
    ItSupport.awaitTcpListening(port);
    Sipp uac = ItSupport.callFromAlice(server, "uac_call_remote_bye.xml", callee, TCP);

    assertEquals(0, uac.await(), "caller over TCP got the BYE on its connection");
    assertEquals(0, uas.await(), "callee's BYE over TCP got 200");
    assertAllTcp(uac.messages("uac_call_remote_bye.xml"), "BYE");

    CallRecord r = ItSupport.awaitRecord(server, callee);
    assertEquals("HANGUP_CALLEE", r.endReason());
    assertNotNull(r.answeredAt());
  }
}
