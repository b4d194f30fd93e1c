package org.opentelephony.gateway.api;

import java.util.ArrayList;
import java.util.List;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.call.Call;
import org.opentelephony.sip.call.CallState;

/**
 * One call of an API user: its state as the API shows it (the B2BUA's {@link CallState} names
 * and legality) and the SIP leg the user agent holds for it. Touched only on its session's
 * serial executor.
 */
final class ApiCall {
  private static final Logger LOG = LogManager.getLogger(ApiCall.class);

  enum Direction { OUTGOING, INCOMING }

  final String id;
  final Direction direction;
  final String user;
  final String peer;
  final boolean audio;
  final boolean video;
  final long createdAt = System.currentTimeMillis();

  private CallState state = CallState.PENDING;
  private ApiEndReason endReason;

  // the SIP leg
  String sipCallId;
  ClientTransaction inviteTx;
  ServerTransaction incomingTx;
  Dialog dialog;
  String toTag;
  boolean authTried;
  boolean provisionalSeen;
  boolean cancelPending;
  ServerTransaction pendingReoffer;
  String localSdp;
  String extraParam;

  // media
  Call b2bCall;
  final List<String> pendingCandidates = new ArrayList<>();
  String lastMediaState;

  ApiCall(String id, Direction direction, String user, String peer, boolean audio,
      boolean video) {
    this.id = id;
    this.direction = direction;
    this.user = user;
    this.peer = peer;
    this.audio = audio;
    this.video = video;
  }

  String id() {
    return id;
  }

  String user() {
    return user;
  }

  CallState state() {
    return state;
  }

  ApiEndReason endReason() {
    return endReason;
  }

  boolean ended() {
    return state == CallState.ENDED;
  }

  boolean answered() {
    return state == CallState.CONNECTING || state == CallState.TALKING;
  }

  /**
   * The one place the state changes: returns the previous state, or null when the transition
   * is not legal (nothing changes then).
   */
  CallState transition(CallState next, ApiEndReason reason) {
    CallState previous = state;
    if (!previous.canTransitionTo(next)) {
      LOG.debug("api call {}: ignored {} -> {}", id, previous, next);
      return null;
    }
    state = next;
    if (next == CallState.ENDED) {
      endReason = reason == null ? ApiEndReason.FAILED : reason;
    }
    LOG.debug("api call {} ({}): {} -> {}{}", id, sipCallId, previous, next,
        next == CallState.ENDED ? " (" + endReason.wire() + ")" : "");
    return previous;
  }
}
