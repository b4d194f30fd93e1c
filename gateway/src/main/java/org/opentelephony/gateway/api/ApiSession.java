package org.opentelephony.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.header.CSeqHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.call.CallState;
import org.opentelephony.sip.transport.SipContext;
import org.opentelephony.sip.util.SerialExecutor;

/**
 * One logged-in API user: its calls, its current WebSocket (if any) and the call logic between
 * the JSON messages and the SIP leg of each call. Everything runs on the session's serial
 * executor. The session outlives a dropped socket for the reconnection window while it has calls.
 */
final class ApiSession {
  private static final Logger LOG = LogManager.getLogger(ApiSession.class);
  static final ObjectMapper JSON = new ObjectMapper();

  /** Where events go: the user's WebSocket. */
  interface Socket {
    void send(String text);

    void close(int code, String reason);
  }

  final String user;
  final String id = UUID.randomUUID().toString();
  final SerialExecutor executor;
  private final ApiService service;
  private final Map<String, ApiCall> calls = new LinkedHashMap<>();
  private final Map<String, ApiCall> ended = new LinkedHashMap<>();
  private Socket socket;
  private ScheduledFuture<?> expiry;
  private boolean closed;

  ApiSession(String user, ApiService service) {
    this.user = user;
    this.service = service;
    this.executor = new SerialExecutor(service.workers(), "apiSession", user);
  }

  // ------------------------------------------------------------------ connection

  /** A socket for this user opened: it replaces any earlier one and gets the live calls. */
  void attach(Socket s) {
    if (closed) {
      s.close(4503, "session ended, reconnect");
      return;
    }
    if (expiry != null) {
      expiry.cancel(false);
      expiry = null;
    }
    if (socket != null && socket != s) {
      socket.close(4409, "replaced by a newer connection");
    }
    socket = s;
    ObjectNode ready = event("connection.ready", null);
    ready.put("user", user);
    ready.put("sessionId", id);
    ArrayNode resumed = ready.putArray("resumedCalls");
    for (ApiCall c : calls.values()) {
      ObjectNode o = resumed.addObject();
      o.put("callId", c.id);
      o.put("state", c.state().name());
      o.put("direction", c.direction.name().toLowerCase(java.util.Locale.ROOT));
      o.put("peer", c.peer);
      o.put("audio", c.audio);
      o.put("video", c.video);
    }
    send(ready);
  }

