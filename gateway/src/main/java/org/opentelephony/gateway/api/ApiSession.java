package org.opentelephony.gateway.api;

import static org.opentelephony.gateway.api.ApiEvents.JSON;
import static org.opentelephony.gateway.api.ApiEvents.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.call.CallState;
import org.opentelephony.sip.util.SerialExecutor;

/**
 * One logged-in API user: its calls, its current WebSocket (if any) and what the client's JSON
 * messages do to the calls. Everything runs on the session's serial executor. The session
 * outlives a dropped socket for the reconnection window while it has calls.
 *
 * <p>Its other parts, on the same executor: {@link ApiSipEvents} (what the SIP leg reports),
 * {@link ApiStats} (the periodic statistics) and {@link ApiEvents} (sending to the client). Every
 * state change of a call goes through {@link #changeState}.
 */
final class ApiSession {
  private static final Logger LOG = LogManager.getLogger(ApiSession.class);

  /** Where events go: the user's WebSocket. */
  interface Socket {
    void send(String text);

    void close(int code, String reason);
  }

  final String user;
  final String id = UUID.randomUUID().toString();
  final SerialExecutor executor;
  /** The SIP leg's reports for this session's calls; call on {@link #executor}. */
  final ApiSipEvents sip;
  /** The statistics tick; call on {@link #executor}. */
  final ApiStats stats;
  private final ApiService service;
  private final ApiEvents events;
  private final Map<String, ApiCall> calls = new LinkedHashMap<>();
  private final Map<String, ApiCall> ended = new LinkedHashMap<>();
  private Socket socket;
  private ScheduledFuture<?> expiry;
  private boolean closed;

  ApiSession(String user, ApiService service) {
    this.user = user;
    this.service = service;
    this.executor = new SerialExecutor(service.workers(), "apiSession", user);
    this.events = new ApiEvents(() -> socket);
    this.sip = new ApiSipEvents(this, service, events);
    this.stats = new ApiStats(this, service, events);
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
    events.send(ready);
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
      case "ping" -> events.send(event("pong", null));
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
    events.send(start);
    ObjectNode pending = event("call.stateChange", c);
    pending.putNull("previous");
    pending.put("state", CallState.PENDING.name());
    events.send(pending);
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

  private static void requireAnswered(ApiCall c) throws ApiError {
    if (!c.answered()) {
      throw new ApiError(409, "call is " + c.state() + ", not answered");
    }
  }

  // ------------------------------------------------------------------ calls

  /** Whether {@code id} names a live (not yet ended) call of this session. */
  boolean hasLiveCall(String id) {
    return calls.containsKey(id);
  }

  /** Registers a new call (incoming ones arrive through {@link ApiSipEvents}). */
  void addLiveCall(ApiCall c) {
    calls.put(c.id, c);
  }

  /** The live calls, read-only (for the statistics). */
  Collection<ApiCall> liveCalls() {
    return Collections.unmodifiableCollection(calls.values());
  }

  /**
   * Moves {@code c} to {@code next} through {@link ApiCall#transition} (nothing happens when that
   * is not legal) and tells the client; an ended call leaves the live ones, and the session ends
   * with its last call while no socket is attached.
   */
  void changeState(ApiCall c, CallState next, ApiEndReason reason) {
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
    events.send(ev);
    if (next == CallState.ENDED && calls.isEmpty() && socket == null && expiry != null) {
      expiry.cancel(false);
      expiry = null;
      end();
    }
  }

  /** Sends an error event to the client; on the session's executor. */
  void sendError(ApiError e, String callId, String reqId) {
    events.sendError(e, callId, reqId);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
