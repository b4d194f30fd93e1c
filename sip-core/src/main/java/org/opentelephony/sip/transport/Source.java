package org.opentelephony.sip.transport;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.Locale;

/** Where a request really came from, and whether that differs from where it says it is. */
public final class Source {
  private Source() {
  }

  /**
   * The address the request's packet (or connection) really came from, as {@code ip:port}. Not
   * {@code getRemotePort()}: for UDP the RI sets that to the Via's sent-by port.
   */
  public static String address(SIPRequest r) {
    return ip(r) + ":" + port(r);
  }

  public static String ip(SIPRequest r) {
    java.net.InetAddress a = r.getPeerPacketSourceAddress();
    return (a != null ? a : r.getRemoteAddress()).getHostAddress();
  }

  public static int port(SIPRequest r) {
    int p = r.getPeerPacketSourcePort();
    return p > 0 ? p : r.getRemotePort();
  }

  public static String transport(SIPRequest r) {
    return r.getTopmostVia().getTransport().toLowerCase(Locale.ROOT);
  }

  /**
   * True when the sender is behind NAT or uses a connection-oriented transport: the top Via's
   * sent-by is not the address the request came from (the test Kamailio's nat_uac_test applies
   * with flags 2 and 16). Then the sender must be reached at its source address, not at what its
   * Contact says. A REGISTER sent from the address in its Via is taken at its word, which also
   * keeps third-party registrations (RFC 3261 10.2) working.
   */
  public static boolean behindNat(SIPRequest r) {
    Via via = r.getTopmostVia();
    String transport = via.getTransport();
    if (!"UDP".equalsIgnoreCase(transport)) {
      return true; // replies must reuse the connection the device opened
    }
    int viaPort = via.getPort() > 0 ? via.getPort() : 5060;
    return viaPort != port(r) || !ip(r).equals(via.getHost());
  }
}
