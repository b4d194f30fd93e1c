package org.opentelephony.gateway.api;

import gov.nist.javax.sip.message.SIPRequest;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.registrar.Binding;
import org.opentelephony.sip.registrar.LocationService;
import org.opentelephony.sip.transport.SipContext;

/**
 * The SIP user agent that stands for API users towards the B2BUA, on its own JAIN-SIP stack
 * (UDP on 127.0.0.1:{@code api.sip-port}) inside the server process. It only does SIP
 * mechanics (requests, responses, digest, dialogs) and reports what arrives to a
 * {@link Listener}; the call logic lives in {@link ApiSession}, {@link ApiSipEvents} and
 * {@link ApiCall}.
 *
 * <p>API users are made reachable by a {@link Binding} put straight into the server's
 * {@link LocationService}, with a contact marked {@code ;ot-webrtc} so that the B2BUA offers
 * them browser media (ICE, DTLS-SRTP).
 */
public final class ApiUserAgent implements SipListener, AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(ApiUserAgent.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  static final String WEBRTC_PARAM = "ot-webrtc";
  static final String INFO_TYPE = "application/x-ot-info";
  static final String MUTE_TYPE = "application/x-ot-mute+json";

  /** What the user agent reports; every method is called on a SIP stack thread. */
  interface Listener {
    /** A new INVITE for {@code user}: answer it through {@link #respond}. */
    void onIncomingInvite(String user, ServerTransaction tx);

    /** A request within the dialog of {@code call} (ACK has a null transaction). */
    void onInDialogRequest(ApiCall call, Request request, ServerTransaction tx);

    /** A response to a request this agent sent for {@code call}. */
    void onResponse(ApiCall call, ClientTransaction tx, Response response);

    /** A request for {@code call} got no response. */
    void onTimeout(ApiCall call, Request request);
  }

  private final SipStack stack;
  private final SipProvider provider;
  private final AddressFactory addresses;
  private final HeaderFactory headers;
  private final MessageFactory messages;
  private final LocationService location;
  private final String domain;
  private final String serverHost;
  private final int serverPort;
  private final int port;
  private final Map<String, ApiCall> bySipCallId = new ConcurrentHashMap<>();
  private volatile Listener listener;

  private ApiUserAgent(SipStack stack, SipProvider provider, SipFactory f,
      LocationService location, String domain, String serverHost, int serverPort, int port)
      throws SipException {
    this.stack = stack;
    this.provider = provider;
    try {
      this.addresses = f.createAddressFactory();
      this.headers = f.createHeaderFactory();
      this.messages = f.createMessageFactory();
    } catch (javax.sip.PeerUnavailableException e) {
      throw new SipException("no SIP factories", e);
    }
    this.location = location;
    this.domain = domain;
    this.serverHost = serverHost;
    this.serverPort = serverPort;
    this.port = port;
  }

  /**
   * Starts the agent on UDP 127.0.0.1:{@code port}, sending to the server at
   * {@code serverHost:serverPort}. Leftover API bindings of an earlier run are removed.
   */
  public static ApiUserAgent start(int port, String serverHost, int serverPort, String domain,
      LocationService location) throws Exception {
    location.removeIf(b -> isApiContact(b.contactUri()));
    SipFactory f = SipFactory.getInstance();
    f.setPathName("gov.nist");
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", "opentelephony-api-" + INSTANCES.incrementAndGet());
    p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "ERROR");
    p.setProperty("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true");
    SipStack stack = f.createSipStack(p);
    ListeningPoint lp = stack.createListeningPoint("127.0.0.1", port, ListeningPoint.UDP);
    SipProvider provider = stack.createSipProvider(lp);
    ApiUserAgent ua = new ApiUserAgent(stack, provider, f, location, domain, serverHost,
        serverPort, port);
    provider.addSipListener(ua);
    stack.start();
    LOG.info("call API user agent on udp 127.0.0.1:{}", port);
    return ua;
  }

  void setListener(Listener l) {
    this.listener = l;
  }

  static boolean isApiContact(String contactUri) {
    return contactUri != null && contactUri.contains(";" + WEBRTC_PARAM);
  }

  String contactUri(String user) {
    return "sip:" + user + "@127.0.0.1:" + port + ";" + WEBRTC_PARAM;
  }

  /** Makes {@code user} reachable (in-process registration, kept while its session lives). */
  void bind(String user, String sessionId) {
    long now = System.currentTimeMillis();
    try {
      location.update(new Binding(user, contactUri(user), "", "udp", "api-" + sessionId, 1,
          now + java.time.Duration.ofDays(7).toMillis(), "opentelephony-api"));
    } catch (LocationService.OutOfOrderException e) {
      throw new IllegalStateException(e);
    }
  }

  void unbind(String user) {
    String uri = contactUri(user);
    location.removeIf(b -> b.user().equals(user) && b.contactUri().equals(uri));
  }

  // ------------------------------------------------------------------ outgoing requests

  /** The request URI for {@code to} (a user name or a local SIP URI), or null if not local. */
  String requestUri(String to) {
    String user = to;
    if (to.startsWith("sip:") || to.startsWith("sips:")) {
      String rest = to.substring(to.indexOf(':') + 1);
      int at = rest.indexOf('@');
      if (at <= 0) {
        return null;
      }
      user = rest.substring(0, at);
      String host = rest.substring(at + 1).replaceAll("[;>?].*$", "");
      if (!host.equalsIgnoreCase(domain) && !host.equals(serverHost + ":" + serverPort)
          && !host.equalsIgnoreCase(serverHost)) {
        return null;
      }
    }
    if (!user.matches("[A-Za-z0-9._~+\\-!$&'()*=,]{1,64}")) {
      return null;
    }
    return "sip:" + user + "@" + serverHost + ":" + serverPort;
  }

  /** Carries the API call id from an API caller to an API callee. */
  static final String CALL_REF_HEADER = "X-Call-Ref";

  /** Sends the INVITE of a new outgoing call; returns its SIP Call-ID. */
  String invite(ApiCall call, String from, String toUser, String ruri, String sdp,
      String extraParam) throws SipException, ParseException {
    try {
      SipURI fromUri = addresses.createSipURI(from, domain);
      FromHeader fromH = headers.createFromHeader(addresses.createAddress(fromUri),
          SipContext.newTag());
      SipURI toUri = addresses.createSipURI(toUser, domain);
      ToHeader toH = headers.createToHeader(addresses.createAddress(toUri), null);
      CallIdHeader callId = provider.getNewCallId();
      Request r = messages.createRequest(addresses.createURI(ruri), Request.INVITE, callId,
          headers.createCSeqHeader(1L, Request.INVITE), fromH, toH, List.of(via()),
          headers.createMaxForwardsHeader(70));
      r.addHeader(contact(from));
      r.addHeader(headers.createUserAgentHeader(List.of("opentelephony-api")));
      if (extraParam != null && !extraParam.isEmpty()) {
        r.addHeader(headers.createHeader("X-Extra-Param", extraParam));
      }
      // the B2BUA copies X- headers: an API callee then names the call as the caller does
      r.addHeader(headers.createHeader(CALL_REF_HEADER, call.id));
      r.setContent(sdp, headers.createContentTypeHeader("application", "sdp"));
      bySipCallId.put(callId.getCallId(), call);
      ClientTransaction tx = provider.getNewClientTransaction(r);
      call.inviteTx = tx;
      tx.sendRequest();
      return callId.getCallId();
    } catch (InvalidArgumentException e) {
      throw new ParseException(e.getMessage(), 0);
    }
  }

  /** Repeats {@code call}'s INVITE with credentials for the challenge in {@code r}. */
  boolean authenticate(ApiCall call, Response challenge, String user, String ha1Md5) {
    Request old = call.inviteTx.getRequest();
    String uri = old.getRequestURI().toString();
    String auth = DigestClient.authorize(challenge, user, ha1Md5, Request.INVITE, uri);
    if (auth == null) {
      return false;
    }
    try {
      Request r = (Request) old.clone();
      CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
      cseq.setSeqNumber(cseq.getSeqNumber() + 1);
      r.removeHeader(ViaHeader.NAME);
      r.addHeader(via());
      r.setHeader(headers.createHeader("Proxy-Authorization", auth));
      ClientTransaction tx = provider.getNewClientTransaction(r);
      call.inviteTx = tx;
      tx.sendRequest();
      return true;
    } catch (SipException | ParseException | InvalidArgumentException e) {
      LOG.info("call {}: cannot authenticate the INVITE: {}", call.id(), e.toString());
      return false;
    }
  }

  void ack(ClientTransaction tx, Response ok) {
    try {
      Dialog d = tx.getDialog();
      long cseq = ((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber();
      d.sendAck(d.createAck(cseq));
    } catch (SipException | InvalidArgumentException e) {
      LOG.info("cannot ACK: {}", e.toString());
    }
  }

  void cancel(ClientTransaction inviteTx) {
    try {
      provider.getNewClientTransaction(inviteTx.createCancel()).sendRequest();
    } catch (SipException e) {
      LOG.debug("cannot CANCEL: {}", e.toString());
    }
  }

  /** Sends BYE, INFO or a re-INVITE within {@code dialog}, with an optional body. */
  boolean inDialog(ApiCall call, Dialog dialog, String method, String type, String body) {
    if (dialog == null) {
      return false;
    }
    try {
      Request r = dialog.createRequest(method);
      if (Request.INVITE.equals(method)) {
        r.setHeader(contact(call.user()));
      }
      if (body != null) {
        String[] t = type.split("/", 2);
        r.setContent(body, headers.createContentTypeHeader(t[0], t[1]));
      }
      ClientTransaction ct = provider.getNewClientTransaction(r);
      dialog.sendRequest(ct);
      return true;
    } catch (SipException | ParseException e) {
      LOG.info("call {}: cannot send {}: {}", call.id(), method, e.toString());
      return false;
    }
  }

  /** Answers a request; 1xx/2xx to an INVITE get {@code toTag} and our Contact. */
  void respond(ServerTransaction tx, int status, String toTag, String user, String sdp) {
    try {
      Response r = messages.createResponse(status, tx.getRequest());
      if (toTag != null && ((ToHeader) r.getHeader(ToHeader.NAME)).getTag() == null) {
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
      }
      if (Request.INVITE.equals(tx.getRequest().getMethod()) && status > 100 && status < 300) {
        r.addHeader(contact(user));
      }
      if (sdp != null) {
        r.setContent(sdp, headers.createContentTypeHeader("application", "sdp"));
      }
      tx.sendResponse(r);
    } catch (SipException | ParseException | InvalidArgumentException e) {
      LOG.debug("cannot answer {} with {}: {}", tx.getRequest().getMethod(), status,
          e.toString());
    }
  }

  void track(String sipCallId, ApiCall call) {
    bySipCallId.put(sipCallId, call);
  }

  void forget(String sipCallId) {
    if (sipCallId != null) {
      bySipCallId.remove(sipCallId);
    }
  }

  private ViaHeader via() throws ParseException, InvalidArgumentException {
    return headers.createViaHeader("127.0.0.1", port, "udp", null);
  }

  private ContactHeader contact(String user) throws ParseException {
    Address a = addresses.createAddress(contactUri(user));
    return headers.createContactHeader(a);
  }

  static String body(javax.sip.message.Message m) {
    byte[] raw = m.getRawContent();
    return raw == null || raw.length == 0 ? null
        : new String(raw, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String contentType(javax.sip.message.Message m) {
    ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
    return ct == null ? "" : (ct.getContentType() + "/" + ct.getContentSubType())
        .toLowerCase(java.util.Locale.ROOT);
  }

  // ------------------------------------------------------------------ SipListener

  @Override
  public void processRequest(RequestEvent evt) {
    Request req = evt.getRequest();
    String method = req.getMethod();
    String sipCallId = ((SIPRequest) req).getCallId().getCallId();
    ApiCall call = bySipCallId.get(sipCallId);
    if (Request.ACK.equals(method)) {
      if (call != null) {
        listener.onInDialogRequest(call, req, null);
      }
      return;
    }
    ServerTransaction tx = evt.getServerTransaction();
    if (tx == null) {
      try {
        tx = provider.getNewServerTransaction(req);
      } catch (TransactionAlreadyExistsException e) {
        return; // a retransmission: the transaction answers it
      } catch (SipException e) {
        LOG.debug("cannot take {}: {}", method, e.toString());
        return;
      }
    }
    if (Request.INVITE.equals(method) && call == null
        && ((ToHeader) req.getHeader(ToHeader.NAME)).getTag() == null) {
      String user = req.getRequestURI() instanceof SipURI s ? s.getUser() : null;
      listener.onIncomingInvite(user, tx);
      return;
    }
    if (call == null) {
      respond(tx, 481, null, null, null);
      return;
    }
    listener.onInDialogRequest(call, req, tx);
  }

  @Override
  public void processResponse(ResponseEvent evt) {
    ClientTransaction tx = evt.getClientTransaction();
    Response r = evt.getResponse();
    String sipCallId = ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
    ApiCall call = bySipCallId.get(sipCallId);
    if (call == null) {
      return;
    }
    if (tx == null) {
      // a retransmitted 2xx whose transaction is gone: the dialog's ACK is resent
      if (evt.getDialog() != null && r.getStatusCode() / 100 == 2
          && ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod().equals(Request.INVITE)) {
        try {
          Dialog d = evt.getDialog();
          d.sendAck(d.createAck(((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getSeqNumber()));
        } catch (SipException | InvalidArgumentException e) {
          LOG.debug("cannot re-ACK: {}", e.toString());
        }
      }
      return;
    }
    listener.onResponse(call, tx, r);
  }

  @Override
  public void processTimeout(TimeoutEvent evt) {
    if (evt.isServerTransaction() || evt.getClientTransaction() == null) {
      return;
    }
    Request req = evt.getClientTransaction().getRequest();
    ApiCall call = bySipCallId.get(((SIPRequest) req).getCallId().getCallId());
    if (call != null) {
      listener.onTimeout(call, req);
    }
  }

  @Override
  public void processIOException(IOExceptionEvent evt) {
    LOG.debug("I/O error towards {}:{}", evt.getHost(), evt.getPort());
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent evt) {
  }

  @Override
  public void processDialogTerminated(DialogTerminatedEvent evt) {
  }

  @Override
  public void close() {
    stack.stop();
  }
}
