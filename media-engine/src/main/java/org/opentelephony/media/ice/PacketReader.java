package org.opentelephony.media.ice;

import java.util.concurrent.ArrayBlockingQueue;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.ice4j.util.Buffer;

/**
 * The leg's own reader thread: takes the datagrams ice4j's shared-port thread pushed, calls the
 * packet handler, and gives each buffer back to the pool. The queue decouples the one harvester
 * thread serving every leg from a slow consumer: when full, the newest datagram is dropped.
 */
final class PacketReader implements Runnable {
  private static final Logger LOG = LogManager.getLogger(PacketReader.class);
  private static final int QUEUE = 256;

  private final String logName;
  private final IceTransport.PacketHandler handler;
  private final IceCounters counters;
  private final ArrayBlockingQueue<Buffer> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread thread;
  private volatile boolean stopped;
  private boolean handlerFailureLogged;

  PacketReader(String logName, IceTransport.PacketHandler handler, IceCounters counters) {
    this.logName = logName;
    this.handler = handler;
    this.counters = counters;
    thread = new Thread(this, "ice-rx-" + logName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Called on ice4j's harvester thread; never blocks. */
  void offer(Buffer b) {
    if (stopped || !queue.offer(b)) {
      counters.receiveQueueFull.increment();
      Ice4jSetup.giveBack(b);
    }
  }

  @Override
  public void run() {
    while (!stopped) {
      Buffer b;
      try {
        b = queue.take();
      } catch (InterruptedException e) {
        break;
      }
      try {
        handler.onPacket(b.getBuffer(), b.getOffset(), b.getLength());
        counters.packetsReceived.increment();
      } catch (RuntimeException e) {
        if (!handlerFailureLogged) { // once per leg: the handler is the caller's bug
          handlerFailureLogged = true;
          LOG.warn("{}: packet handler failed", logName, e);
        }
      } finally {
        Ice4jSetup.giveBack(b);
      }
    }
    Buffer b;
    while ((b = queue.poll()) != null) {
      Ice4jSetup.giveBack(b);
    }
  }

  boolean isReaderThread() {
    return Thread.currentThread() == thread;
  }

  /** Stops the thread and waits for it, unless called from the handler itself. */
  void stop() {
    stopped = true;
    thread.interrupt();
    if (!isReaderThread()) {
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
