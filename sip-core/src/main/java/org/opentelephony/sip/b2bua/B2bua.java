package org.opentelephony.sip.b2bua;

import gov.nist.javax.sip.message.SIPRequest;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.auth.AccountStore;
import org.opentelephony.sip.auth.AuthResult;
import org.opentelephony.sip.auth.SipDigest;
import org.opentelephony.sip.call.Call;
import org.opentelephony.sip.call.CallRegistry;
import org.opentelephony.sip.call.EndReason;
import org.opentelephony.sip.call.MediaNegotiator;
import org.opentelephony.sip.call.MediaNegotiator.Side;
import org.opentelephony.sip.registrar.Binding;
import org.opentelephony.sip.registrar.LocationService;
import org.opentelephony.sip.sdp.SdpException;
import org.opentelephony.sip.sdp.SdpSummary;
import org.opentelephony.sip.sdp.SdpValidator;
import org.opentelephony.sip.transport.ContactNatObserver;
import org.opentelephony.sip.transport.SipContext;
import org.opentelephony.sip.transport.Source;

/**
 * The back-to-back user agent: admits new calls (authentication, no open relay, routing to the
 * callee's devices) and hands every later event of a call to that call's executor.
 */
public final class B2bua {
  private static final Logger LOG = LogManager.getLogger(B2bua.class);

  private final SipContext sip;
  private final SipDigest digest;
  private final AccountStore accounts;
  private final LocationService location;
  private final CallRegistry registry;
  private final B2buaServices services;

  public B2bua(SipContext sip, SipDigest digest, AccountStore accounts, LocationService location,
      CallRegistry registry, MediaNegotiator media, Executor workers,
      ScheduledExecutorService timers) {
    this.sip = sip;
    this.digest = digest;
    this.accounts = accounts;
    this.location = location;
    this.registry = registry;
    this.services = new B2buaServices(sip, sip.config(), media, workers, timers,
        new LegRequestFactory(sip), new CallIndex());
    media.onMediaTimeout(this::endForMediaTimeout);
  }

  /** Ends a call whose media stopped in both directions: BYE on both legs. */
  void endForMediaTimeout(String callId) {
    B2buaCall c = services.calls().byCallId(callId);
    if (c != null) {
      c.executor().execute(() -> c.hangUp(EndReason.MEDIA_TIMEOUT, 408));
    }
  }

  /**
   * A client's connection (a browser's WebSocket) at {@code address} ({@code ip:port}) closed:
   * every call with a leg on it ends (BYE, or CANCEL, on the other leg).
   */
  public void onConnectionClosed(String address) {
    for (B2buaCall c : services.calls().all()) {
      c.executor().execute(() -> c.onConnectionClosed(address));
    }
  }

  // ---------------------------------------------------------------- admission

  /** An INVITE without To tag: a new call, if the caller may make it. */
  public void onInitialInvite(RequestEvent evt) {
    Request req = evt.getRequest();
    SIPRequest sreq = (SIPRequest) req;
    boolean trusted = sip.isTrusted(Source.ip(sreq), Source.port(sreq));
    String caller;
    if (trusted) {
      caller = callerOf(req);
    } else {
      AuthResult auth = digest.verify(req, SipDigest.Kind.PROXY);
      switch (auth.outcome()) {
        case MISSING, BAD_NONCE -> {
          sip.sendStateless(digest.challenge(req, SipDigest.Kind.PROXY, false));
          return;
        }
        case STALE -> {
          sip.sendStateless(digest.challenge(req, SipDigest.Kind.PROXY, true));
          return;
        }
        case MALFORMED -> {
          sip.sendStateless(sip.response(req, 400, "Malformed credentials"));
          return;
        }
        case FORBIDDEN -> {
          sip.sendStateless(sip.response(req, 403, "Forbidden"));
          return;
        }
        default -> {
        }
      }
      URI fromUri = ((FromHeader) req.getHeader(FromHeader.NAME)).getAddress().getURI();
      if (!sip.isLocal(fromUri) || !auth.user().equals(((SipURI) fromUri).getUser())) {
        sip.sendStateless(sip.response(req, 403, "From does not match the authenticated user"));
        return;
      }
      caller = auth.user();
    }
    URI ruri = req.getRequestURI();
    if (!sip.isLocal(ruri)) {
      sip.sendStateless(sip.response(req, 403, "Relaying denied"));
      return;
    }
    SdpSummary media = new SdpSummary(true, false);
    if (Bodies.hasBody(req)) {
      if (!Bodies.isSdp(req)) {
        Response r = sip.response(req, 415, "Unsupported Media Type");
        try {
          r.addHeader(sip.headers().createAcceptHeader("application", "sdp"));
        } catch (ParseException e) {
          throw new IllegalStateException(e);
        }
        sip.sendStateless(r);
        return;
      }
      try {
        media = SdpValidator.validate(Bodies.bodyOf(req));
      } catch (SdpException e) {
        Response r = sip.response(req, 488, "Not Acceptable Here");
        try {
          r.addHeader(services.factory().warning(e.getMessage()));
        } catch (ParseException pe) {
          throw new IllegalStateException(pe);
        }
        sip.sendStateless(r);
        return;
      }
    }
    admit(evt, caller, ((SipURI) ruri).getUser(), media);
  }

