package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.cdr.CallRecord;

/**
 * Call flows through the B2BUA with SIPp on both sides, against a server started by the test.
 * Each test calls its own callee account, so registrations of one test never leak into another.
 */
@Tag("integration")
class SippCallsIT extends SharedServer {
  private final AtomicInteger nextUser = new AtomicInteger(1);

  private String freshUser() {
    return "u" + nextUser.getAndIncrement();
  }

  /** Registers {@code user} from a port, then serves {@code uasScenario} on that port. */
  private Sipp registeredUas(String user, String uasScenario, String... uasArgs) throws Exception {
    int port = FreePorts.next();
    assertEquals(0, Sipp.run("register.xml", port, server.sipAddress(), "-s", user,
        "-ap", "pw-" + user), "register " + user);
    return Sipp.start(uasScenario, port, null, uasArgs);
  }

  private int callFromAlice(String scenario, String callee, String... extra) throws Exception {
    String[] base = {"-s", callee, "-key", "caller", "alice", "-au", "alice", "-ap", "alice123"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return Sipp.run(scenario, FreePorts.next(), server.sipAddress(), args);
  }

  /** The call record of the last call to {@code callee}, once written (write-behind). */
  private CallRecord recordFor(String callee) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<CallRecord> recs = server.server.sip().records().recent(callee, 1);
      if (!recs.isEmpty()) {
        return recs.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no call record for " + callee);
  }

  @Test
  void registerWithDigestAuth() throws Exception {
    String user = freshUser();
    assertEquals(0, Sipp.run("register.xml", FreePorts.next(), server.sipAddress(),
        "-s", user, "-ap", "pw-" + user));
    assertEquals(1, server.server.sip().location().lookup(user).size());
  }

  @Test
  void registerWithWrongPasswordIsForbidden() throws Exception {
    String user = freshUser();
    assertEquals(0, Sipp.run("register_wrong_password.xml", FreePorts.next(),
        server.sipAddress(), "-s", user, "-ap", "not-the-password"));
    assertTrue(server.server.sip().location().lookup(user).isEmpty());
  }

  @Test
  void callerHangsUp() throws Exception {
    String callee = freshUser();
    Sipp uas = registeredUas(callee, "uas_answer.xml");
    assertEquals(0, callFromAlice("uac_call.xml", callee, "-d", "500"));
    assertEquals(0, uas.await(), "callee side");
    CallRecord r = recordFor(callee);
    assertEquals("HANGUP_CALLER", r.endReason());
    assertEquals("alice", r.caller());
    assertNotNull(r.answeredAt());
    assertTrue(r.durationMs() >= 400, "duration " + r.durationMs());
  }

  @Test
  void calleeHangsUp() throws Exception {
    String callee = freshUser();
    Sipp uas = registeredUas(callee, "uas_callee_bye.xml", "-d", "500");
    assertEquals(0, callFromAlice("uac_call_remote_bye.xml", callee));
    assertEquals(0, uas.await(), "callee side");
    assertEquals("HANGUP_CALLEE", recordFor(callee).endReason());
  }

  @Test
  void callerCancelsBeforeAnswer() throws Exception {
    String callee = freshUser();
    Sipp uas = registeredUas(callee, "uas_cancelled.xml");
    assertEquals(0, callFromAlice("uac_cancel.xml", callee));
    assertEquals(0, uas.await(), "callee got CANCEL and answered 487");
    CallRecord r = recordFor(callee);
    assertEquals("CANCELED", r.endReason());
    assertEquals(487, r.sipStatus());
    assertNull(r.answeredAt());
  }

  @Test
  void calleeBusyIsRelayed() throws Exception {
    String callee = freshUser();
    Sipp uas = registeredUas(callee, "uas_reject_486.xml");
    assertEquals(0, callFromAlice("uac_expect_status.xml", callee, "-key", "expected", "486"));
    assertEquals(0, uas.await());
    assertEquals("REJECTED_BUSY", recordFor(callee).endReason());
  }

  @Test
  void calleeDeclineIsRelayed() throws Exception {
    String callee = freshUser();
    Sipp uas = registeredUas(callee, "uas_reject_603.xml");
    assertEquals(0, callFromAlice("uac_expect_status.xml", callee, "-key", "expected", "603"));
    assertEquals(0, uas.await());
    assertEquals("REJECTED_DECLINED", recordFor(callee).endReason());
  }

  @Test
  void unknownCalleeIs404() throws Exception {
    assertEquals(0, callFromAlice("uac_expect_status.xml", "nobody", "-key", "expected", "404"));
    assertEquals("NOT_FOUND", recordFor("nobody").endReason());
  }

  @Test
  void knownCalleeWithoutRegistrationIs480() throws Exception {
    String callee = freshUser();
    assertEquals(0, callFromAlice("uac_expect_status.xml", callee, "-key", "expected", "480"));
    assertEquals("OFFLINE", recordFor(callee).endReason());
  }

  @Test
  void inviteWithoutCredentialsIsChallenged() throws Exception {
    String callee = freshUser();
    assertEquals(0, Sipp.run("uac_unauthenticated.xml", FreePorts.next(), server.sipAddress(),
        "-s", callee, "-key", "caller", "alice"));
    assertTrue(server.server.sip().records().recent(callee, 1).isEmpty(),
        "no call is created before authentication");
  }
}
