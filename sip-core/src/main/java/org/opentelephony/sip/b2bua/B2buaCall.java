package org.opentelephony.sip.b2bua;

import gov.nist.javax.sip.message.SIPRequest;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.call.Call;
import org.opentelephony.sip.call.CallState;
import org.opentelephony.sip.call.EndReason;
import org.opentelephony.sip.call.MediaNegotiator.Kind;
import org.opentelephony.sip.call.MediaNegotiator.Side;
import org.opentelephony.sip.config.SipConfig;
import org.opentelephony.sip.registrar.Binding;
import org.opentelephony.sip.transport.Source;
import org.opentelephony.sip.sdp.SdpException;
import org.opentelephony.sip.util.SerialExecutor;

/**
 * One call through the B2BUA: the caller's INVITE server transaction and dialog on one side, one
 * {@link Branch} per registered device of the callee on the other. The first 2xx wins and the
 * other branches are cancelled. Every method runs on the call's {@link SerialExecutor}.
 */
public final class B2buaCall {
  private static final Logger LOG = LogManager.getLogger(B2buaCall.class);

  private final B2buaServices services;
  private final Call call;
  private final SerialExecutor executor;
  private final ServerTransaction inviteTx;
  private final Request invite;
  private final Dialog callerDialog;
  private final String callerToTag;
  private final String callerTransport;
  private final String callerNatKey;
  private final boolean lateOffer;
  private final List<Branch> branches = new ArrayList<>();

  private final DialogActions actions;
  private final InDialogRelay inDialog;
  private Branch winner;
  private ScheduledFuture<?> noAnswerTimer;
  private Response calleeOkAwaitingAck; // late offer: callee's 2xx, ACKed once the caller answers
  private boolean finished;

  B2buaCall(B2buaServices services, Call call, ServerTransaction inviteTx, Dialog callerDialog,
      String callerTransport, String callerNatKey) {
    this.services = services;
    this.call = call;
    this.executor = new SerialExecutor(services.workers(), "call", call.id());
    this.inviteTx = inviteTx;
    this.invite = inviteTx.getRequest();
    this.callerDialog = callerDialog;
    this.callerToTag = org.opentelephony.sip.transport.SipContext.newTag();
    this.callerTransport = callerTransport;
    this.callerNatKey = callerNatKey;
    this.lateOffer = invite.getRawContent() == null || invite.getRawContent().length == 0;
    this.actions = new DialogActions(services, call.id());
    this.inDialog = new InDialogRelay(this, services, actions);
  }

  public Call call() {
    return call;
  }

  SerialExecutor executor() {
    return executor;
  }

  // ---------------------------------------------------------------- start

  /** Sends the INVITE to every target in parallel and arms the no-answer timer. */
  void start(List<Binding> targets) {
    for (Binding target : targets) {
      Branch b = new Branch(target);
      String body = null;
      if (!lateOffer) {
        try {
          // each fork gets the offer in its own profile: a browser DTLS-SRTP, a phone plain RTP
          body = services.media().relayOffer(call, Side.CALLER, Bodies.bodyOf(invite),
              target.isBrowser());
        } catch (SdpException e) {
          if (branches.isEmpty()) {
            rejectCaller(488, "Not Acceptable Here", e.getMessage());
            finish(EndReason.FAILED, 488);
            return;
          }
          LOG.info("call {}: cannot offer to {}: {}", call.id(), target.contactUri(),
              e.getMessage());
          continue;
        }
      }
      try {
        Request out = services.factory().initialInvite(invite, target, body,
            call.clientRef() != null ? call.clientRef() : call.id());
        b.tx = services.sip().provider().getNewClientTransaction(out);
        b.tx.setApplicationData(b);
        b.dialog = services.sip().provider().getNewDialog(b.tx);
        b.dialog.setApplicationData(new LegRef(this, Side.CALLEE, b));
        branches.add(b);
        b.tx.sendRequest();
      } catch (SipException | ParseException e) {
        LOG.info("call {}: cannot reach {}: {}", call.id(), target.contactUri(), e.toString());
        b.state = Branch.State.FAILED;
        b.finalStatus = 480;
      }
    }
    if (branches.stream().allMatch(Branch::done)) {
      rejectCaller(480, "Temporarily Unavailable", null);
      finish(EndReason.OFFLINE, 480);
      return;
    }
    long ms = services.config().noAnswerTimeout().toMillis();
    noAnswerTimer = services.timers().schedule(() -> executor.execute(this::onNoAnswer), ms,
        TimeUnit.MILLISECONDS);
  }

