package org.opentelephony.sip.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.opentelephony.sip.cdr.CallRecord;
import org.opentelephony.sip.cdr.CallRecordRepository;

/** Call records in the {@code call_records} table, written through the write-behind writer. */
public final class JdbcCallRecordRepository implements CallRecordRepository {
  private static final String COLUMNS = "call_id, sip_call_id, caller, callee, audio, video,"
      + " started_at, answered_at, ended_at, duration_ms, end_reason, sip_status, media_stats,"
      + " client_ref";

  private final Database db;
  private final WriteBehindWriter writer;

  public JdbcCallRecordRepository(Database db, WriteBehindWriter writer) {
    this.db = db;
    this.writer = writer;
  }

  @Override
  public void save(CallRecord r) {
    writer.submit(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO call_records (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, r.callId());
        ps.setString(2, r.sipCallId());
        ps.setString(3, r.caller());
        ps.setString(4, r.callee());
        ps.setBoolean(5, r.audio());
        ps.setBoolean(6, r.video());
        ps.setLong(7, r.startedAt());
        if (r.answeredAt() == null) {
          ps.setNull(8, Types.BIGINT);
        } else {
          ps.setLong(8, r.answeredAt());
        }
        ps.setLong(9, r.endedAt());
        ps.setLong(10, r.durationMs());
        ps.setString(11, r.endReason());
        ps.setInt(12, r.sipStatus());
        ps.setString(13, r.mediaStats());
        ps.setString(14, r.clientRef());
        ps.executeUpdate();
      }
    });
  }

  @Override
  public List<CallRecord> recent(String user, int limit) {
    String sql = "SELECT " + COLUMNS + " FROM call_records"
        + (user == null ? "" : " WHERE caller = ? OR callee = ?")
        + " ORDER BY started_at DESC LIMIT ?";
    Connection c = db.connection();
    synchronized (c) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (user != null) {
          ps.setString(i++, user);
          ps.setString(i++, user);
        }
        ps.setInt(i, limit);
        List<CallRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long answered = rs.getLong(8);
            Long answeredAt = rs.wasNull() ? null : answered;
            out.add(new CallRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getBoolean(5), rs.getBoolean(6), rs.getLong(7), answeredAt,
                rs.getLong(9), rs.getLong(10), rs.getString(11), rs.getInt(12),
                rs.getString(13), rs.getString(14)));
          }
        }
        c.commit();
        return out;
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read call records", e);
      }
    }
  }
}