  /** {@code s} closed: the calls wait for a reconnection, or the session ends now. */
  void detach(Socket s) {
    if (socket != s) {
      return;
    }
    socket = null;
    if (calls.isEmpty()) {
      end();
      return;
    }
    LOG.info("{}: connection lost with {} live calls; waiting {} s", user, calls.size(),
        service.config().reconnectWindow().toSeconds());
    expiry = service.timers().schedule(() -> executor.execute(this::windowExpired),
        service.config().reconnectWindow().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void windowExpired() {
    expiry = null;
    if (socket != null) {
      return;
    }
    for (ApiCall c : new ArrayList<>(calls.values())) {
      hangUp(c, ApiEndReason.DISCONNECTED);
    }
    end();
  }

  /** Ends the session: no calls, no binding. */
  void end() {
    if (closed) {
      return;
    }
    for (ApiCall c : new ArrayList<>(calls.values())) {
      hangUp(c, ApiEndReason.DISCONNECTED);
    }
    closed = true;
    service.sessionEnded(this);
  }

  boolean closed() {
    return closed;
  }

  // ------------------------------------------------------------------ client messages

  /** One text frame from the socket (already size-checked). */
  void onText(Socket from, String text) {
    if (from != socket) {
      return;
    }
    JsonNode msg;
    try {
      msg = JSON.readTree(text);
    } catch (Exception e) {
      sendError(new ApiError(400, "malformed JSON: " + firstLine(e.getMessage())), null, null);
      return;
    }
    String reqId = msg != null && msg.path("reqId").isTextual() ? msg.get("reqId").asText()
        : null;
    String callId = msg != null && msg.path("callId").isTextual() ? msg.get("callId").asText()
        : null;
    try {
      String type = Protocol.validate(msg);
      dispatch(type, msg);
    } catch (ApiError e) {
      sendError(e, callId, reqId);
    } catch (RuntimeException e) {
      LOG.warn("{}: message failed", user, e);
      sendError(new ApiError(500, "internal error"), callId, reqId);
    }
  }

  private void dispatch(String type, JsonNode m) throws ApiError {
    switch (type) {
      case "ping" -> send(event("pong", null));
      case "call.make" -> make(m);
      case "call.answer" -> answer(live(m), m);
      case "call.reject" -> reject(live(m), "busy".equals(m.path("reason").asText()));
      case "call.end" -> hangUp(live(m), null);
      case "call.update" -> update(live(m), m.get("info").asText());
      case "call.hold", "call.resume" -> reoffer(live(m), m.get("sdp").asText());
      case "call.mute" -> mute(live(m), m);
      case "call.sdp" -> sdpAnswer(live(m), m);
      case "call.candidate" -> candidate(live(m), m.get("candidate").asText());
      default -> throw ApiError.badRequest("unknown message type: " + type);
    }
  }

  /** The live call the message names: 404 if unknown, 409 if it has ended. */
  private ApiCall live(JsonNode m) throws ApiError {
    String id = m.get("callId").asText();
    ApiCall c = calls.get(id);
    if (c != null) {
      return c;
    }
    if (ended.containsKey(id)) {
      throw new ApiError(409, "call " + id + " has ENDED");
    }
    throw new ApiError(404, "unknown call: " + id);
  }

  private void make(JsonNode m) throws ApiError {
    String callId = m.get("callId").asText();
    if (calls.containsKey(callId) || ended.containsKey(callId)) {
      throw new ApiError(409, "callId already used: " + callId);
    }
    boolean video = m.path("video").asBoolean(false);
    boolean audio = m.path("audio").asBoolean(true);
    if (video && !service.videoAllowed(user)) {
      throw new ApiError(403, "video calls are not enabled for this account");
    }
    String to = m.get("to").asText();
    String ruri = service.ua().requestUri(to);
    if (ruri == null) {
      throw ApiError.badRequest("invalid field: to must be a local user name or SIP URI");
    }
    String toUser = ruri.substring(4, ruri.indexOf('@'));
    String ha1 = service.ha1(user);
    if (ha1 == null) {
      throw new ApiError(401, "account no longer exists");
    }
    ApiCall c = new ApiCall(callId, ApiCall.Direction.OUTGOING, user, toUser, audio, video);
    c.extraParam = m.path("extraParam").asText(null);
    c.localSdp = m.get("sdp").asText();
    calls.put(callId, c);
    ObjectNode start = event("call.start", c);
    start.put("to", toUser);
    start.put("audio", audio);
    start.put("video", video);
    send(start);
    ObjectNode pending = event("call.stateChange", c);
    pending.putNull("previous");
    pending.put("state", CallState.PENDING.name());
    send(pending);
    try {
      c.sipCallId = service.ua().invite(c, user, toUser, ruri, c.localSdp, c.extraParam);
    } catch (Exception e) {
      LOG.info("{}: cannot start call {}: {}", user, callId, e.toString());
      changeState(c, CallState.ENDED, ApiEndReason.FAILED);
    }
  }

  private void answer(ApiCall c, JsonNode m) throws ApiError {
    if (c.direction != ApiCall.Direction.INCOMING) {
      throw new ApiError(409, "only an incoming call can be answered");
    }
    if (c.state() != CallState.RINGING) {
      throw new ApiError(409, "call is " + c.state() + ", not RINGING");
    }
    boolean video = m.path("video").asBoolean(false);
    if (video && !c.video) {
      throw ApiError.badRequest("invalid field: video: a voice call can only be answered by voice");
    }
    if (video && !service.videoAllowed(user)) {
      throw new ApiError(403, "video calls are not enabled for this account");
    }
    c.localSdp = m.get("sdp").asText();
    service.ua().respond(c.incomingTx, 200, c.toTag, user, c.localSdp);
    changeState(c, CallState.CONNECTING, null);
  }

  private void reject(ApiCall c, boolean busy) throws ApiError {
    if (c.direction != ApiCall.Direction.INCOMING || c.answered()) {
      throw new ApiError(409, "only a ringing incoming call can be rejected (use call.end)");
    }
    service.ua().respond(c.incomingTx, busy ? 486 : 603, c.toTag, user, null);
    changeState(c, CallState.ENDED, busy ? ApiEndReason.BUSY : ApiEndReason.REJECTED);
  }

  /**
   * Ends {@code c} from this side: BYE when answered, CANCEL (or 603) before. {@code reason}
   * null: the user hung up.
   */
  void hangUp(ApiCall c, ApiEndReason reason) {
    if (c.ended()) {
      return;
    }
    if (c.answered()) {
      service.ua().inDialog(c, c.dialog, Request.BYE, null, null);
      changeState(c, CallState.ENDED, reason == null ? ApiEndReason.HANGUP_LOCAL : reason);
    } else if (c.direction == ApiCall.Direction.OUTGOING) {
      if (c.provisionalSeen && c.inviteTx != null) {
        service.ua().cancel(c.inviteTx);
      } else {
        c.cancelPending = true;
      }
      changeState(c, CallState.ENDED, reason == null ? ApiEndReason.CANCELED : reason);
    } else {
      service.ua().respond(c.incomingTx, reason == null ? 603 : 480, c.toTag, user, null);
      changeState(c, CallState.ENDED, reason == null ? ApiEndReason.REJECTED : reason);
    }
  }

  private void update(ApiCall c, String info) throws ApiError {
    requireAnswered(c);
    service.ua().inDialog(c, c.dialog, Request.INFO, ApiUserAgent.INFO_TYPE, info);
  }

  private void reoffer(ApiCall c, String sdp) throws ApiError {
    if (c.state() != CallState.TALKING) {
      throw new ApiError(409, "call is " + c.state() + ", not TALKING");
    }
    c.localSdp = sdp;
    service.ua().inDialog(c, c.dialog, Request.INVITE, "application/sdp", sdp);
  }

  private void mute(ApiCall c, JsonNode m) throws ApiError {
    requireAnswered(c);
    String kind = m.get("kind").asText();
    if (!kind.equals("audio") && !kind.equals("video")) {
      throw ApiError.badRequest("invalid field: kind must be audio or video");
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("kind", kind);
    body.put("muted", m.get("muted").asBoolean());
    service.ua().inDialog(c, c.dialog, Request.INFO, ApiUserAgent.MUTE_TYPE, body.toString());
  }

  private void sdpAnswer(ApiCall c, JsonNode m) throws ApiError {
    if (!"answer".equals(m.get("sdpType").asText())) {
      throw ApiError.badRequest("invalid field: sdpType must be answer");
    }
    if (c.pendingReoffer == null) {
      throw new ApiError(409, "no offer is waiting for an answer");
    }
    c.localSdp = m.get("sdp").asText();
    service.ua().respond(c.pendingReoffer, 200, null, user, c.localSdp);
    c.pendingReoffer = null;
  }

  private void candidate(ApiCall c, String candidate) {
    String cand = candidate.startsWith("a=") ? candidate.substring(2) : candidate;
    if (cand.isEmpty()) {
      return; // end of candidates
    }
    if (!service.addCandidate(c, cand)) {
      c.pendingCandidates.add(cand);
    }
  }

  private void flushCandidates(ApiCall c) {
    List<String> queued = new ArrayList<>(c.pendingCandidates);
    c.pendingCandidates.clear();
    for (String cand : queued) {
      if (!service.addCandidate(c, cand)) {
        LOG.debug("call {}: candidate not delivered", c.id);
      }
    }
  }

  private static void requireAnswered(ApiCall c) throws ApiError {
    if (!c.answered()) {
      throw new ApiError(409, "call is " + c.state() + ", not answered");
    }
  }

  // ------------------------------------------------------------------ SIP events

  /** A new INVITE for this user. */
  /**
   * The id of an incoming call: the caller's own id when the caller is an API user too (both
   * parties then name the call alike), else a new one.
   */
  private String incomingCallId(Request req) {
    Header ref = req.getHeader(ApiUserAgent.CALL_REF_HEADER);
    if (ref != null) {
      String h = ref.toString();
      String id = h.substring(h.indexOf(':') + 1).trim();
      if (id.matches("[A-Za-z0-9-]{8,64}") && !calls.containsKey(id)) {
        return id;
      }
    }
    return UUID.randomUUID().toString();
  }

  void onIncomingInvite(ServerTransaction tx) {
    Request req = tx.getRequest();
    String sdp = ApiUserAgent.body(req);
    if (closed || sdp == null) {
      service.ua().respond(tx, closed ? 480 : 488, null, null, null);
      return;
    }
    FromHeader from = (FromHeader) req.getHeader(FromHeader.NAME);
    String caller = from.getAddress().getURI() instanceof javax.sip.address.SipURI s
        && s.getUser() != null ? s.getUser() : from.getAddress().getURI().toString();
    boolean video = sdp.matches("(?s).*(^|\\n)m=video [1-9].*");
    boolean audio = sdp.matches("(?s).*(^|\\n)m=audio [1-9].*");
    ApiCall c = new ApiCall(incomingCallId(req), ApiCall.Direction.INCOMING, user, caller,
        audio, video);
    c.incomingTx = tx;
    c.dialog = tx.getDialog();
    c.toTag = SipContext.newTag();
    c.sipCallId = ((javax.sip.header.CallIdHeader) req.getHeader("Call-ID")).getCallId();
    Header extra = req.getHeader("X-Extra-Param");
    if (extra != null) {
      String h = extra.toString();
      c.extraParam = h.substring(h.indexOf(':') + 1).trim();
    }
    service.ua().track(c.sipCallId, c);
    calls.put(c.id, c);
    service.ua().respond(tx, 180, c.toTag, user, null);
    ObjectNode ev = event("call.receive", c);
    ev.put("caller", caller);
    ev.put("callee", user);
    ev.put("audio", audio);
    ev.put("video", video);
    ev.put("extraParam", c.extraParam);
    ev.put("time", java.time.Instant.ofEpochMilli(c.createdAt).toString());
    ev.put("sdp", sdp);
    send(ev);
    changeState(c, CallState.RINGING, null);
  }

  void onResponse(ApiCall c, ClientTransaction tx, Response r) {
    int status = r.getStatusCode();
    String method = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod();
    if (!Request.INVITE.equals(method)) {
      if (status >= 300 && Request.INFO.equals(method) && !c.ended()) {
        sendError(new ApiError(502, "the other party refused the update: " + status + " "
            + r.getReasonPhrase()), c.id, null);
      }
      return;
    }
    if (tx != c.inviteTx) {
      onReofferResponse(c, tx, r);
      return;
    }
    if (status < 200) {
      if (status > 100) {
        c.provisionalSeen = true;
        if (c.cancelPending) {
          c.cancelPending = false;
          service.ua().cancel(tx);
        }
        changeState(c, CallState.RINGING, null);
      }
      return;
    }
    if (status < 300) {
      service.ua().ack(tx, r);
      c.dialog = tx.getDialog();
      if (c.ended()) {
        service.ua().inDialog(c, c.dialog, Request.BYE, null, null); // answered after a cancel
        return;
      }
      ObjectNode sdp = event("call.sdp", c);
      sdp.put("sdpType", "answer");
      sdp.put("sdp", ApiUserAgent.body(r));
      send(sdp);
      changeState(c, CallState.CONNECTING, null);
      changeState(c, CallState.TALKING, null);
      flushCandidates(c);
      return;
    }
    if ((status == 407 || status == 401) && !c.authTried && !c.ended()) {
      c.authTried = true;
      String ha1 = service.ha1(user);
      if (ha1 != null && service.ua().authenticate(c, r, user, ha1)) {
        return;
      }
    }
    changeState(c, CallState.ENDED, ApiEndReason.fromStatus(status, r.getReasonPhrase()));
  }

  private void onReofferResponse(ApiCall c, ClientTransaction tx, Response r) {
    int status = r.getStatusCode();
    if (status < 200) {
      return;
    }
    if (status < 300) {
      service.ua().ack(tx, r);
      ObjectNode sdp = event("call.sdp", c);
      sdp.put("sdpType", "answer");
      sdp.put("sdp", ApiUserAgent.body(r));
      send(sdp);
    } else if (!c.ended()) {
      sendError(new ApiError(502, "the other party refused the new offer: " + status + " "
          + r.getReasonPhrase()), c.id, null);
    }
  }

  void onInDialogRequest(ApiCall c, Request req, ServerTransaction tx) {
    String method = req.getMethod();
    switch (method) {
      case Request.ACK -> {
        if (c.direction == ApiCall.Direction.INCOMING && c.state() == CallState.CONNECTING) {
          changeState(c, CallState.TALKING, null);
          flushCandidates(c);
        }
      }
      case Request.BYE -> {
        service.ua().respond(tx, 200, null, user, null);
        changeState(c, CallState.ENDED, ApiEndReason.HANGUP_REMOTE);
      }
      case Request.CANCEL -> {
        service.ua().respond(tx, 200, null, user, null);
        if (c.direction == ApiCall.Direction.INCOMING && !c.answered() && !c.ended()) {
          service.ua().respond(c.incomingTx, 487, c.toTag, user, null);
          changeState(c, CallState.ENDED, ApiEndReason.CANCELED);
        }
      }
      case Request.INFO -> {
        service.ua().respond(tx, 200, null, user, null);
        String body = ApiUserAgent.body(req);
        if (ApiUserAgent.MUTE_TYPE.equals(ApiUserAgent.contentType(req)) && body != null) {
          try {
            JsonNode m = JSON.readTree(body);
            ObjectNode ev = event("call.mute", c);
            ev.put("kind", m.path("kind").asText());
            ev.put("muted", m.path("muted").asBoolean());
            send(ev);
          } catch (Exception e) {
            LOG.debug("call {}: bad mute body", c.id);
          }
        } else {
          ObjectNode ev = event("call.update", c);
          ev.put("info", body == null ? "" : body);
          send(ev);
        }
      }
      case Request.INVITE -> {
        String sdp = ApiUserAgent.body(req);
        if (sdp == null) {
          service.ua().respond(tx, 200, null, user, c.localSdp); // offer-less re-INVITE
        } else if (socket == null) {
          service.ua().respond(tx, 200, null, user, c.localSdp);
        } else {
          c.pendingReoffer = tx;
          ObjectNode ev = event("call.sdp", c);
          ev.put("sdpType", "offer");
          ev.put("sdp", sdp);
          send(ev);
        }
      }
      case Request.UPDATE -> service.ua().respond(tx,
          ApiUserAgent.body(req) == null ? 200 : 488, null, user, null);
      default -> service.ua().respond(tx, 405, null, user, null);
    }
  }

  void onTimeout(ApiCall c, Request req) {
    if (Request.INVITE.equals(req.getMethod()) && c.inviteTx != null
        && req == c.inviteTx.getRequest() && !c.answered()) {
      changeState(c, CallState.ENDED, ApiEndReason.FAILED);
    } else if (Request.BYE.equals(req.getMethod())) {
      LOG.debug("call {}: BYE timed out", c.id);
    }
  }

  // ------------------------------------------------------------------ statistics

  /** Sends call.stats and (when changed) call.media for every TALKING call. */
  void tickStats() {
    if (socket == null) {
      return;
    }
    for (ApiCall c : calls.values()) {
      if (c.state() != CallState.TALKING) {
        continue;
      }
      JsonNode streams = service.mediaStats(c);
      if (streams == null) {
        continue;
      }
      ObjectNode st = event("call.stats", c);
      st.set("streams", streams);
      send(st);
      String leg = c.direction == ApiCall.Direction.OUTGOING ? "caller" : "callee";
      JsonNode t = streams.path(0).path(leg).path("transport");
      ObjectNode media = event("call.media", c);
      media.put("ice", t.path("ice").asText("none"));
      media.put("dtls", t.path("dtls").asText("none"));
      if (t.path("dtlsFailure").isTextual()) {
        media.put("dtlsFailure", t.get("dtlsFailure").asText());
      } else {
        media.putNull("dtlsFailure");
      }
      String key = media.toString();
      if (!key.equals(c.lastMediaState)) {
        c.lastMediaState = key;
        send(media);
      }
    }
  }

  // ------------------------------------------------------------------ events

  private void changeState(ApiCall c, CallState next, ApiEndReason reason) {
    CallState previous = c.transition(next, reason);
    if (previous == null) {
      return;
    }
    ObjectNode ev = event("call.stateChange", c);
    ev.put("previous", previous.name());
    ev.put("state", next.name());
    if (next == CallState.ENDED) {
      ev.put("reason", c.endReason().wire());
      calls.remove(c.id);
      ended.put(c.id, c);
      if (ended.size() > 200) {
        ended.remove(ended.keySet().iterator().next());
      }
      service.callEnded(this, c);
    }
    send(ev);
    if (next == CallState.ENDED && calls.isEmpty() && socket == null && expiry != null) {
      expiry.cancel(false);
      expiry = null;
      end();
    }
  }

  private ObjectNode event(String type, ApiCall c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", type);
    if (c != null) {
      o.put("callId", c.id);
    }
    return o;
  }

  void sendError(ApiError e, String callId, String reqId) {
    ObjectNode o = event("error", null);
    o.put("code", e.code);
    o.put("message", e.getMessage());
    if (callId != null) {
      o.put("callId", callId);
    }
    if (reqId != null) {
      o.put("reqId", reqId);
    }
    send(o);
  }

  private void send(ObjectNode event) {
    Socket s = socket;
    if (s != null) {
      s.send(event.toString());
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
