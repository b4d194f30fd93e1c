package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opentelephony.gateway.it.ItSupport.TIMEOUT;
import static org.opentelephony.gateway.it.ItSupport.args;
import static org.opentelephony.gateway.it.ItSupport.register;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.registrar.Binding;

/**
 * The registrar (RFC 3261 section 10) against SIPp: expiry limits, queries, several devices per
 * user, removal of one or all contacts, persistence across a restart, lapse on time, and TCP.
 * Every test uses its own account, so bindings never leak between tests.
 */
@Tag("integration")
class RegistrarIT extends SharedServer {

  private List<Binding> lookup(String user) {
    return server.server.sip().location().lookup(user);
  }

  private static Set<String> uris(List<Binding> bindings) {
    return bindings.stream().map(Binding::contactUri).collect(Collectors.toSet());
  }

  private static String contactOf(String user, int port, String transport) {
    return "sip:" + user + "@127.0.0.1:" + port + ";transport=" + transport;
  }

  /** Runs register_query.xml and returns the contacts listed in its 200. */
  private List<SippTrace.Contact> query(String user, String... extra) throws Exception {
    Sipp q = Sipp.start("register_query.xml", FreePorts.next(), server.sipAddress(),
        args(new String[] {"-s", user, "-ap", "pw-" + user}, TIMEOUT, extra));
    assertEquals(0, q.await(), "query REGISTER of " + user + " answered 200");
    return SippTrace.contacts(SippTrace.lastReceived(q.messages("register_query.xml"),
        "SIP/2.0 200"));
  }

  private static Set<String> uriSet(List<SippTrace.Contact> contacts) {
    return contacts.stream().map(SippTrace.Contact::uri).collect(Collectors.toSet());
  }

  @Test
  void expiresBelowMinimumIsRefusedWith423AndMinExpires() throws Exception {
    String user = "u1";
    Sipp s = Sipp.start("register_interval_too_brief.xml", FreePorts.next(), server.sipAddress(),
        args(new String[] {"-s", user, "-ap", "pw-" + user, "-key", "expires", "30"}, TIMEOUT));
    assertEquals(0, s.await(), "authenticated REGISTER with Expires 30 answered 423");
    SippTrace.Message r = SippTrace.lastReceived(s.messages("register_interval_too_brief.xml"),
        "SIP/2.0 423");
    assertEquals(List.of("60"), r.headers("Min-Expires"), "Min-Expires = sip.registrar.min-expires");
    assertTrue(lookup(user).isEmpty(), "nothing bound: " + lookup(user));
  }

  @Test
  void expiresAboveMaximumIsClamped() throws Exception {
    String user = "u2";
    int port = FreePorts.next();
    Sipp s = Sipp.start("register_expires.xml", port, server.sipAddress(),
        args(new String[] {"-s", user, "-ap", "pw-" + user, "-key", "expires", "200000"},
            TIMEOUT));
    assertEquals(0, s.await(), "REGISTER with Expires 200000 answered 200");
    List<SippTrace.Contact> listed = SippTrace.contacts(
        SippTrace.lastReceived(s.messages("register_expires.xml"), "SIP/2.0 200"));
    assertEquals(1, listed.size(), "one contact in the 200: " + listed);
    int expires = listed.get(0).expires();
    assertTrue(expires <= 86_400 && expires >= 86_390, "expires= clamped to 86400: " + expires);
    List<Binding> bound = lookup(user);
    assertEquals(1, bound.size());
    long left = bound.get(0).expiresAt() - System.currentTimeMillis();
    assertTrue(left <= 86_400_000L && left > 86_300_000L, "binding lasts " + left + " ms");
  }

  @Test
  void registerWithoutContactIsAQueryListingEveryDevice() throws Exception {
    String user = "u3";
    assertTrue(query(user).isEmpty(), "no contacts before any registration");

    int a = FreePorts.next();
    int b = ItSupport.portOtherThan(a);
    register(server, user, a);
    register(server, user, b);
    Set<String> expected = Set.of(contactOf(user, a, "UDP"), contactOf(user, b, "UDP"));
    assertEquals(expected, uris(lookup(user)), "both devices bound");

    List<SippTrace.Contact> listed = query(user);
    assertEquals(expected, uriSet(listed), "the query lists both devices");
    for (SippTrace.Contact c : listed) {
      assertTrue(c.expires() > 3500 && c.expires() <= 3600, "default expiry: " + c);
    }
    assertEquals(expected, uris(lookup(user)), "a query changes nothing");
  }

  @Test
  void expiresZeroOnOneContactRemovesOnlyThatOne() throws Exception {
    String user = "u4";
    int a = FreePorts.next();
    int b = ItSupport.portOtherThan(a);
    register(server, user, a);
    register(server, user, b);
    assertEquals(2, lookup(user).size());

    Sipp un = Sipp.start("unregister.xml", a, server.sipAddress(),
        args(new String[] {"-s", user, "-ap", "pw-" + user}, TIMEOUT));
    assertEquals(0, un.await(), "Expires 0 REGISTER answered 200");
    assertEquals(Set.of(contactOf(user, b, "UDP")), uris(lookup(user)), "only device b left");
    List<SippTrace.Contact> listed = SippTrace.contacts(
        SippTrace.lastReceived(un.messages("unregister.xml"), "SIP/2.0 200"));
    assertEquals(Set.of(contactOf(user, b, "UDP")), uriSet(listed),
        "the 200 lists the remaining contact");
  }

