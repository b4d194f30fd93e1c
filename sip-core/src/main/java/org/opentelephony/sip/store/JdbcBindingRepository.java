package org.opentelephony.sip.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.opentelephony.sip.registrar.Binding;
import org.opentelephony.sip.registrar.BindingRepository;

/** Bindings in the {@code registrations} table, written through the write-behind writer. */
public final class JdbcBindingRepository implements BindingRepository {
  private static final String DELETE =
      "DELETE FROM registrations WHERE username = ? AND contact_uri = ?";
  private static final String INSERT = "INSERT INTO registrations (username, contact_uri,"
      + " received, transport, call_id, cseq, expires_at, user_agent)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  private final Database db;
  private final WriteBehindWriter writer;

  public JdbcBindingRepository(Database db, WriteBehindWriter writer) {
    this.db = db;
    this.writer = writer;
  }

  @Override
  public List<Binding> loadAll() {
    Connection c = db.connection();
    synchronized (c) {
      List<Binding> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT username, contact_uri, received,"
              + " transport, call_id, cseq, expires_at, user_agent FROM registrations");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Binding(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getString(8)));
        }
        c.commit();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot load registrations", e);
      }
      return out;
    }
  }

  @Override
  public void upsert(Binding b) {
    writer.submit(c -> {
      delete(c, b.user(), b.contactUri());
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        ps.setString(1, b.user());
        ps.setString(2, b.contactUri());
        ps.setString(3, b.received());
        ps.setString(4, b.transport());
        ps.setString(5, b.callId());
        ps.setLong(6, b.cseq());
        ps.setLong(7, b.expiresAt());
        ps.setString(8, b.userAgent());
        ps.executeUpdate();
      }
    });
  }

  @Override
  public void delete(String user, String contactUri) {
    writer.submit(c -> delete(c, user, contactUri));
  }

  private static void delete(Connection c, String user, String contactUri) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DELETE)) {
      ps.setString(1, user);
      ps.setString(2, contactUri);
      ps.executeUpdate();
    }
  }
}
