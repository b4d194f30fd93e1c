package org.opentelephony.sip.util;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. Each call owns one, so a
 * call's state is only ever touched by one thread at a time without locks in the call logic.
 */
public final class SerialExecutor implements Executor {
  private static final Logger LOG = LogManager.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final String contextKey;
  private final String contextValue;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  public SerialExecutor(Executor pool) {
    this(pool, null, null);
  }

  /**
   * Tasks run with {@code contextKey=contextValue} in the logging context (for example the call
   * id), so every log line they write says which call it belongs to.
   */
  public SerialExecutor(Executor pool, String contextKey, String contextValue) {
    this.pool = pool;
    this.contextKey = contextKey;
    this.contextValue = contextValue;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      if (contextKey != null) {
        ThreadContext.put(contextKey, contextValue);
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        LOG.error("task failed", e);
      } finally {
        if (contextKey != null) {
          ThreadContext.remove(contextKey);
        }
      }
    }
  }
}
