package org.opentelephony.media.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsTimeoutException;
import org.opentelephony.media.rtp.PacketKind;
import org.opentelephony.media.srtp.SrtpKeys;

/**
 * DTLS-SRTP for one WebRTC leg (RFC 5764, RFC 8827): runs the DTLS 1.2 handshake on its own
 * daemon thread, checks the peer's certificate against the SDP fingerprint, and hands the SRTP
 * keys to the {@link Listener}. The leg's receive thread feeds DTLS records in with
 * {@link #onPacket}; our records leave through the {@link PacketSender}.
 *
 * <p>After the handshake the thread stays to answer retransmitted final flights and to notice the
 * peer's close_notify; {@link #close()} sends ours.
 */
public final class DtlsSession implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(DtlsSession.class);

  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** How long the connected loop waits for a record before looking at its flags again. */
  private static final int IDLE_WAIT_MILLIS = 1000;

  /** Lifecycle; FAILED and CLOSED are final. */
  public enum State {
    NEW,
    CONNECTING,
    CONNECTED,
    FAILED,
    CLOSED
  }

  /** Outcome callbacks, called once, on the session's thread (do not block it). */
  public interface Listener {
    void onConnected(SrtpKeys keys);

    void onFailed(String reason);
  }

  /** Datagram counters of this session. */
  public record Stats(long received, long droppedQueueFull, long droppedNotDtls) {
  }

  private final DtlsRole role;
  private final Listener listener;
  private final String logName;
  private final Handshake hs;
  private final QueueTransport transport;
  private final LongAdder notDtls = new LongAdder();

  private State state = State.NEW;
  private String failureReason;
  private volatile long startNanos;
  private volatile Duration handshakeDuration;

  /** A session with the {@link #DEFAULT_HANDSHAKE_TIMEOUT}. */
  public DtlsSession(DtlsCertificate local, DtlsRole role, String remoteFingerprint,
      PacketSender sender, Listener listener, String logName) {
    this(local, role, remoteFingerprint, sender, listener, logName, DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /**
   * @param remoteFingerprint the peer's SDP {@code a=fingerprint} value, "sha-256 AB:CD:..."
   * @param logName identifies the leg in log lines (call and leg id)
   * @param handshakeTimeout from {@link #start()} to CONNECTED, else FAILED
   */
  public DtlsSession(DtlsCertificate local, DtlsRole role, String remoteFingerprint,
      PacketSender sender, Listener listener, String logName, Duration handshakeTimeout) {
    Objects.requireNonNull(local, "local");
    this.role = Objects.requireNonNull(role, "role");
    Objects.requireNonNull(sender, "sender");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.logName = logName;
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be positive");
    }
    this.hs = new Handshake(local, role, remoteFingerprint,
        (int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis()));
    this.transport = new QueueTransport(sender, hs);
    // BouncyCastle answers close_notify itself, then keeps waiting for records: wake the loop.
    hs.onPeerClose(transport::wakeForClose);
  }

  /** Starts the handshake on a daemon thread; returns at once. */
  public void start() {
    startNanos = System.nanoTime();
    if (!transition(State.CONNECTING, null, null)) {
      throw new IllegalStateException("already started or closed: " + state());
    }
    transport.armDeadline(hs.timeoutMillis);
    Thread t = new Thread(this::run, "dtls-" + logName);
    t.setDaemon(true);
    t.start();
  }

  /**
   * A datagram from the peer, on the transport's receive thread: DTLS records (first byte 20-63)
   * are copied to the handshake queue, anything else is dropped. Never blocks.
   */
  public void onPacket(byte[] buf, int off, int len) {
    if (PacketKind.classify(buf, off, len) != PacketKind.DTLS
        || len > QueueTransport.RECEIVE_LIMIT) {
      notDtls.increment();
      return;
    }
    transport.offer(buf, off, len);
  }

  public synchronized State state() {
    return state;
  }

  /**
   * Why the session FAILED, null otherwise. Starts with one of: "handshake timeout",
   * "fingerprint mismatch", "alert received", "alert sent", "no common SRTP profile",
   * "handshake error" (anything else before CONNECTED), "dtls error" (anything else after).
   */
  public synchronized String failureReason() {
    return failureReason;
  }

  public DtlsRole role() {
    return role;
  }

  /** Time from {@link #start()} to CONNECTED; null until then. */
  public Duration handshakeDuration() {
    return handshakeDuration;
  }

  public Stats stats() {
    return new Stats(transport.queued.sum(), transport.droppedFull.sum(), notDtls.sum());
  }

  /** Sends close_notify if connected, stops the thread; CLOSED unless it had already FAILED. */
  @Override
  public void close() {
    if (transition(State.CLOSED, null, null)) {
      // The session thread owns the DTLS state: it sends close_notify when it wakes up.
      transport.wakeForClose();
    }
  }

  private void run() {
    DTLSTransport dtls = null;
    try {
      dtls = handshake();
      transport.disarmDeadline();
      handshakeDuration = Duration.ofNanos(System.nanoTime() - startNanos);
      if (transition(State.CONNECTED, null, hs.keys())) {
        serve(dtls);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof TlsTimeoutException) {
        hs.fail(Handshake.REASON_TIMEOUT + " after " + hs.timeoutMillis + " ms");
      }
      // After close() this is refused: the InterruptedIOException that woke us is no failure.
      transition(State.FAILED, reason(e), null);
    } finally {
      if (dtls != null) {
        closeQuietly(dtls);
      }
    }
  }

  private DTLSTransport handshake() throws IOException {
    if (role == DtlsRole.SERVER) {
      DTLSServerProtocol protocol = new DTLSServerProtocol();
      // ICE consent already proved the peer answers at this address: the cookie exchange would
      // only add a round trip.
      protocol.setVerifyRequests(false);
      return protocol.accept(new DtlsServer(hs), transport);
    }
    return new DTLSClientProtocol().connect(new DtlsClient(hs), transport);
  }

  /** Keeps the record layer running: retransmitted flights, alerts, close_notify. */
  private void serve(DTLSTransport dtls) throws IOException {
    byte[] buf = new byte[QueueTransport.RECEIVE_LIMIT];
    while (state() == State.CONNECTED) {
      try {
        dtls.receive(buf, 0, buf.length, IDLE_WAIT_MILLIS);
        // Application data (no data channels here) is ignored.
      } catch (InterruptedIOException e) {
        // close() (the finally block in run() sends close_notify) or the peer's close_notify
        if (hs.peerClosed()) {
          transition(State.CLOSED, "peer sent close_notify", null);
        }
        return;
      }
    }
  }

  private String reason(Exception e) {
    String recorded = hs.reason();
    if (recorded != null) {
      return recorded;
    }
    if (hs.peerClosed()) {
      return Handshake.REASON_ALERT_RECEIVED + ": close_notify(0) during the handshake";
    }
    return (handshakeDuration == null ? "handshake error: " : "dtls error: ")
        + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : " " + e.getMessage());
  }

  private static void closeQuietly(DTLSTransport dtls) {
    try {
      dtls.close();
    } catch (IOException | RuntimeException e) {
      // the peer may already be gone; nothing more to do
    }
  }

  /** Legal moves of the lifecycle; everything else is refused. */
  static boolean legal(State from, State to) {
    return switch (from) {
      case NEW -> to == State.CONNECTING || to == State.CLOSED;
      case CONNECTING -> to == State.CONNECTED || to == State.FAILED || to == State.CLOSED;
      case CONNECTED -> to == State.FAILED || to == State.CLOSED;
      case FAILED, CLOSED -> false;
    };
  }

  /**
   * The one place the state changes: checks legality, records the reason, logs, and tells the
   * listener (outside the lock). False when refused, e.g. a late failure after close().
   */
  private boolean transition(State to, String reason, SrtpKeys keys) {
    State from;
    synchronized (this) {
      from = state;
      if (!legal(from, to)) {
        LOG.debug("{}: DTLS {} -> {} refused{}", logName, from, to,
            reason == null ? "" : " (" + reason + ")");
        return false;
      }
      state = to;
      if (to == State.FAILED) {
        failureReason = reason;
      }
    }
    LOG.debug("{}: DTLS {} -> {}{}", logName, from, to, reason == null ? "" : " (" + reason + ")");
    try {
      if (to == State.CONNECTED) {
        LOG.info("{}: DTLS connected as {} with {} in {} ms", logName, role, keys.profile(),
            handshakeDuration.toMillis());
        listener.onConnected(keys);
      } else if (to == State.FAILED) {
        LOG.info("{}: DTLS failed: {}", logName, reason);
        listener.onFailed(reason);
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: DTLS listener threw on {}", logName, to, e);
    }
    return true;
  }
}
