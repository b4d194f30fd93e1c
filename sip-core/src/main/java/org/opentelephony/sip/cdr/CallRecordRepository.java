package org.opentelephony.sip.cdr;

import java.util.List;

/** Durable call records. {@link #save} may be asynchronous but must not lose acknowledged work. */
public interface CallRecordRepository {
  void save(CallRecord r);

  /** Newest first; {@code user} null for all, else records where the user is caller or callee. */
  List<CallRecord> recent(String user, int limit);
}
