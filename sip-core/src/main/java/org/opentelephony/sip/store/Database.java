package org.opentelephony.sip.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The embedded database (H2, file mode) holding accounts, registrations and call records.
 * The schema uses plain SQL that PostgreSQL runs too (no engine-specific upserts: updates are
 * delete + insert in one transaction), so the repositories can move to a shared PostgreSQL.
 */
public final class Database implements AutoCloseable {
  private static final List<String> SCHEMA = List.of(
      """
      CREATE TABLE IF NOT EXISTS accounts (
        username VARCHAR(64) PRIMARY KEY,
        ha1_md5 VARCHAR(32) NOT NULL,
        ha1_sha256 VARCHAR(64) NOT NULL,
        video_allowed BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL)""",
      """
      CREATE TABLE IF NOT EXISTS registrations (
        username VARCHAR(64) NOT NULL,
        contact_uri VARCHAR(1024) NOT NULL,
        received VARCHAR(128) NOT NULL,
        transport VARCHAR(8) NOT NULL,
        call_id VARCHAR(256) NOT NULL,
        cseq BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        user_agent VARCHAR(256),
        PRIMARY KEY (username, contact_uri))""",
      """
      CREATE TABLE IF NOT EXISTS call_records (
        call_id VARCHAR(64) PRIMARY KEY,
        sip_call_id VARCHAR(256) NOT NULL,
        caller VARCHAR(256) NOT NULL,
        callee VARCHAR(256) NOT NULL,
        audio BOOLEAN NOT NULL,
        video BOOLEAN NOT NULL,
        started_at BIGINT NOT NULL,
        answered_at BIGINT,
        ended_at BIGINT NOT NULL,
        duration_ms BIGINT NOT NULL,
        end_reason VARCHAR(32) NOT NULL,
        sip_status INT NOT NULL,
        media_stats VARCHAR(8000))""",
      "ALTER TABLE call_records ADD COLUMN IF NOT EXISTS media_stats VARCHAR(8000)",
      "ALTER TABLE call_records ADD COLUMN IF NOT EXISTS client_ref VARCHAR(64)",
      "CREATE INDEX IF NOT EXISTS call_records_started ON call_records (started_at)");

  private final Connection connection;

  private Database(Connection connection) {
    this.connection = connection;
  }

  /** Opens (creating if needed) the database under {@code dataDir}. */
  public static Database open(Path dataDir) throws SQLException {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create data dir " + dataDir, e);
    }
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("telephony")
        + ";DB_CLOSE_ON_EXIT=FALSE";
    Connection c = DriverManager.getConnection(url, "sa", "");
    try (Statement s = c.createStatement()) {
      for (String ddl : SCHEMA) {
        s.execute(ddl);
      }
    }
    c.setAutoCommit(false);
    c.commit();
    return new Database(c);
  }

  /**
   * The single connection. H2 serialises statements on one connection; all writes go through
   * one writer thread and reads are rare (start-up, HTTP queries), so one is enough.
   */
  public Connection connection() {
    return connection;
  }

  @Override
  public void close() throws SQLException {
    synchronized (connection) {
      connection.commit();
      try (Statement s = connection.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException ignored) {
        // already closed by SHUTDOWN
      }
    }
  }
}
