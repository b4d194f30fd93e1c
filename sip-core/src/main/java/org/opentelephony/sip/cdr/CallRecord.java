package org.opentelephony.sip.cdr;

import org.opentelephony.sip.call.Call;

/**
 * The call detail record written once per call when it ends. Times are epoch milliseconds;
 * {@code mediaStats} is JSON with per-stream, per-leg packet, loss, jitter and RTT figures.
 */
public record CallRecord(
    String callId,
    String sipCallId,
    String caller,
    String callee,
    boolean audio,
    boolean video,
    long startedAt,
    Long answeredAt,
    long endedAt,
    long durationMs,
    String endReason,
    int sipStatus,
    String mediaStats,
    String clientRef) {

  /** A record without a client reference (calls from phones). */
  public CallRecord(String callId, String sipCallId, String caller, String callee, boolean audio,
      boolean video, long startedAt, Long answeredAt, long endedAt, long durationMs,
      String endReason, int sipStatus, String mediaStats) {
    this(callId, sipCallId, caller, callee, audio, video, startedAt, answeredAt, endedAt,
        durationMs, endReason, sipStatus, mediaStats, null);
  }

  /** The record of an ended call; duration counts from the answer (0 if never answered). */
  public static CallRecord of(Call c) {
    long answered = c.answeredAt();
    long duration = answered > 0 ? Math.max(0, c.endedAt() - answered) : 0;
    return new CallRecord(c.id(), c.sipCallId(), c.caller(), c.callee(), c.audio(), c.video(),
        c.startedAt(), answered > 0 ? answered : null, c.endedAt(), duration,
        String.valueOf(c.endReason()), c.sipStatus(), c.mediaStats(), c.clientRef());
  }
}