  /** Refuses the call before any branch was tried (unknown or offline callee). */
  void reject(int status, String reason, EndReason endReason) {
    rejectCaller(status, reason, null);
    finish(endReason, status);
  }

  boolean isWinner(Branch b) {
    return winner == b;
  }

  // ---------------------------------------------------------------- callee responses

  void onBranchResponse(Branch b, Response r) {
    int status = r.getStatusCode();
    if (status < 200) {
      onProvisional(b, r);
    } else if (status < 300) {
      onAnswer(b, r);
    } else {
      b.state = Branch.State.FAILED;
      b.finalStatus = status;
      b.finalReason = r.getReasonPhrase();
      onBranchFailed();
    }
  }

  private void onProvisional(Branch b, Response r) {
    if (b.state == Branch.State.CALLING) {
      b.state = Branch.State.PROCEEDING;
    }
    if (b.cancelPending) {
      actions.cancel(b);
      return;
    }
    int status = r.getStatusCode();
    if (status == 100 || finished || winner != null) {
      return;
    }
    try {
      Response out = callerResponse(status, r.getReasonPhrase());
      if (Bodies.hasBody(r)) {
        setBody(out, services.media().relay(call, Side.CALLEE,
            lateOffer ? Kind.OFFER : Kind.ANSWER, Bodies.bodyOf(r)));
      }
      inviteTx.sendResponse(out);
      services.sip().metrics().responseSent(status);
    } catch (SdpException e) {
      LOG.info("call {}: dropping early media SDP: {}", call.id(), e.getMessage());
    } catch (SipException | javax.sip.InvalidArgumentException | ParseException e) {
      LOG.debug("call {}: cannot relay {}: {}", call.id(), status, e.toString());
    }
    if (call.state() == CallState.PENDING) {
      call.transition(CallState.RINGING);
    }
  }

  private void onAnswer(Branch b, Response r) {
    if (finished || (winner != null && winner != b)) {
      ackAndBye(b, r);
      return;
    }
    if (winner == b) {
      return; // a retransmitted 2xx: the stack re-sends our ACK
    }
    winner = b;
    b.state = Branch.State.ANSWERED;
    cancelNoAnswer();
    for (Branch other : branches) {
      if (other != b) {
        cancelBranch(other);
      }
    }
    String body;
    try {
      body = services.media().relay(call, Side.CALLEE, lateOffer ? Kind.OFFER : Kind.ANSWER,
          Bodies.bodyOf(r));
    } catch (SdpException e) {
      ackAndBye(b, r);
      rejectCaller(488, "Not Acceptable Here", e.getMessage());
      finish(EndReason.FAILED, 488);
      return;
    }
    if (lateOffer) {
      calleeOkAwaitingAck = r;
    } else {
      actions.ack(b.dialog, r, null);
    }
    try {
      Response ok = callerResponse(200, "OK");
      setBody(ok, body);
      inviteTx.sendResponse(ok);
      services.sip().metrics().responseSent(200);
    } catch (SipException | javax.sip.InvalidArgumentException | ParseException e) {
      LOG.info("call {}: cannot send 200 to caller: {}", call.id(), e.toString());
      actions.bye(b.dialog);
      finish(EndReason.FAILED, 500);
      return;
    }
    call.transition(CallState.CONNECTING);
  }

  private void onBranchFailed() {
    if (finished || winner != null || !branches.stream().allMatch(Branch::done)) {
      return;
    }
    Branch best = bestFailure();
    int status = best.finalStatus;
    String reason = best.finalReason;
    if (status == 401 || status == 407) {
      status = 403; // the callee challenged us: not something the caller can answer
      reason = "Callee requires authentication";
    }
    rejectCaller(status, reason, null);
    finish(EndReason.fromCalleeStatus(status), status);
  }

