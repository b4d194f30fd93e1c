package org.opentelephony.media.ice;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Service-wide ICE counters, for metrics: what was dropped and why, never per-packet logs. */
public final class IceCounters {
  final LongAdder unknownUfrag = new LongAdder();
  final LongAdder badIntegrity = new LongAdder();
  final LongAdder packetsReceived = new LongAdder();
  final LongAdder packetsSent = new LongAdder();
  final LongAdder sendNoPair = new LongAdder();
  final LongAdder sendErrors = new LongAdder();
  final LongAdder receivedFromStranger = new LongAdder();
  final LongAdder receiveQueueFull = new LongAdder();
  final LongAdder candidatesRejected = new LongAdder();
  final LongAdder connected = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder restarts = new LongAdder();
  final LongAdder consentExpired = new LongAdder();

  /** STUN Binding requests on the shared port naming a ufrag no live leg owns (dropped). */
  public long unknownUfrag() {
    return unknownUfrag.sum();
  }

  /** STUN requests whose MESSAGE-INTEGRITY did not verify (answered 401, never success). */
  public long badIntegrity() {
    return badIntegrity.sum();
  }

  public long packetsReceived() {
    return packetsReceived.sum();
  }

  public long packetsSent() {
    return packetsSent.sum();
  }

  /** Datagrams the caller asked to send before a pair was selected (or after consent expired). */
  public long sendNoPair() {
    return sendNoPair.sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("ice_stun_dropped{reason=\"unknown_ufrag\"}", unknownUfrag.sum());
    m.put("ice_stun_rejected{reason=\"bad_integrity\"}", badIntegrity.sum());
    m.put("ice_packets_received", packetsReceived.sum());
    m.put("ice_packets_sent", packetsSent.sum());
    m.put("ice_packets_dropped{reason=\"no_selected_pair\"}", sendNoPair.sum());
    m.put("ice_send_errors", sendErrors.sum());
    m.put("ice_packets_dropped{reason=\"not_selected_remote\"}", receivedFromStranger.sum());
    m.put("ice_packets_dropped{reason=\"receive_queue_full\"}", receiveQueueFull.sum());
    m.put("ice_remote_candidates_ignored", candidatesRejected.sum());
    m.put("ice_connected", connected.sum());
    m.put("ice_failed", failed.sum());
    m.put("ice_restarts", restarts.sum());
    m.put("ice_consent_expired", consentExpired.sum());
    return m;
  }
}
