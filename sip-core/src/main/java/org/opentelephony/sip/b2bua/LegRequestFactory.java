package org.opentelephony.sip.b2bua;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WarningHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import org.opentelephony.sip.registrar.Binding;
import org.opentelephony.sip.transport.LoopMarker;
import org.opentelephony.sip.transport.SipContext;

/** Builds the requests the B2BUA originates on the callee leg from what the caller sent. */
final class LegRequestFactory {
  private final SipContext sip;

  LegRequestFactory(SipContext sip) {
    this.sip = sip;
  }

  /**
   * The callee leg's INVITE: new Call-ID, the caller's From (new tag), the callee's AOR in To,
   * the device's contact as Request-URI, Max-Forwards decremented, X- headers copied, and
   * {@code X-Call-Ref} naming the call (the caller's own reference, else the server's call id).
   */
  Request initialInvite(Request invite, Binding target, String body, String callRef)
      throws ParseException {
    try {
      URI requestUri = sip.addresses().createURI(target.contactUri());
      FromHeader callerFrom = (FromHeader) invite.getHeader(FromHeader.NAME);
      Address fromAddr = (Address) callerFrom.getAddress().clone();
      FromHeader from = sip.headers().createFromHeader(fromAddr, SipContext.newTag());
      SipURI toUri = sip.addresses().createSipURI(target.user(), sip.config().domain());
      ToHeader to = sip.headers().createToHeader(sip.addresses().createAddress(toUri), null);
      CallIdHeader callId = sip.provider().getNewCallId();
      CSeqHeader cseq = sip.headers().createCSeqHeader(1L, Request.INVITE);
      ViaHeader via = sip.headers().createViaHeader(sip.config().advertisedAddress(),
          sip.config().portFor(target.transport()), target.transport(), LoopMarker.branchFor(target.contactUri(),
              callId.getCallId(), from.getTag(), 1L));
      List<ViaHeader> vias = new ArrayList<>(List.of(via));
      MaxForwardsHeader incoming = (MaxForwardsHeader) invite.getHeader(MaxForwardsHeader.NAME);
      int mf = sip.config().maxForwards();
      if (incoming != null) {
        mf = Math.min(mf, incoming.getMaxForwards() - 1);
      }
      Request out = sip.messages().createRequest(requestUri, Request.INVITE, callId, cseq, from,
          to, vias, sip.headers().createMaxForwardsHeader(Math.max(mf, 0)));
      out.addHeader(sip.contact(target.transport()));
      out.addHeader(sip.headers().createUserAgentHeader(List.of(sip.config().userAgent())));
      copyPassThroughHeaders(invite, out);
      if (out.getHeader(CALL_REF) == null) {
        // the callee learns how the server names the call (an API client uses it as its id)
        out.addHeader(sip.headers().createHeader(CALL_REF, callRef));
      }
      if (body != null) {
        out.setContent(body, sdpContentType());
      }
      return out;
    } catch (InvalidArgumentException e) {
      throw new ParseException(e.getMessage(), 0);
    }
  }

  /** The header naming a call the same way on both legs. */
  static final String CALL_REF = "X-Call-Ref";

  /** Copies the {@code X-} headers: how custom pass-through data travels between legs. */
  void copyPassThroughHeaders(Message from, Message to) {
    Iterator<?> names = from.getHeaderNames();
    while (names.hasNext()) {
      String name = (String) names.next();
      if (name.length() > 2 && name.substring(0, 2).toLowerCase(Locale.ROOT).equals("x-")) {
        ListIterator<?> values = from.getHeaders(name);
        while (values.hasNext()) {
          to.addHeader((Header) ((Header) values.next()).clone());
        }
      }
    }
  }

  ContentTypeHeader sdpContentType() throws ParseException {
    return sip.headers().createContentTypeHeader("application", "sdp");
  }

  /** A Warning (RFC 3261 20.43, code 399 "miscellaneous") naming the server as agent. */
  WarningHeader warning(String text) throws ParseException {
    try {
      String clean = text.replace('"', '\'');
      return sip.headers().createWarningHeader(sip.config().advertisedAddress(), 399, clean);
    } catch (InvalidArgumentException e) {
      throw new ParseException(e.getMessage(), 0);
    }
  }
}