  @Test
  void wildcardContactWithExpiresZeroRemovesAll() throws Exception {
    String user = "u5";
    int a = FreePorts.next();
    register(server, user, a);
    register(server, user, ItSupport.portOtherThan(a));
    assertEquals(2, lookup(user).size());

    Sipp un = Sipp.start("unregister_all.xml", FreePorts.next(), server.sipAddress(),
        args(new String[] {"-s", user, "-ap", "pw-" + user}, TIMEOUT));
    assertEquals(0, un.await(), "Contact: * REGISTER answered 200");
    assertTrue(lookup(user).isEmpty(), "no binding left: " + lookup(user));
    assertTrue(SippTrace.lastReceived(un.messages("unregister_all.xml"), "SIP/2.0 200")
        .headers("Contact").isEmpty(), "the 200 lists no contact");
    assertTrue(query(user).isEmpty(), "a query finds nothing");
  }

  @Test
  void registrationsSurviveARestart() throws Exception {
    String user = "u6";
    int port = FreePorts.next();
    register(server, user, port);
    List<Binding> before = lookup(user);
    assertEquals(1, before.size());

    server.restart();

    List<Binding> after = lookup(user);
    assertEquals(1, after.size(), "binding restored after restart");
    assertEquals(before.get(0).contactUri(), after.get(0).contactUri());
    assertEquals(before.get(0).expiresAt(), after.get(0).expiresAt(), "same expiry");
    assertEquals(Set.of(contactOf(user, port, "UDP")), uriSet(query(user)),
        "the restarted registrar still answers with the binding");
  }

  @Test
  void registerOverTcp() throws Exception {
    String user = "u7";
    int port = FreePorts.next();
    register(server, user, port, "-t", "t1");
    List<Binding> bound = lookup(user);
    assertEquals(1, bound.size(), "bound over TCP: " + bound);
    Binding b = bound.get(0);
    assertEquals(contactOf(user, port, "TCP"), b.contactUri());
    assertEquals("tcp", b.transport());
    // over TCP the device is reached where its connection came from
    assertEquals("127.0.0.1:" + port, b.received());
    assertEquals(Set.of(contactOf(user, port, "TCP")), uriSet(query(user, "-t", "t1")),
        "a query over TCP lists it");
  }

  @Test
  void registrationLapsesOnTime() throws Exception {
    String user = "u8";
    try (ServerFixture quick = ServerFixture.start(Map.of("sip.registrar.min-expires", "1s"))) {
      Sipp s = Sipp.start("register_expires.xml", FreePorts.next(), quick.sipAddress(),
          args(new String[] {"-s", user, "-ap", "pw-" + user, "-key", "expires", "2"}, TIMEOUT));
      assertEquals(0, s.await(), "REGISTER with Expires 2 accepted");
      long registered = System.nanoTime();
      List<SippTrace.Contact> listed = SippTrace.contacts(
          SippTrace.lastReceived(s.messages("register_expires.xml"), "SIP/2.0 200"));
      assertEquals(1, listed.size());
      assertEquals(2, listed.get(0).expires(), "granted as asked");
      assertEquals(1, quick.server.sip().location().lookup(user).size(), "bound at first");

      ItSupport.await("the binding of " + user + " to lapse", 6_000, () ->
          quick.server.sip().location().lookup(user).isEmpty() ? Optional.of(true)
              : Optional.empty());
      long ms = (System.nanoTime() - registered) / 1_000_000L;
      assertTrue(ms >= 1_000, "lapsed on time, not at once: after " + ms + " ms");
      assertEquals(0, quick.server.sip().location().size(), "no live binding counted");
    }
  }

  /**
   * Registers {@code user} from SIPp port {@code port} while its Via and Contact claim
   * {@code natAddr}, then checks that the binding and a call reach the source address.
   */
  private void natDeviceIsReachedAtItsSourceAddress(String user, int port, String natAddr)
      throws Exception {
    assertEquals(0, Sipp.run("register_behind_nat.xml", port, server.sipAddress(),
        args(new String[] {"-s", user, "-ap", "pw-" + user, "-key", "nat_addr", natAddr},
            TIMEOUT)), "REGISTER from behind NAT answered 200");
    String contact = "sip:" + user + "@" + natAddr + ";transport=UDP";
    List<Binding> bound = lookup(user);
    assertEquals(1, bound.size());
    assertEquals(contact, bound.get(0).contactUri(), "contact kept as the device sent it");
    assertEquals("127.0.0.1:" + port, bound.get(0).received(),
        "reached at the source address of the REGISTER");

    // a call to the user reaches the SIPp UAS on the source port, not the advertised address
    Sipp uas = Sipp.start("uas_answer.xml", port, null, TIMEOUT);
    assertEquals(0, ItSupport.callFromAlice(server, "uac_call.xml", user, "-d", "200").await(),
        "call to the NATed device answered");
    assertEquals(0, uas.await(), "the UAS on the source port took the call");
    assertEquals("INVITE " + contact + " SIP/2.0",
        SippTrace.lastReceived(uas.messages("uas_answer.xml"), "INVITE ").firstLine(),
        "Request-URI is the registered contact");
  }

  /** Via and Contact name a private address (other host and port) than the packet's source. */
  @Test
  void deviceBehindNatIsReachedAtTheSourceAddress() throws Exception {
    natDeviceIsReachedAtItsSourceAddress("u9", FreePorts.next(), "192.0.2.10:5062");
  }

  /** Same host, other port in Via and Contact (a port-translating NAT, or a proxy on the host). */
  @Test
  void deviceBehindPortTranslatingNatIsReachedAtTheSourceAddress() throws Exception {
    int port = FreePorts.next();
    natDeviceIsReachedAtItsSourceAddress("u20", port,
        "127.0.0.1:" + ItSupport.portOtherThan(port));
  }
}
