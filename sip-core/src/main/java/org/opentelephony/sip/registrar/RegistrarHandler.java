package org.opentelephony.sip.registrar;

import gov.nist.javax.sip.message.SIPRequest;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.opentelephony.sip.auth.AuthResult;
import org.opentelephony.sip.auth.SipDigest;
import org.opentelephony.sip.config.SipConfig;
import org.opentelephony.sip.transport.SipContext;
import org.opentelephony.sip.transport.Source;
import org.opentelephony.sip.util.Clock;

/**
 * The registrar of RFC 3261 section 10.3: authenticates a REGISTER, checks its expiry values and
 * applies its contacts to the {@link LocationService}. Runs on the SIP stack's thread (nothing
 * here blocks: storage is write-behind) and answers statelessly.
 */
public final class RegistrarHandler {
  private final SipContext sip;
  private final SipDigest digest;
  private final LocationService location;
  private final Clock clock;
  private final SipConfig config;

  public RegistrarHandler(SipContext sip, SipDigest digest, LocationService location,
      Clock clock) {
    this.sip = sip;
    this.digest = digest;
    this.location = location;
    this.clock = clock;
    this.config = sip.config();
  }

  public void handle(Request request) {
    sip.sendStateless(respond(request));
  }

  Response respond(Request request) {
    if (!sip.isLocal(request.getRequestURI())) {
      return sip.response(request, 403, "Not a domain of this registrar");
    }
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    URI aor = to.getAddress().getURI();
    if (!(aor instanceof SipURI sipAor) || sipAor.getUser() == null) {
      return sip.response(request, 404, "Address of record not found");
    }
    AuthResult auth = digest.verify(request, SipDigest.Kind.REGISTRAR);
    switch (auth.outcome()) {
      case MISSING, BAD_NONCE:
        return digest.challenge(request, SipDigest.Kind.REGISTRAR, false);
      case STALE:
        return digest.challenge(request, SipDigest.Kind.REGISTRAR, true);
      case MALFORMED:
        return sip.response(request, 400, "Malformed credentials");
      case FORBIDDEN:
        return sip.response(request, 403, "Forbidden");
      default:
        break;
    }
    String user = sipAor.getUser();
    if (!user.equals(auth.user())) {
      return sip.response(request, 403, "Credentials do not match the address of record");
    }
    try {
      return apply(request, user);
    } catch (LocationService.OutOfOrderException e) {
      return sip.response(request, 500, "Out of order REGISTER");
    } catch (ParseException | javax.sip.InvalidArgumentException e) {
      return sip.response(request, 400, "Bad Contact");
    }
  }

  private Response apply(Request request, String user)
      throws LocationService.OutOfOrderException, ParseException,
      javax.sip.InvalidArgumentException {
    if (hasUnparsableExpires((SIPRequest) request)) {
      return sip.response(request, 400, "Bad Expires value");
    }
    String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
    long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
    ExpiresHeader expiresHeader = request.getExpires();
    List<ContactHeader> contacts = contacts(request);

    boolean wildcard = contacts.stream().anyMatch(ContactHeader::isWildCard);
    if (wildcard) {
      if (contacts.size() != 1 || expiresHeader == null || expiresHeader.getExpires() != 0) {
        return sip.response(request, 400, "Contact * needs Expires 0 and no other contact");
      }
      location.removeAll(user, callId, cseq);
      return ok(request, user);
    }

    long now = clock.millis();
    long minSeconds = config.minExpires().toSeconds();
    List<Binding> updates = new ArrayList<>(contacts.size());
    for (ContactHeader c : contacts) {
      int expires = c.getExpires();
      if (expires < 0) {
        expires = expiresHeader != null ? expiresHeader.getExpires()
            : (int) config.defaultExpires().toSeconds();
      }
      if (expires > 0 && expires < minSeconds) {
        Response r = sip.response(request, 423, "Interval Too Brief");
        r.addHeader(sip.headers().createMinExpiresHeader((int) minSeconds));
        return r;
      }
      expires = (int) Math.min(expires, config.maxExpires().toSeconds());
      SIPRequest sreq = (SIPRequest) request;
      String reachAt = Source.behindNat(sreq) ? Source.address(sreq) : "";
      updates.add(new Binding(user, c.getAddress().getURI().toString(), reachAt,
          Source.transport(sreq), callId, cseq, now + expires * 1000L, userAgent(request)));
    }
    for (Binding b : updates) {
      location.update(b);
    }
    sip.metrics().count(updates.isEmpty() ? "register_queries" : "registrations");
    return ok(request, user);
  }

  /** 200 listing every live contact of the user with its remaining time. */
  private Response ok(Request request, String user)
      throws ParseException, javax.sip.InvalidArgumentException {
    Response r = sip.response(request, 200);
    long now = clock.millis();
    for (Binding b : location.lookup(user)) {
      ContactHeader c = sip.headers().createContactHeader(
          sip.addresses().createAddress(sip.addresses().createURI(b.contactUri())));
      c.setExpires(b.secondsLeft(now));
      r.addHeader(c);
    }
    return r;
  }

  /** The RI drops an Expires it cannot parse into the unrecognized headers; it is still an error. */
  private static boolean hasUnparsableExpires(SIPRequest r) {
    java.util.Iterator<String> it = r.getUnrecognizedHeaders();
    while (it != null && it.hasNext()) {
      String h = it.next();
      if (h.regionMatches(true, 0, "Expires", 0, 7)) {
        return true;
      }
    }
    return false;
  }

  private static List<ContactHeader> contacts(Request request) {
    List<ContactHeader> out = new ArrayList<>();
    ListIterator<?> it = request.getHeaders(ContactHeader.NAME);
    while (it != null && it.hasNext()) {
      out.add((ContactHeader) it.next());
    }
    return out;
  }

  private static String userAgent(Request request) {
    UserAgentHeader ua = (UserAgentHeader) request.getHeader(UserAgentHeader.NAME);
    if (ua == null) {
      return null;
    }
    String s = String.join(" ", iterable(ua.getProduct()));
    return s.length() > 256 ? s.substring(0, 256) : s;
  }

  private static List<String> iterable(ListIterator<?> it) {
    List<String> out = new ArrayList<>();
    while (it != null && it.hasNext()) {
      out.add(String.valueOf(it.next()));
    }
    return out;
  }
}