  private void admit(RequestEvent evt, String caller, String callee, SdpSummary media) {
    Request req = evt.getRequest();
    ServerTransaction tx = serverTransaction(evt);
    if (tx == null) {
      return;
    }
    Dialog dialog;
    try {
      tx.sendResponse(sip.messages().createResponse(100, req));
      dialog = sip.provider().getNewDialog(tx);
    } catch (SipException | ParseException | InvalidArgumentException e) {
      LOG.info("cannot accept INVITE {}: {}", sreqCallId(req), e.toString());
      return;
    }
    String sipCallId = sreqCallId(req);
    Call call = registry.create(sipCallId, caller, callee == null ? "" : callee, media.audio(),
        media.video());
    call.setClientRef(clientRef(req));
    String natKey = callerNatKey(req);
    B2buaCall b2b = new B2buaCall(services, call, tx, dialog, transportOf(req), natKey);
    dialog.setApplicationData(new LegRef(b2b, Side.CALLER, null));
    tx.setApplicationData(b2b);
    services.calls().add(b2b, req);
    b2b.executor().execute(() -> route(b2b, callee));
  }

  /** The caller's own call id ({@code X-Call-Ref}, as an API client sends it), if well formed. */
  private static String clientRef(Request req) {
    javax.sip.header.Header h = req.getHeader(LegRequestFactory.CALL_REF);
    if (h == null) {
      return null;
    }
    String s = h.toString();
    String v = s.substring(s.indexOf(':') + 1).trim();
    return v.matches("[A-Za-z0-9-]{8,64}") ? v : null;
  }

  private void route(B2buaCall b2b, String callee) {
    if (callee == null || accounts.find(callee).isEmpty()) {
      b2b.reject(404, "Not Found", EndReason.NOT_FOUND);
      return;
    }
    List<Binding> targets = location.lookup(callee);
    if (targets.isEmpty()) {
      b2b.reject(480, "Temporarily Unavailable", EndReason.OFFLINE);
      return;
    }
    b2b.start(targets);
  }

  /**
   * When the caller's Contact is not where the INVITE came from (NAT), in-dialog requests to the
   * caller must go to the source address instead: register that mapping for the call's life.
   */
  private String callerNatKey(Request req) {
    ContactHeader contact = (ContactHeader) req.getHeader(ContactHeader.NAME);
    SIPRequest sreq = (SIPRequest) req;
    if (contact == null || !Source.behindNat(sreq)) {
      return null;
    }
    String key = contact.getAddress().getURI().toString();
    sip.natMappings().retain(key, ContactNatObserver.hop(Source.address(sreq), transportOf(req)));
    return key;
  }

  private static String transportOf(Request req) {
    return ((SIPRequest) req).getTopmostVia().getTransport().toLowerCase(java.util.Locale.ROOT);
  }

  private static String sreqCallId(Request req) {
    return ((SIPRequest) req).getCallId().getCallId();
  }

  private static String callerOf(Request req) {
    URI from = ((FromHeader) req.getHeader(FromHeader.NAME)).getAddress().getURI();
    if (from instanceof SipURI s && s.getUser() != null) {
      return s.getUser() + "@" + s.getHost();
    }
    return from.toString();
  }

  // ---------------------------------------------------------------- events of live calls

