package org.opentelephony.sip.call;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a call as users see it. PENDING: the INVITE is being routed; RINGING: a callee
 * device alerts (180/183); CONNECTING: the callee answered, the caller's ACK is awaited;
 * TALKING: both legs confirmed; ENDED: final.
 */
public enum CallState {
  PENDING,
  RINGING,
  CONNECTING,
  TALKING,
  ENDED;

  /** The one place that says which transitions are legal. */
  public boolean canTransitionTo(CallState next) {
    return allowedNext().contains(next);
  }

  private Set<CallState> allowedNext() {
    return switch (this) {
      case PENDING -> EnumSet.of(RINGING, CONNECTING, ENDED);
      case RINGING -> EnumSet.of(CONNECTING, ENDED);
      case CONNECTING -> EnumSet.of(TALKING, ENDED);
      case TALKING -> EnumSet.of(ENDED);
      case ENDED -> EnumSet.noneOf(CallState.class);
    };
  }
}
