package org.opentelephony.sip.transport;

import gov.nist.javax.sip.message.SIPRequest;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Set;
import javax.sip.address.URI;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RequireHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Checks every request before any handler sees it (RFC 3261 8.2 and 16.3) and says which error
 * it deserves, if any. Parsing errors of mandatory headers are answered 400 by the stack itself.
 */
public final class RequestValidator {
  /** Methods the server implements; anything else is 501. */
  public static final Set<String> SUPPORTED = Set.of(
      "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "UPDATE", "INFO");
  /** Option tags the server supports in Require (none beyond the base spec yet). */
  public static final Set<String> SUPPORTED_EXTENSIONS = Set.of();

  private final SipContext sip;

  public RequestValidator(SipContext sip) {
    this.sip = sip;
  }

  /** The error response {@code request} deserves, or null if it may be processed. */
  public Response check(Request request) {
    SIPRequest r = (SIPRequest) request;
    String method = request.getMethod();
    int size = r.getSize() + (r.getRawContent() == null ? 0 : r.getRawContent().length);
    if (size > sip.config().maxMessageSize()) {
      return sip.response(request, 513, "Message Too Large");
    }
    if (r.getApplicationData() == StrictMessageParserFactory.BAD_VERSION) {
      return sip.response(request, 505, "Version Not Supported");
    }
    if (!r.getCSeq().getMethod().equalsIgnoreCase(method)) {
      return sip.response(request, 400, "CSeq method does not match the request method");
    }
    URI ruri = request.getRequestURI();
    String scheme = ruri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("sip") && !scheme.equals("sips")) {
      return method.equals("ACK") ? null : unsupportedScheme(request);
    }
    if (!SUPPORTED.contains(method)) {
      Response resp = sip.response(request, 501, "Not Implemented");
      addAllow(resp);
      return resp;
    }
    MaxForwardsHeader mf = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
    if (mf != null && mf.getMaxForwards() == 0 && !method.equals("ACK")
        && !(method.equals("OPTIONS") && sip.isLocal(ruri))) {
      return sip.response(request, 483, "Too Many Hops");
    }
    if (LoopMarker.isLoop(r, sip.config().advertisedAddress(), sip.config().port())) {
      return sip.response(request, 482, "Loop Detected");
    }
    if (!method.equals("ACK") && !method.equals("CANCEL")) {
      String unsupported = unsupportedRequire(request);
      if (unsupported != null) {
        Response resp = sip.response(request, 420, "Bad Extension");
        try {
          resp.addHeader(sip.headers().createUnsupportedHeader(unsupported));
        } catch (java.text.ParseException e) {
          throw new IllegalStateException(e);
        }
        return resp;
      }
    }
    return null;
  }

  private Response unsupportedScheme(Request request) {
    return sip.response(request, 416, "Unsupported URI Scheme");
  }

  /** Adds an Allow header listing the supported methods. */
  public void addAllow(Response resp) {
    try {
      for (String m : SUPPORTED) {
        resp.addHeader(sip.headers().createAllowHeader(m));
      }
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String unsupportedRequire(Request request) {
    ListIterator<?> it = request.getHeaders(RequireHeader.NAME);
    while (it != null && it.hasNext()) {
      String tag = ((RequireHeader) it.next()).getOptionTag();
      if (!SUPPORTED_EXTENSIONS.contains(tag.toLowerCase(Locale.ROOT))) {
        return tag;
      }
    }
    return null;
  }
}
