package org.opentelephony.media.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsTimeoutException;

/**
 * BouncyCastle's datagram transport for one session: records the leg's receive thread hands in
 * wait in a bounded queue for the handshake thread; sends go straight to the leg's sender.
 * Also enforces the handshake deadline (BouncyCastle's own is left off): every wait of the
 * handshake passes through here, so a silent peer fails in time even before a first message.
 */
final class QueueTransport implements DatagramTransport {
  /** Records on the wire stay below common path MTUs (RFC 8261 uses 1200 for the same reason). */
  static final int SEND_LIMIT = 1200;
  /** Largest datagram accepted from the peer. */
  static final int RECEIVE_LIMIT = 1500;
  static final int QUEUE_CAPACITY = 64;

  private static final byte[] CLOSE = new byte[0];

  private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final PacketSender sender;
  private final Handshake hs;
  final LongAdder queued = new LongAdder();
  final LongAdder droppedFull = new LongAdder();
  private volatile long deadlineNanos;
  private volatile boolean deadlineArmed;
  private volatile boolean closing;

  QueueTransport(PacketSender sender, Handshake hs) {
    this.sender = sender;
    this.hs = hs;
  }

  void armDeadline(long timeoutMillis) {
    deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    deadlineArmed = true;
  }

  void disarmDeadline() {
    deadlineArmed = false;
  }

  /** Copies a datagram in; false (and counted) when the handshake thread is that far behind. */
  boolean offer(byte[] buf, int off, int len) {
    byte[] copy = new byte[len];
    System.arraycopy(buf, off, copy, 0, len);
    if (queue.offer(copy)) {
      queued.increment();
      return true;
    }
    droppedFull.increment();
    return false;
  }

  /** Wakes the handshake thread with an {@link InterruptedIOException}: the session closes. */
  void wakeForClose() {
    closing = true;
    queue.clear();
    queue.offer(CLOSE);
  }

  @Override
  public int getReceiveLimit() {
    return RECEIVE_LIMIT;
  }

  @Override
  public int getSendLimit() {
    return SEND_LIMIT;
  }

  @Override
  public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
    if (closing) {
      throw new InterruptedIOException("closed");
    }
    long wait = waitMillis;
    if (deadlineArmed) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      if (left <= 0) {
        // Recorded before BouncyCastle turns the exception into an internal_error alert.
        hs.fail(Handshake.REASON_TIMEOUT + " after " + hs.timeoutMillis + " ms");
        throw new TlsTimeoutException("handshake deadline passed");
      }
      wait = Math.min(wait, left);
    }
    byte[] p;
    try {
      p = queue.poll(wait, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    if (p == CLOSE) {
      throw new InterruptedIOException("closed");
    }
    if (p == null) {
      return -1;
    }
    // A datagram longer than asked for cannot be a valid record of this size: hand over what
    // fits and let the record layer reject it.
    int n = Math.min(len, p.length);
    System.arraycopy(p, 0, buf, off, n);
    return n;
  }

  @Override
  public void send(byte[] buf, int off, int len) throws IOException {
    sender.send(buf, off, len);
  }

  @Override
  public void close() {
    // The leg owns the socket; nothing to release here.
  }
}
