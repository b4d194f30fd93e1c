package org.opentelephony.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocationServiceTest {
  /** An in-memory repository that remembers the current rows, as the database would. */
  static final class MemoryRepo implements BindingRepository {
    final Map<String, Binding> rows = new LinkedHashMap<>();

    @Override
    public List<Binding> loadAll() {
      return new ArrayList<>(rows.values());
    }

    @Override
    public void upsert(Binding b) {
      rows.put(b.user() + "|" + b.contactUri(), b);
    }

    @Override
    public void delete(String user, String contactUri) {
      rows.remove(user + "|" + contactUri);
    }
  }

  private final long[] now = {100_000};
  private final MemoryRepo repo = new MemoryRepo();
  private final LocationService loc = new LocationService(repo, () -> now[0], 2);

  private Binding b(String contact, String callId, long cseq, long seconds) {
    return new Binding("bob", contact, "", "udp", callId, cseq, now[0] + seconds * 1000, null);
  }

  @Test
  void severalDevicesAreRegisteredAndLookedUp() throws Exception {
    loc.update(b("sip:bob@10.0.0.1", "c1", 1, 60));
    loc.update(b("sip:bob@10.0.0.2", "c2", 1, 120));
    List<Binding> found = loc.lookup("bob");
    assertEquals(2, found.size());
    assertEquals("sip:bob@10.0.0.2", found.get(0).contactUri(), "latest expiry first");
    assertEquals(2, repo.rows.size());
  }

  @Test
  void refreshReplacesAndExpiresZeroRemoves() throws Exception {
    loc.update(b("sip:bob@10.0.0.1", "c1", 1, 60));
    loc.update(b("sip:bob@10.0.0.1", "c1", 2, 300));
    assertEquals(1, loc.lookup("bob").size());
    assertEquals(300, loc.lookup("bob").get(0).secondsLeft(now[0]));
    loc.update(b("sip:bob@10.0.0.1", "c1", 3, 0));
    assertTrue(loc.lookup("bob").isEmpty());
    assertTrue(repo.rows.isEmpty());
  }

  @Test
  void lowerCseqOfSameCallIdIsOutOfOrderButRetransmissionIsFine() throws Exception {
    loc.update(b("sip:bob@10.0.0.1", "c1", 5, 60));
    loc.update(b("sip:bob@10.0.0.1", "c1", 5, 60));
    assertThrows(LocationService.OutOfOrderException.class,
        () -> loc.update(b("sip:bob@10.0.0.1", "c1", 4, 60)));
    loc.update(b("sip:bob@10.0.0.1", "other-call-id", 1, 60)); // another Call-ID may reset
  }

  @Test
  void bindingsLapseOnTimeAndSweepDeletesThem() throws Exception {
    loc.update(b("sip:bob@10.0.0.1", "c1", 1, 60));
    now[0] += 60_000;
    assertTrue(loc.lookup("bob").isEmpty(), "expired binding is never returned");
    assertEquals(1, loc.sweep());
    assertTrue(repo.rows.isEmpty());
  }

  @Test
  void wildcardRemovesAll() throws Exception {
    loc.update(b("sip:bob@10.0.0.1", "c1", 1, 60));
    loc.update(b("sip:bob@10.0.0.2", "c2", 1, 60));
    loc.removeAll("bob", "c3", 1);
    assertTrue(loc.lookup("bob").isEmpty());
    assertTrue(repo.rows.isEmpty());
  }

  @Test
  void oldestDeviceIsEvictedBeyondTheLimit() throws Exception {
    loc.update(b("sip:bob@10.0.0.1", "c1", 1, 30));
    loc.update(b("sip:bob@10.0.0.2", "c2", 1, 60));
    loc.update(b("sip:bob@10.0.0.3", "c3", 1, 90));
    List<String> contacts = loc.lookup("bob").stream().map(Binding::contactUri).toList();
    assertEquals(List.of("sip:bob@10.0.0.3", "sip:bob@10.0.0.2"), contacts);
    assertEquals(2, repo.rows.size());
  }

  @Test
  void restartRestoresLiveBindingsAndDropsExpiredOnes() throws Exception {
    loc.update(b("sip:bob@10.0.0.1", "c1", 1, 60));
    loc.update(b("sip:bob@10.0.0.2", "c2", 1, 600));
    now[0] += 120_000;
    LocationService restarted = new LocationService(repo, () -> now[0], 2);
    List<String> seen = new ArrayList<>();
    restarted.addObserver(new LocationService.Observer() {
      @Override
      public void bound(Binding bb) {
        seen.add(bb.contactUri());
      }

      @Override
      public void unbound(Binding bb) {
      }
    });
    assertEquals(1, restarted.load());
    assertEquals(List.of("sip:bob@10.0.0.2"), seen);
    assertEquals(1, repo.rows.size());
  }
}
