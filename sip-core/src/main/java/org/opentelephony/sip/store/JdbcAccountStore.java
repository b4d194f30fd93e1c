package org.opentelephony.sip.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.opentelephony.sip.auth.Account;
import org.opentelephony.sip.auth.AccountStore;

/**
 * Accounts in the database, all held in memory for lookups: accounts change rarely and are read
 * on every REGISTER and INVITE.
 */
public final class JdbcAccountStore implements AccountStore {
  private final Database db;
  private final Map<String, Account> cache = new ConcurrentHashMap<>();

  public JdbcAccountStore(Database db) throws SQLException {
    this.db = db;
    Connection c = db.connection();
    synchronized (c) {
      try (PreparedStatement ps = c.prepareStatement(
              "SELECT username, ha1_md5, ha1_sha256, video_allowed FROM accounts");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Account a = new Account(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getBoolean(4));
          cache.put(a.user(), a);
        }
      }
      c.commit();
    }
  }

  @Override
  public Optional<Account> find(String user) {
    return Optional.ofNullable(cache.get(user));
  }

  @Override
  public void save(Account a) {
    Connection c = db.connection();
    synchronized (c) {
      try {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM accounts WHERE username = ?")) {
          del.setString(1, a.user());
          del.executeUpdate();
        }
        try (PreparedStatement ins = c.prepareStatement(
            "INSERT INTO accounts (username, ha1_md5, ha1_sha256, video_allowed, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
          ins.setString(1, a.user());
          ins.setString(2, a.ha1Md5());
          ins.setString(3, a.ha1Sha256());
          ins.setBoolean(4, a.videoAllowed());
          ins.setLong(5, System.currentTimeMillis());
          ins.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the original failure is what matters
        }
        throw new IllegalStateException("cannot save account " + a.user(), e);
      }
    }
    cache.put(a.user(), a);
  }
}
