package org.opentelephony.sip.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.address.Hop;

/**
 * Where to really send requests for a Contact URI whose host is not where the device is (it sits
 * behind NAT, or speaks over a connection it opened). Entries are reference counted because a
 * registration and several calls can rely on the same contact at once.
 */
public final class NatMappings {
  private record Entry(Hop hop, int refs) {
  }

  private final Map<String, Entry> byUri = new ConcurrentHashMap<>();

  /** Adds a reference to the mapping of {@code contactUri} (replacing its hop). */
  public void retain(String contactUri, Hop hop) {
    byUri.compute(contactUri, (k, e) -> new Entry(hop, e == null ? 1 : e.refs + 1));
  }

  /** Drops one reference; the mapping goes with the last one. */
  public void release(String contactUri) {
    byUri.computeIfPresent(contactUri, (k, e) -> e.refs <= 1 ? null : new Entry(e.hop, e.refs - 1));
  }

  /** The hop for {@code requestUri}, or null to route by the URI itself. */
  public Hop resolve(String requestUri) {
    Entry e = byUri.get(requestUri);
    return e == null ? null : e.hop;
  }

  public int size() {
    return byUri.size();
  }
}
