package org.opentelephony.sip.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Applies database writes on one background thread, many per transaction, so that a REGISTER or
 * a call end never waits for the disk. {@link #close()} drains the queue: everything that was
 * acknowledged before a clean shutdown is on disk afterwards.
 */
public final class WriteBehindWriter implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(WriteBehindWriter.class);

  /** One unit of work against the connection; runs inside the writer's transaction. */
  @FunctionalInterface
  public interface Write {
    void apply(Connection c) throws SQLException;
  }

  private static final Write STOP = c -> { };

  private final Database db;
  private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
  private final Duration flushInterval;
  private final int maxBatch;
  private final Thread thread;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean closed;

  public WriteBehindWriter(Database db, Duration flushInterval, int maxBatch) {
    this.db = db;
    this.flushInterval = flushInterval;
    this.maxBatch = maxBatch;
    this.thread = new Thread(this::run, "db-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues a write; it is applied within the flush interval. */
  public void submit(Write w) {
    if (closed) {
      throw new IllegalStateException("writer closed");
    }
    queue.add(w);
  }

  public long written() {
    return written.get();
  }

  public long failed() {
    return failed.get();
  }

  public int pending() {
    return queue.size();
  }

  private void run() {
    List<Write> batch = new ArrayList<>(maxBatch);
    boolean stop = false;
    while (!stop) {
      try {
        Write first = queue.poll(flushInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        if (batch.remove(STOP)) {
          stop = true;
          queue.drainTo(batch); // closed: nothing new arrives, take the rest
        }
        apply(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void apply(List<Write> batch) {
    if (batch.isEmpty()) {
      return;
    }
    Connection c = db.connection();
    synchronized (c) {
      try {
        for (Write w : batch) {
          w.apply(c);
        }
        c.commit();
        written.addAndGet(batch.size());
      } catch (SQLException e) {
        rollback(c);
        applyOneByOne(c, batch, e);
      }
    }
  }

  /** A failed batch is retried write by write so that one bad row does not lose the others. */
  private void applyOneByOne(Connection c, List<Write> batch, SQLException cause) {
    LOG.warn("batch of {} writes failed ({}); retrying one by one", batch.size(), cause.toString());
    for (Write w : batch) {
      try {
        w.apply(c);
        c.commit();
        written.incrementAndGet();
      } catch (SQLException e) {
        rollback(c);
        failed.incrementAndGet();
        LOG.error("database write lost: {}", e.toString());
      }
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.error("rollback failed", e);
    }
  }

  /** Applies everything queued so far, then stops the writer thread. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.error("database writer did not finish within 30 s; {} writes pending", queue.size());
    }
  }
}
