package org.opentelephony.sip.call;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A call between two parties, independent of how its legs are signalled. Its state changes only
 * through {@link #transition}, called from the call's own serial executor; other threads read
 * a consistent enough view through the volatile fields.
 */
public final class Call {
  private static final Logger LOG = LogManager.getLogger(Call.class);

  private final String id;
  private final String sipCallId;
  private final String caller;
  private final String callee;
  private final boolean audio;
  private final boolean video;
  private final long startedAt;
  private final CallRegistry registry;

  private volatile CallState state = CallState.PENDING;
  private volatile EndReason endReason;
  private volatile int sipStatus;
  private volatile long answeredAt;
  private volatile long endedAt;
  private volatile String mediaStats = "[]";
  private volatile String clientRef;
  private volatile java.util.function.Supplier<String> liveMediaStats;

  Call(String id, String sipCallId, String caller, String callee, boolean audio, boolean video,
      long startedAt, CallRegistry registry) {
    this.id = id;
    this.sipCallId = sipCallId;
    this.caller = caller;
    this.callee = callee;
    this.audio = audio;
    this.video = video;
    this.startedAt = startedAt;
    this.registry = registry;
  }

  /**
   * Moves the call to {@code next}, notifying listeners.
   *
   * @throws IllegalCallTransitionException when the state machine does not allow it
   */
  public void transition(CallState next) {
    CallState previous = state;
    if (!previous.canTransitionTo(next)) {
      throw new IllegalCallTransitionException(id, previous, next);
    }
    if (next == CallState.CONNECTING) {
      answeredAt = registry.clock().millis();
    }
    state = next;
    LOG.debug("call {} ({}): {} -> {}", id, sipCallId, previous, next);
    registry.fireUpdated(this, previous);
  }

  /** Ends the call (from any live state) with its reason and SIP status; idempotent. */
  public void end(EndReason reason, int status) {
    if (state == CallState.ENDED) {
      return;
    }
    this.endReason = reason;
    this.sipStatus = status;
    this.endedAt = registry.clock().millis();
    transition(CallState.ENDED);
    LOG.debug("call {} ended: {} {}", id, reason, status);
    registry.remove(this);
  }

  public String id() {
    return id;
  }

  public String sipCallId() {
    return sipCallId;
  }

  public String caller() {
    return caller;
  }

  public String callee() {
    return callee;
  }

  public boolean audio() {
    return audio;
  }

  public boolean video() {
    return video;
  }

  public CallState state() {
    return state;
  }

  public EndReason endReason() {
    return endReason;
  }

  public int sipStatus() {
    return sipStatus;
  }

  public long startedAt() {
    return startedAt;
  }

  /** Epoch ms of the answer, 0 if never answered. */
  public long answeredAt() {
    return answeredAt;
  }

  public long endedAt() {
    return endedAt;
  }

  /**
   * Per-stream, per-leg media statistics as JSON: live while the call's media is anchored, final
   * once it is released.
   */
  public String mediaStats() {
    java.util.function.Supplier<String> live = liveMediaStats;
    return live != null ? live.get() : mediaStats;
  }

  /** Where live statistics come from while media flows (set by the media layer). */
  public void setLiveMediaStats(java.util.function.Supplier<String> source) {
    this.liveMediaStats = source;
  }

  /** The final statistics, when the media is released. */
  public void setMediaStats(String json) {
    this.mediaStats = json;
    this.liveMediaStats = null;
  }

  /**
   * The caller's own name for this call (an API client's call id, from the INVITE's
   * {@code X-Call-Ref}), or null: kept in the record so that a client finds its call in history.
   */
  public String clientRef() {
    return clientRef;
  }

  public void setClientRef(String ref) {
    this.clientRef = ref;
  }

  @Override
  public String toString() {
    return "Call[" + id + " " + caller + " -> " + callee + " " + state + "]";
  }
}
