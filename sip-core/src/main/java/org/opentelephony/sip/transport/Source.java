package org.opentelephony.sip.transport;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.Locale;

/** Where a request really came from, and whether that differs from where it says it is. */
public final class Source {
  private Source() {
  }

  /** The source address of the request as {@code ip:port}. */
  public static String address(SIPRequest r) {
    return r.getRemoteAddress().getHostAddress() + ":" + r.getRemotePort();
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
    String ip = r.getRemoteAddress().getHostAddress();
    return viaPort != r.getRemotePort() || !ip.equals(via.getHost());
  }
}
