package org.opentelephony.sip.call;

/** A state change the call state machine does not allow: a bug, never a peer's fault. */
public final class IllegalCallTransitionException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public IllegalCallTransitionException(String callId, CallState from, CallState to) {
    super("call " + callId + ": illegal transition " + from + " -> " + to);
  }
}
