package org.opentelephony.sip.transport;

import gov.nist.javax.sip.stack.HopImpl;
import org.opentelephony.sip.registrar.Binding;
import org.opentelephony.sip.registrar.LocationService;

/**
 * Keeps {@link NatMappings} in step with registrations: a device whose REGISTER came from another
 * address than its Contact says (NAT, or a connection it opened) is reached where it really is.
 */
public final class ContactNatObserver implements LocationService.Observer {
  private final NatMappings mappings;

  public ContactNatObserver(NatMappings mappings) {
    this.mappings = mappings;
  }

  @Override
  public void bound(Binding b) {
    if (b.received().isEmpty()) {
      return;
    }
    mappings.retain(b.contactUri(), hop(b.received(), b.transport()));
  }

  @Override
  public void unbound(Binding b) {
    if (b.received().isEmpty()) {
      return;
    }
    mappings.release(b.contactUri());
  }

  /** A hop from an {@code ip:port} string (IPv6 in brackets) and a transport. */
  public static HopImpl hop(String hostPort, String transport) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    return new HopImpl(host, port, transport);
  }
}
