package org.opentelephony.sip.call;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.cdr.CallRecord;
import org.opentelephony.sip.cdr.CallRecordRepository;
import org.opentelephony.sip.util.Clock;

/**
 * The live calls, their listeners, and the hand-off of each ended call to the record store.
 */
public final class CallRegistry {
  private static final Logger LOG = LogManager.getLogger(CallRegistry.class);

  private final Map<String, Call> calls = new ConcurrentHashMap<>();
  private final List<CallListener> listeners = new CopyOnWriteArrayList<>();
  private final CallRecordRepository records;
  private final Clock clock;

  public CallRegistry(CallRecordRepository records, Clock clock) {
    this.records = records;
    this.clock = clock;
  }

  public void addListener(CallListener l) {
    listeners.add(l);
  }

  public void removeListener(CallListener l) {
    listeners.remove(l);
  }

  /** Creates a call in PENDING and announces it. */
  public Call create(String sipCallId, String caller, String callee, boolean audio,
      boolean video) {
    // unique, not secret: ThreadLocalRandom avoids the SecureRandom lock that randomUUID takes
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    String id = new UUID(r.nextLong() & ~0xF000L | 0x4000L, r.nextLong() & ~(3L << 62) | (2L << 62))
        .toString();
    Call call = new Call(id, sipCallId, caller, callee, audio, video, clock.millis(), this);
    calls.put(id, call);
    for (CallListener l : listeners) {
      safely(() -> l.callAdded(call));
    }
    return call;
  }

  public Optional<Call> find(String id) {
    return Optional.ofNullable(calls.get(id));
  }

  public Collection<Call> active() {
    return List.copyOf(calls.values());
  }

  public int size() {
    return calls.size();
  }

  Clock clock() {
    return clock;
  }

  void fireUpdated(Call call, CallState previous) {
    for (CallListener l : listeners) {
      safely(() -> l.callUpdated(call, previous));
    }
  }

  void remove(Call call) {
    if (calls.remove(call.id()) == null) {
      return;
    }
    records.save(CallRecord.of(call));
    for (CallListener l : listeners) {
      safely(() -> l.callRemoved(call));
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("call listener failed", e);
    }
  }
}
