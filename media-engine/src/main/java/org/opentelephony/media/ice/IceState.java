package org.opentelephony.media.ice;

/**
 * State of one browser leg's ICE transport, named as in RFC 8445 and the W3C
 * {@code RTCIceConnectionState}. {@link #canMoveTo} is the single place that says which
 * transitions are legal.
 */
public enum IceState {
  /** Created; local candidates ready; checks not started. */
  NEW,
  /** Connectivity checks running (also after an ICE restart). */
  CHECKING,
  /** A pair is selected; the peer may still trickle candidates. */
  CONNECTED,
  /** A pair is selected and the peer signalled end of candidates. */
  COMPLETED,
  /** Checks failed; only a restart or close leaves this state. */
  FAILED,
  /** Consent freshness (RFC 7675) expired on the selected pair; sending stops. */
  DISCONNECTED,
  /** Closed; terminal. */
  CLOSED;

  /** Whether a transport in this state may move to {@code to}. */
  public boolean canMoveTo(IceState to) {
    if (to == CLOSED) {
      return this != CLOSED;
    }
    return switch (this) {
      case NEW -> to == CHECKING || to == FAILED;
      case CHECKING -> to == CONNECTED || to == COMPLETED || to == FAILED;
      case CONNECTED -> to == COMPLETED || to == DISCONNECTED || to == FAILED || to == CHECKING;
      case COMPLETED -> to == DISCONNECTED || to == FAILED || to == CHECKING;
      case DISCONNECTED -> to == CONNECTED || to == COMPLETED || to == FAILED || to == CHECKING;
      case FAILED -> to == CHECKING;
      case CLOSED -> false;
    };
  }

  /** Whether media may flow: a pair is selected and consent is fresh. */
  public boolean isConnected() {
    return this == CONNECTED || this == COMPLETED;
  }
}
