package org.opentelephony.sip.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.auth.Account;
import org.opentelephony.sip.cdr.CallRecord;
import org.opentelephony.sip.registrar.Binding;

/** What the write-behind writer acknowledged is on disk after a clean close and a reopen. */
class StorageSurvivesRestartTest {

  @Test
  void accountsBindingsAndRecordsSurviveReopen() throws Exception {
    Path dir = Files.createTempDirectory("store-test");
    try (Database db = Database.open(dir)) {
      // a long flush interval: only close() can have written the queued rows
      WriteBehindWriter writer = new WriteBehindWriter(db, Duration.ofHours(1), 1000);
      new JdbcAccountStore(db).save(Account.withPassword("alice", "localhost", "alice123"));
      JdbcBindingRepository bindings = new JdbcBindingRepository(db, writer);
      JdbcCallRecordRepository records = new JdbcCallRecordRepository(db, writer);
      for (int i = 0; i < 500; i++) {
        bindings.upsert(new Binding("u" + i, "sip:u" + i + "@10.0.0.1", "", "udp", "c" + i, 1,
            Long.MAX_VALUE, "test-agent"));
      }
      bindings.upsert(new Binding("u0", "sip:u0@10.0.0.1", "1.2.3.4:5060", "udp", "c0", 2,
          Long.MAX_VALUE, null)); // refresh of the same contact: replaces the row
      bindings.delete("u1", "sip:u1@10.0.0.1");
      records.save(new CallRecord("id-1", "sip-1", "alice", "bob", true, false, 1_000L, 2_000L,
          9_000L, 7_000L, "HANGUP_CALLER", 200, "[]"));
      records.save(new CallRecord("id-2", "sip-2", "carol", "bob", true, true, 3_000L, null,
          4_000L, 0L, "NO_ANSWER", 480, "[]"));
      writer.close();
      assertEquals(0, writer.failed());
    }
    try (Database db = Database.open(dir)) {
      WriteBehindWriter writer = new WriteBehindWriter(db, Duration.ofMillis(50), 100);
      assertTrue(new JdbcAccountStore(db).find("alice").isPresent());
      List<Binding> all = new JdbcBindingRepository(db, writer).loadAll();
      assertEquals(499, all.size());
      Binding u0 = all.stream().filter(b -> b.user().equals("u0")).findFirst().orElseThrow();
      assertEquals("1.2.3.4:5060", u0.received());
      assertEquals(2, u0.cseq());
      JdbcCallRecordRepository records = new JdbcCallRecordRepository(db, writer);
      List<CallRecord> bob = records.recent("bob", 10);
      assertEquals(List.of("id-2", "id-1"), bob.stream().map(CallRecord::callId).toList());
      assertEquals(null, bob.get(0).answeredAt());
      assertEquals(7_000L, bob.get(1).durationMs());
      assertEquals(List.of("id-2"), records.recent("carol", 10).stream()
          .map(CallRecord::callId).toList());
      writer.close();
    }
  }
}
