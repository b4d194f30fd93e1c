package org.opentelephony.sip.registrar;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.util.Clock;

/**
 * Who is reachable where: the registered contacts of each user, in memory for lookups and
 * mirrored to a {@link BindingRepository} so that they survive a restart. Bindings lapse on
 * time: lookups never return an expired one and {@link #sweep()} forgets them.
 */
public final class LocationService {
  private static final Logger LOG = LogManager.getLogger(LocationService.class);

  /** Told about bindings appearing and disappearing (for example to route around NAT). */
  public interface Observer {
    void bound(Binding b);

    void unbound(Binding b);
  }

  /** Why an update was refused. */
  public static final class OutOfOrderException extends Exception {
    private static final long serialVersionUID = 1L;

    OutOfOrderException(String msg) {
      super(msg);
    }
  }

  private final Map<String, List<Binding>> byUser = new ConcurrentHashMap<>();
  private final BindingRepository repository;
  private final Clock clock;
  private final int maxContacts;
  private final List<Observer> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

  public LocationService(BindingRepository repository, Clock clock, int maxContacts) {
    this.repository = repository;
    this.clock = clock;
    this.maxContacts = maxContacts;
  }

  public void addObserver(Observer o) {
    observers.add(o);
  }

  /** Loads the persisted bindings that are still valid; expired ones are deleted. */
  public int load() {
    long now = clock.millis();
    int loaded = 0;
    for (Binding b : repository.loadAll()) {
      if (b.expired(now)) {
        repository.delete(b.user(), b.contactUri());
      } else {
        byUser.computeIfAbsent(b.user(), u -> new ArrayList<>()).add(b);
        observers.forEach(o -> o.bound(b));
        loaded++;
      }
    }
    return loaded;
  }

  /** The live contacts of {@code user}, most recently refreshed first. */
  public List<Binding> lookup(String user) {
    List<Binding> list = byUser.get(user);
    if (list == null) {
      return List.of();
    }
    long now = clock.millis();
    synchronized (list) {
      List<Binding> out = new ArrayList<>(list.size());
      for (Binding b : list) {
        if (!b.expired(now)) {
          out.add(b);
        }
      }
      out.sort(Comparator.comparingLong(Binding::expiresAt).reversed());
      return out;
    }
  }

  /**
   * Adds, refreshes ({@code expiresAt > now}) or removes ({@code expiresAt <= now}) one contact,
   * following RFC 3261 section 10.3 step 7: a request of the same Call-ID with a lower CSeq is
   * out of order and refused. An equal CSeq is a retransmission and applied again.
   */
  public void update(Binding b) throws OutOfOrderException {
    boolean remove = b.expired(clock.millis());
    List<Binding> list = byUser.computeIfAbsent(b.user(), u -> new ArrayList<>());
    Binding removed = null;
    Binding evicted = null;
    boolean stored = false;
    synchronized (list) {
      int i = indexOf(list, b.contactUri());
      if (i >= 0) {
        Binding old = list.get(i);
        if (old.callId().equals(b.callId()) && b.cseq() < old.cseq()) {
          throw new OutOfOrderException("CSeq " + b.cseq() + " lower than " + old.cseq());
        }
        if (remove) {
          removed = list.remove(i);
        } else {
          list.set(i, b);
          stored = true;
        }
      } else if (!remove) {
        if (list.size() >= maxContacts) {
          evicted = list.stream().min(Comparator.comparingLong(Binding::expiresAt)).orElseThrow();
          list.remove(evicted);
        }
        list.add(b);
        stored = true;
      }
    }
    if (removed != null) {
      forget(removed);
    }
    if (evicted != null) {
      forget(evicted);
    }
    if (stored) {
      repository.upsert(b);
      observers.forEach(o -> o.bound(b));
    }
  }

  private void forget(Binding b) {
    repository.delete(b.user(), b.contactUri());
    observers.forEach(o -> o.unbound(b));
  }

  /** Removes every contact of {@code user} ({@code Contact: *}, Expires 0). */
  public void removeAll(String user, String callId, long cseq) throws OutOfOrderException {
    List<Binding> list = byUser.get(user);
    if (list == null) {
      return;
    }
    List<Binding> gone;
    synchronized (list) {
      for (Binding old : list) {
        if (old.callId().equals(callId) && cseq < old.cseq()) {
          throw new OutOfOrderException("CSeq " + cseq + " lower than " + old.cseq());
        }
      }
      gone = new ArrayList<>(list);
      list.clear();
    }
    gone.forEach(this::forget);
  }

  /**
   * Removes (from memory and storage) every binding that {@code gone} selects, for example those
   * reached over a connection that has just closed. Returns what was removed.
   */
  public List<Binding> removeIf(java.util.function.Predicate<Binding> gone) {
    List<Binding> removed = new ArrayList<>();
    for (List<Binding> list : byUser.values()) {
      synchronized (list) {
        list.removeIf(b -> {
          if (gone.test(b)) {
            removed.add(b);
            return true;
          }
          return false;
        });
      }
    }
    removed.forEach(this::forget);
    return removed;
  }

  /** Forgets expired bindings (memory and storage). Called periodically. */
  public int sweep() {
    long now = clock.millis();
    int n = 0;
    for (Map.Entry<String, List<Binding>> e : byUser.entrySet()) {
      List<Binding> list = e.getValue();
      List<Binding> gone = new ArrayList<>();
      synchronized (list) {
        list.removeIf(b -> {
          if (b.expired(now)) {
            gone.add(b);
            return true;
          }
          return false;
        });
      }
      gone.forEach(this::forget);
      n += gone.size();
    }
    if (n > 0) {
      LOG.debug("{} registrations lapsed", n);
    }
    return n;
  }

  /** Number of live bindings, for metrics. */
  public int size() {
    long now = clock.millis();
    int n = 0;
    for (List<Binding> list : byUser.values()) {
      synchronized (list) {
        for (Binding b : list) {
          if (!b.expired(now)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private static int indexOf(List<Binding> list, String contactUri) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).contactUri().equals(contactUri)) {
        return i;
      }
    }
    return -1;
  }
}
