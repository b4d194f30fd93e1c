package org.opentelephony.sip.transport;

import gov.nist.javax.sip.stack.DefaultRouter;
import java.util.ListIterator;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.Router;
import javax.sip.message.Request;

/**
 * The stack's router (installed through {@code javax.sip.ROUTER_PATH}): requests with a Route
 * header or to an unmapped URI go where RFC 3263 says; requests to a contact we know to be behind
 * NAT go to the address the device really sent from.
 */
public final class NextHopRouter implements Router {
  private final DefaultRouter fallback;
  private volatile NatMappings mappings = new NatMappings();

  /** Called reflectively by the SIP stack. */
  public NextHopRouter(SipStack stack, String outboundProxy) {
    this.fallback = new DefaultRouter(stack, outboundProxy);
  }

  /** Installs the mappings consulted for every out-of-dialog and in-dialog request. */
  public void use(NatMappings m) {
    this.mappings = m;
  }

  @Override
  public Hop getNextHop(Request request) throws SipException {
    if (request.getHeader("Route") == null) {
      Hop hop = mappings.resolve(request.getRequestURI().toString());
      if (hop != null) {
        return hop;
      }
    }
    return fallback.getNextHop(request);
  }

  @Override
  public Hop getOutboundProxy() {
    return fallback.getOutboundProxy();
  }

  @Override
  @Deprecated
  public ListIterator<?> getNextHops(Request request) {
    return fallback.getNextHops(request);
  }
}
