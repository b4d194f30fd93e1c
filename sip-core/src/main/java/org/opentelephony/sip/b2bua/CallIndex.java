package org.opentelephony.sip.b2bua;

import gov.nist.javax.sip.message.SIPRequest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.message.Request;

/**
 * Live B2BUA calls by the transaction key of their initial INVITE, so that a CANCEL (which carries
 * the INVITE's branch) finds its call, and so that shutdown can reach every call.
 */
final class CallIndex {
  private final Map<String, B2buaCall> byInvite = new ConcurrentHashMap<>();
  private final Map<String, B2buaCall> byCallId = new ConcurrentHashMap<>();

  static String key(Request request) {
    SIPRequest r = (SIPRequest) request;
    return r.getTopmostVia().getBranch() + "|" + r.getTopmostVia().getSentBy().encode()
        + "|" + r.getCallId().getCallId();
  }

  void add(B2buaCall call, Request invite) {
    byInvite.put(key(invite), call);
    byCallId.put(call.call().id(), call);
  }

  B2buaCall byCallId(String callId) {
    return byCallId.get(callId);
  }

  B2buaCall byCancel(Request cancel) {
    return byInvite.get(key(cancel));
  }

  void forget(B2buaCall call, Request invite) {
    byInvite.remove(key(invite), call);
    byCallId.remove(call.call().id(), call);
  }

  Collection<B2buaCall> all() {
    return List.copyOf(byInvite.values());
  }
}
