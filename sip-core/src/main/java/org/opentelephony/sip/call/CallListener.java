package org.opentelephony.sip.call;

/**
 * Observes calls from outside sip-core (the browser API, metrics), like the client SDKs'
 * onCallItemAdd/Update/Remove. Called on the call's own executor: return quickly, never block.
 */
public interface CallListener {
  default void callAdded(Call call) {
  }

  /** The call moved from {@code previous} to {@link Call#state()}. */
  default void callUpdated(Call call, CallState previous) {
  }

  /** The call ended and left the registry; its record has been queued for storage. */
  default void callRemoved(Call call) {
  }
}