  /** CANCEL for a pending INVITE; 481 if no call matches. */
  public void onCancel(RequestEvent evt) {
    Request cancel = evt.getRequest();
    B2buaCall call = services.calls().byCancel(cancel);
    if (call == null) {
      sip.sendStateless(sip.response(cancel, 481, "Call/Transaction Does Not Exist"));
      return;
    }
    ServerTransaction tx = serverTransaction(evt);
    if (tx == null) {
      return;
    }
    call.executor().execute(() -> call.onCancel(tx));
  }

  /** ACK within a dialog (2xx ACKs reach the application; non-2xx ACKs end in transactions). */
  public void onAck(RequestEvent evt) {
    LegRef leg = legOf(evt.getDialog());
    if (leg != null && leg.side() == Side.CALLER) {
      leg.call().executor().execute(() -> leg.call().onCallerAck(evt.getRequest()));
    }
  }

  /** BYE, re-INVITE, UPDATE or INFO within a dialog; 481 if the dialog is unknown. */
  public void onInDialog(RequestEvent evt) {
    Request req = evt.getRequest();
    LegRef leg = legOf(evt.getDialog());
    if (leg == null) {
      sip.sendStateless(sip.response(req, 481, "Call/Transaction Does Not Exist"));
      return;
    }
    ServerTransaction tx = serverTransaction(evt);
    if (tx == null) {
      return;
    }
    B2buaCall call = leg.call();
    if (Request.BYE.equals(req.getMethod())) {
      call.executor().execute(() -> {
        if (leg.branch() != null && !call.isWinner(leg.branch())) {
          call.onStrayBye(tx);
        } else {
          call.onBye(tx, leg.side());
        }
      });
    } else {
      call.executor().execute(() -> call.onInDialogRequest(tx, leg.side()));
    }
  }

  /** A response on one of our client transactions. */
  public void onResponse(ClientTransaction tx, Response r) {
    if (tx == null) {
      return;
    }
    Object data = tx.getApplicationData();
    if (data instanceof Branch b) {
      B2buaCall call = ((LegRef) b.dialog.getApplicationData()).call();
      call.executor().execute(() -> call.onBranchResponse(b, r));
    } else if (data instanceof Relay relay) {
      relay.call().executor().execute(() -> relay.call().onRelayResponse(relay, tx, r));
    }
  }

  public void onClientTimeout(ClientTransaction tx) {
    Object data = tx == null ? null : tx.getApplicationData();
    if (data instanceof Branch b) {
      B2buaCall call = ((LegRef) b.dialog.getApplicationData()).call();
      call.executor().execute(() -> call.onBranchTimeout(b));
    } else if (data instanceof Relay relay) {
      relay.call().executor().execute(() -> relay.call().onRelayTimeout(relay));
    }
  }

  public void onDialogTimeout(Dialog dialog) {
    LegRef leg = legOf(dialog);
    if (leg != null) {
      leg.call().executor().execute(leg.call()::onCallerAckTimeout);
    }
  }

  /** The request's server transaction, created if needed; null for a retransmission. */
  private ServerTransaction serverTransaction(RequestEvent evt) {
    if (evt.getServerTransaction() != null) {
      return evt.getServerTransaction();
    }
    try {
      return sip.provider().getNewServerTransaction(evt.getRequest());
    } catch (TransactionAlreadyExistsException e) {
      return null; // the existing transaction answers the retransmission
    } catch (SipException e) {
      LOG.debug("cannot take {}: {}", evt.getRequest().getMethod(), e.toString());
      return null;
    }
  }

  private static LegRef legOf(Dialog dialog) {
    return dialog != null && dialog.getApplicationData() instanceof LegRef l ? l : null;
  }

  /**
   * Ends every live call (BYE on answered legs, 480 + CANCEL on pending ones) and waits, bounded,
   * until each has been recorded.
   */
  public void shutdown(Duration wait) {
    List<B2buaCall> calls = List.copyOf(services.calls().all());
    CountDownLatch done = new CountDownLatch(calls.size());
    for (B2buaCall c : calls) {
      c.executor().execute(() -> {
        try {
          c.hangUp(EndReason.SERVER_SHUTDOWN, 503);
        } finally {
          done.countDown();
        }
      });
    }
    try {
      if (!done.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} calls still ending at shutdown", done.getCount());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