  /** RFC 3261 16.7.6: a 6xx beats everything, then a definite answer beats "not reachable". */
  private Branch bestFailure() {
    Branch best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Branch b : branches) {
      int s = b.finalStatus;
      int rank = s >= 600 ? 0 : (s == 486 || s == 603) ? 1 : (s >= 400 && s < 500
          && s != 408 && s != 480 && s != 487) ? 2 : s == 480 ? 3 : s == 408 ? 4 : 5;
      if (rank < bestRank) {
        best = b;
        bestRank = rank;
      }
    }
    return best;
  }

  void onBranchTimeout(Branch b) {
    if (b.state == Branch.State.ANSWERED) {
      return;
    }
    b.state = Branch.State.FAILED;
    b.finalStatus = 408;
    b.finalReason = "Request Timeout";
    onBranchFailed();
  }

  // ---------------------------------------------------------------- caller requests

  void onCancel(ServerTransaction cancelTx) {
    try {
      cancelTx.sendResponse(services.sip().response(cancelTx.getRequest(), 200));
    } catch (SipException | javax.sip.InvalidArgumentException e) {
      LOG.debug("call {}: cannot answer CANCEL: {}", call.id(), e.toString());
    }
    if (finished || winner != null) {
      return; // too late: the call was answered (the caller will BYE) or is over
    }
    rejectCaller(487, "Request Terminated", null);
    branches.forEach(this::cancelBranch);
    finish(EndReason.CANCELED, 487);
  }

  /** The caller's ACK: for the initial 2xx it confirms the call; re-INVITE ACKs are absorbed. */
  void onCallerAck(Request ack) {
    if (finished || winner == null || call.state() != CallState.CONNECTING) {
      return;
    }
    if (calleeOkAwaitingAck != null) {
      String answer = null;
      if (Bodies.hasBody(ack)) {
        try {
          answer = services.media().relay(call, Side.CALLER, Kind.ANSWER, Bodies.bodyOf(ack));
        } catch (SdpException e) {
          LOG.info("call {}: bad SDP answer in ACK: {}", call.id(), e.getMessage());
          actions.ack(winner.dialog, calleeOkAwaitingAck, null);
          hangUp(EndReason.FAILED, 488);
          return;
        }
      }
      actions.ack(winner.dialog, calleeOkAwaitingAck, answer);
      calleeOkAwaitingAck = null;
    }
    call.transition(CallState.TALKING);
  }

  void onBye(ServerTransaction tx, Side from) {
    actions.respond(tx, 200, null);
    if (finished) {
      return;
    }
    if (from == Side.CALLER) {
      if (winner == null) {
        // BYE before any 2xx (RFC 3261 15: only after the dialog is confirmed): treat as cancel.
        branches.forEach(this::cancelBranch);
        finish(EndReason.CANCELED, 487);
        return;
      }
      if (calleeOkAwaitingAck != null) {
        actions.ack(winner.dialog, calleeOkAwaitingAck, null);
        calleeOkAwaitingAck = null;
      }
      actions.bye(winner.dialog);
      finish(EndReason.HANGUP_CALLER, 200);
    } else {
      actions.bye(callerDialog);
      finish(EndReason.HANGUP_CALLEE, 200);
    }
  }

  /** A BYE from a branch that lost the race (it answered late): just acknowledged. */
  void onStrayBye(ServerTransaction tx) {
    actions.respond(tx, 200, null);
  }

  // ---------------------------------------------------------------- in-dialog relay

  /** Relays a re-INVITE, UPDATE or INFO to the other leg; its final answer comes back. */
  void onInDialogRequest(ServerTransaction tx, Side from) {
    if (finished || winner == null || call.state() == CallState.ENDED) {
      actions.respond(tx, finished ? 481 : 500, finished ? "Call Does Not Exist"
          : "Not relayed before the call is answered");
      return;
    }
    inDialog.onRequest(tx, from);
  }

  void onRelayResponse(Relay relay, ClientTransaction ct, Response r) {
    inDialog.onResponse(relay, r);
  }

  void onRelayTimeout(Relay relay) {
    inDialog.onTimeout(relay);
  }

  /** The dialog of a side once the call is answered (the callee's: the winning branch's). */
  Dialog dialogOf(Side side) {
    return side == Side.CALLER ? callerDialog : winner.dialog;
  }

  String transportOf(Side side) {
    return transportOf(side == Side.CALLER);
  }

  // ---------------------------------------------------------------- timers and teardown

  private void onNoAnswer() {
    if (finished || winner != null) {
      return;
    }
    rejectCaller(480, "No Answer", null);
    branches.forEach(this::cancelBranch);
    finish(EndReason.NO_ANSWER, 480);
  }

  /** The caller never ACKed our 2xx (RFC 3261 13.3.1.4): the dialog is torn down. */
  void onCallerAckTimeout() {
    if (!finished) {
      hangUp(EndReason.FAILED, 408);
    }
  }

  /**
   * The WebSocket connection at {@code address} closed. A caller on it: the callee leg gets BYE
   * (or CANCEL). The answered callee on it: the caller gets BYE. A ringing device on it: that
   * branch failed (480), as if it had refused.
   */
  void onConnectionClosed(String address) {
    if (finished) {
      return;
    }
    boolean callerGone = SipConfig.isWebSocket(callerTransport)
        && address.equals(Source.address((SIPRequest) invite));
    boolean calleeGone = winner != null && SipConfig.isWebSocket(winner.target.transport())
        && address.equals(winner.target.received());
    if (callerGone || calleeGone) {
      LOG.info("call {}: the {} connection closed", call.id(), callerGone ? "caller's" : "callee's");
      if (calleeGone) {
        actions.bye(callerDialog);
        winner.dialog.delete();
      } else {
        callerDialog.delete();
        if (winner == null) {
          branches.forEach(this::cancelBranch);
        } else {
          if (calleeOkAwaitingAck != null) {
            actions.ack(winner.dialog, calleeOkAwaitingAck, null);
            calleeOkAwaitingAck = null;
          }
          actions.bye(winner.dialog);
        }
      }
      finish(EndReason.CONNECTION_CLOSED, 503); // RFC 3261 8.1.3.1: a transport error is a 503
      return;
    }
    if (winner != null) {
      return;
    }
    for (Branch b : branches) {
      if (!b.done() && SipConfig.isWebSocket(b.target.transport())
          && address.equals(b.target.received())) {
        b.state = Branch.State.FAILED;
        b.finalStatus = 480;
        b.finalReason = "Connection Closed";
      }
    }
    onBranchFailed();
  }

  /** Ends the call from the server side: BYE or CANCEL on whatever legs exist. */
  void hangUp(EndReason reason, int status) {
    if (finished) {
      return;
    }
    if (winner == null) {
      rejectCaller(status >= 400 ? status : 480, null, null);
      branches.forEach(this::cancelBranch);
    } else {
      if (calleeOkAwaitingAck != null) {
        actions.ack(winner.dialog, calleeOkAwaitingAck, null);
        calleeOkAwaitingAck = null;
      }
      actions.bye(winner.dialog);
      actions.bye(callerDialog);
    }
    finish(reason, status);
  }

  private void finish(EndReason reason, int status) {
    if (finished) {
      return;
    }
    finished = true;
    cancelNoAnswer();
    services.calls().forget(this, invite);
    if (callerNatKey != null) {
      services.sip().natMappings().release(callerNatKey);
    }
    services.media().release(call);
    call.end(reason, status);
  }

  private void cancelNoAnswer() {
    if (noAnswerTimer != null) {
      noAnswerTimer.cancel(false);
      noAnswerTimer = null;
    }
  }

  // ---------------------------------------------------------------- SIP helpers

  private void cancelBranch(Branch b) {
    if (b.done() || b.cancelSent) {
      return;
    }
    if (b.state == Branch.State.CALLING) {
      b.cancelPending = true; // RFC 3261 9.1: CANCEL only after a provisional response
      return;
    }
    actions.cancel(b);
  }

  private void ackAndBye(Branch b, Response ok) {
    actions.ack(b.dialog, ok, null);
    actions.bye(b.dialog);
  }

  private void rejectCaller(int status, String reason, String warning) {
    try {
      Response r = callerResponse(status, reason);
      if (warning != null) {
        r.addHeader(services.factory().warning(warning));
      }
      inviteTx.sendResponse(r);
      services.sip().metrics().responseSent(status);
    } catch (SipException | javax.sip.InvalidArgumentException | ParseException e) {
      LOG.debug("call {}: cannot send {} to caller: {}", call.id(), status, e.toString());
    }
  }

  /** A response to the caller's INVITE with the caller leg's To tag and, for 1xx/2xx, Contact. */
  private Response callerResponse(int status, String reason) throws ParseException {
    Response r = services.sip().messages().createResponse(status, invite);
    if (reason != null) {
      r.setReasonPhrase(reason);
    }
    ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(callerToTag);
    if (status < 300 && status > 100) {
      r.setHeader(services.sip().contact(callerTransport));
    }
    return r;
  }

  private String transportOf(boolean callerSide) {
    return callerSide ? callerTransport : winner.target.transport();
  }

  private void setBody(Message m, String body) throws ParseException {
    if (body != null) {
      m.setContent(body, services.factory().sdpContentType());
    }
  }
}
