package org.opentelephony.sip.transport;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the SIP layer, exposed by the gateway's metrics endpoint. */
public final class SipMetrics {
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> events = new ConcurrentHashMap<>();

  public void requestReceived(String method) {
    requests.computeIfAbsent(method, m -> new LongAdder()).increment();
  }

  public void responseSent(int status) {
    responses.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  /** Counts a named event (for example {@code malformed_dropped}). */
  public void count(String event) {
    events.computeIfAbsent(event, e -> new LongAdder()).increment();
  }

  public long events(String event) {
    LongAdder a = events.get(event);
    return a == null ? 0 : a.sum();
  }

  /** A sorted copy: {@code sip_requests{method}}, {@code sip_responses{status}}, events. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    requests.forEach((k, v) -> out.put("sip_requests_received{method=\"" + k + "\"}", v.sum()));
    responses.forEach((k, v) -> out.put("sip_responses_sent{status=\"" + k + "\"}", v.sum()));
    events.forEach((k, v) -> out.put("sip_" + k, v.sum()));
    return out;
  }
}
