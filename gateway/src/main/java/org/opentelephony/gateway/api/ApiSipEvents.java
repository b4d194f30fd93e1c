package org.opentelephony.gateway.api;

import static org.opentelephony.gateway.api.ApiEvents.JSON;
import static org.opentelephony.gateway.api.ApiEvents.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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

/**
 * What the SIP leg of a session's calls reports (new INVITEs, responses, in-dialog requests,
 * timeouts), turned into API events and call state changes. Runs on the session's serial
 * executor: {@link ApiService} hops there from the SIP stack's threads. State changes go
 * through {@link ApiSession#changeState}, and so through {@link ApiCall#transition}.
 */
final class ApiSipEvents {
  private static final Logger LOG = LogManager.getLogger(ApiSipEvents.class);

  private final ApiSession session;
  private final ApiService service;
  private final ApiEvents events;
  private final String user;

  ApiSipEvents(ApiSession session, ApiService service, ApiEvents events) {
    this.session = session;
    this.service = service;
    this.events = events;
    this.user = session.user;
  }

  /**
   * The id of an incoming call: the caller's own id when the caller is an API user too (both
   * parties then name the call alike), else a new one.
   */
  private String incomingCallId(Request req) {
    Header ref = req.getHeader(ApiUserAgent.CALL_REF_HEADER);
    if (ref != null) {
      String h = ref.toString();
      String id = h.substring(h.indexOf(':') + 1).trim();
      if (id.matches("[A-Za-z0-9-]{8,64}") && !session.hasLiveCall(id)) {
        return id;
      }
    }
    return UUID.randomUUID().toString();
  }

  /** A new INVITE for this user. */
  void onIncomingInvite(ServerTransaction tx) {
    Request req = tx.getRequest();
    String sdp = ApiUserAgent.body(req);
    boolean closed = session.closed();
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
    session.addLiveCall(c);
    service.ua().respond(tx, 180, c.toTag, user, null);
    ObjectNode ev = event("call.receive", c);
    ev.put("caller", caller);
    ev.put("callee", user);
    ev.put("audio", audio);
    ev.put("video", video);
    ev.put("extraParam", c.extraParam);
    ev.put("time", java.time.Instant.ofEpochMilli(c.createdAt).toString());
    ev.put("sdp", sdp);
    events.send(ev);
    session.changeState(c, CallState.RINGING, null);
  }

  /** A response to a request sent for {@code c}: the INVITE, a re-INVITE, INFO or BYE. */
  void onResponse(ApiCall c, ClientTransaction tx, Response r) {
    int status = r.getStatusCode();
    String method = ((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod();
    if (!Request.INVITE.equals(method)) {
      if (status >= 300 && Request.INFO.equals(method) && !c.ended()) {
        events.sendError(new ApiError(502, "the other party refused the update: " + status + " "
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
        session.changeState(c, CallState.RINGING, null);
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
      events.send(sdp);
      session.changeState(c, CallState.CONNECTING, null);
      session.changeState(c, CallState.TALKING, null);
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
    session.changeState(c, CallState.ENDED, ApiEndReason.fromStatus(status, r.getReasonPhrase()));
  }

  /** A final response to a re-INVITE (hold, resume): the answer goes to the client. */
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
      events.send(sdp);
    } else if (!c.ended()) {
      events.sendError(new ApiError(502, "the other party refused the new offer: " + status + " "
          + r.getReasonPhrase()), c.id, null);
    }
  }

  /** A request within the dialog of {@code c}; {@code tx} is null for an ACK. */
  void onInDialogRequest(ApiCall c, Request req, ServerTransaction tx) {
    String method = req.getMethod();
    switch (method) {
      case Request.ACK -> {
        if (c.direction == ApiCall.Direction.INCOMING && c.state() == CallState.CONNECTING) {
          session.changeState(c, CallState.TALKING, null);
          flushCandidates(c);
        }
      }
      case Request.BYE -> {
        service.ua().respond(tx, 200, null, user, null);
        session.changeState(c, CallState.ENDED, ApiEndReason.HANGUP_REMOTE);
      }
      case Request.CANCEL -> {
        service.ua().respond(tx, 200, null, user, null);
        if (c.direction == ApiCall.Direction.INCOMING && !c.answered() && !c.ended()) {
          service.ua().respond(c.incomingTx, 487, c.toTag, user, null);
          session.changeState(c, CallState.ENDED, ApiEndReason.CANCELED);
        }
      }
      case Request.INFO -> onInfo(c, req, tx);
      case Request.INVITE -> {
        String sdp = ApiUserAgent.body(req);
        if (sdp == null) {
          service.ua().respond(tx, 200, null, user, c.localSdp); // offer-less re-INVITE
        } else if (!events.connected()) {
          service.ua().respond(tx, 200, null, user, c.localSdp);
        } else {
          c.pendingReoffer = tx;
          ObjectNode ev = event("call.sdp", c);
          ev.put("sdpType", "offer");
          ev.put("sdp", sdp);
          events.send(ev);
        }
      }
      case Request.UPDATE -> service.ua().respond(tx,
          ApiUserAgent.body(req) == null ? 200 : 488, null, user, null);
      default -> service.ua().respond(tx, 405, null, user, null);
    }
  }

  /** An INFO: a mute notice from an API peer, else an application update for the client. */
  private void onInfo(ApiCall c, Request req, ServerTransaction tx) {
    service.ua().respond(tx, 200, null, user, null);
    String body = ApiUserAgent.body(req);
    if (ApiUserAgent.MUTE_TYPE.equals(ApiUserAgent.contentType(req)) && body != null) {
      try {
        JsonNode m = JSON.readTree(body);
        ObjectNode ev = event("call.mute", c);
        ev.put("kind", m.path("kind").asText());
        ev.put("muted", m.path("muted").asBoolean());
        events.send(ev);
      } catch (Exception e) {
        LOG.debug("call {}: bad mute body", c.id);
      }
    } else {
      ObjectNode ev = event("call.update", c);
      ev.put("info", body == null ? "" : body);
      events.send(ev);
    }
  }

  /** A request sent for {@code c} got no response. */
  void onTimeout(ApiCall c, Request req) {
    if (Request.INVITE.equals(req.getMethod()) && c.inviteTx != null
        && req == c.inviteTx.getRequest() && !c.answered()) {
      session.changeState(c, CallState.ENDED, ApiEndReason.FAILED);
    } else if (Request.BYE.equals(req.getMethod())) {
      LOG.debug("call {}: BYE timed out", c.id);
    }
  }

  /** Hands the candidates the client trickled before the call's media existed. */
  private void flushCandidates(ApiCall c) {
    List<String> queued = new ArrayList<>(c.pendingCandidates);
    c.pendingCandidates.clear();
    for (String cand : queued) {
      if (!service.addCandidate(c, cand)) {
        LOG.debug("call {}: candidate not delivered", c.id);
      }
    }
  }
}
