package org.opentelephony.media.ice;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.util.Buffer;

/**
 * ICE for one browser leg: full ICE (RFC 8445), one component carrying everything (rtcp-mux,
 * bundle), candidates on the service's shared port. Controlling when the server made the offer,
 * controlled when it answers the browser's offer.
 *
 * <p>Threads: API calls may come from any thread. ice4j's events are moved onto the service's
 * event thread, where this leg's state changes and the {@link StateListener} runs (it must not
 * block). Datagrams are handed by ice4j's shared-port thread to this leg's own reader thread,
 * which calls the {@link PacketHandler}.
 */
public final class IceTransport implements AgentSession.Events, AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(IceTransport.class);

  /** Receives every non-STUN datagram from the selected remote, on the leg's reader thread. */
  public interface PacketHandler {
    /** The array is reused after return: copy what must be kept. */
    void onPacket(byte[] buf, int off, int len);
  }

  /** Told of every state change, in order, on the service's event thread. */
  public interface StateListener {
    void onState(IceState from, IceState to);
  }

  private final IceService svc;
  private final String logName;
  private final boolean controlling;
  private final StateListener listener;
  private final PacketReader reader;
  private volatile IceState state = IceState.NEW;
  private volatile AgentSession session;
  private volatile long lastConsent;
  private boolean startRequested;
  private boolean endOfCandidates;

  /**
   * Creates the leg's Agent and gathers its candidates (instant on the shared port).
   *
   * @param logName     names the leg in logs and its reader thread (e.g. the call and leg id)
   * @param controlling true when the server made the offer
   */
  public IceTransport(IceService svc, String logName, boolean controlling, PacketHandler handler,
      StateListener listener) throws IOException {
    this.svc = Objects.requireNonNull(svc, "svc");
    this.logName = Objects.requireNonNull(logName, "logName");
    this.controlling = controlling;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.reader = new PacketReader(logName, Objects.requireNonNull(handler, "handler"),
        svc.counters());
    try {
      this.session = new AgentSession(svc, controlling, this::onBuffer, this);
    } catch (IOException | RuntimeException e) {
      reader.stop();
      throw e;
    }
    svc.register(this);
    LOG.debug("{}: ICE {} ufrag {}", logName, controlling ? "controlling" : "controlled",
        session.localUfrag());
  }

  public String localUfrag() {
    return session.localUfrag();
  }

  public String localPassword() {
    return session.localPassword();
  }

  /** Candidate attribute values, best first; the caller writes {@code "a=" + value}. */
  public List<String> localCandidates() {
    return session.localCandidates();
  }

  /** The peer's credentials and candidates (unusable candidates are counted and skipped). */
  public synchronized void setRemote(String ufrag, String pwd, List<String> candidateValues) {
    checkOpen();
    session.setRemoteCredentials(Objects.requireNonNull(ufrag, "ufrag"),
        Objects.requireNonNull(pwd, "pwd"));
    for (String c : candidateValues) {
      addRemoteCandidate(c);
    }
  }

  /** A trickled candidate, before or after {@link #start()}. Unusable ones are counted. */
  public synchronized void addRemoteCandidate(String candidateValue) {
    checkOpen();
    SdpCandidate c;
    try {
      c = SdpCandidate.parseUsable(candidateValue);
    } catch (SdpCandidate.RejectedException e) {
      svc.counters().candidatesRejected.increment();
      LOG.debug("{}: remote candidate ignored ({}): {}", logName, e.reason, e.getMessage());
      return;
    }
    session.addRemote(c);
    maybeStartChecks();
  }

  /** The peer will trickle no more candidates. */
  public synchronized void endOfRemoteCandidates() {
    checkOpen();
    endOfCandidates = true;
    if (state == IceState.CONNECTED) {
      moveTo(IceState.COMPLETED);
    }
    maybeStartChecks();
  }

  /**
   * Starts connectivity checks. They begin once the remote credentials and a first remote
   * candidate (or the end of candidates) are known: ice4j would fail an empty check list.
   */
  public synchronized void start() {
    checkOpen();
    if (!session.remoteKnown) {
      throw new IllegalStateException(logName + ": start() before setRemote()");
    }
    startRequested = true;
    moveTo(IceState.CHECKING);
    maybeStartChecks();
  }

  private void maybeStartChecks() {
    AgentSession s = session;
    if (startRequested && !s.started && s.remoteKnown
        && (s.remoteCandidateCount() > 0 || endOfCandidates)) {
      s.start();
    }
  }

  /**
   * ICE restart on a re-offer: a new Agent with new local credentials (read them again for the
   * answer), then checks against the peer's new credentials. With a null {@code ufrag} only the
   * local side restarts (the server re-offers); call {@link #setRemote} and {@link #start()}
   * when the answer comes.
   *
   * <p>Break before make: the old Agent is freed first. ice4j's shared port routes datagrams by
   * remote address before ufrag, so while the old Agent lives, the browser's new checks from its
   * unchanged address would reach the old Agent and be refused. Media pauses for the checks.
   */
  public synchronized void restart(String ufrag, String pwd, List<String> candidateValues)
      throws IOException {
    checkOpen();
    AgentSession old = session;
    old.free();
    svc.counters().restarts.increment();
    session = new AgentSession(svc, controlling, this::onBuffer, this);
    startRequested = false;
    endOfCandidates = false;
    LOG.debug("{}: ICE restart, ufrag {} -> {}", logName, old.localUfrag(), session.localUfrag());
    if (state != IceState.NEW) {
      moveTo(IceState.CHECKING);
    }
    if (ufrag != null) {
      setRemote(ufrag, pwd, candidateValues);
      start();
    }
  }

  /**
   * Sends one datagram to the selected pair's remote. Before a pair is selected, during a
   * restart's checks or after consent expired the datagram is dropped and counted.
   */
  public void send(byte[] buf, int off, int len) throws IOException {
    AgentSession s = session;
    if (!state.isConnected() || s.selectedRemote == null) {
      svc.counters().sendNoPair.increment();
      return;
    }
    try {
      s.send(buf, off, len);
      svc.counters().packetsSent.increment();
    } catch (IOException e) {
      svc.counters().sendErrors.increment();
      throw e;
    }
  }

  public IceState state() {
    return state;
  }

  /** E.g. "127.0.0.1:10000 <-> 127.0.0.1:54321 host/host", or null before selection. */
  public String selectedPair() {
    return state == IceState.CLOSED ? null : session.selectedPair();
  }

  /** Frees the Agent and stops the reader thread; idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (state == IceState.CLOSED) {
        return;
      }
      moveTo(IceState.CLOSED);
      session.free();
    }
    reader.stop();
    svc.unregister(this);
  }

  // ---- ice4j side --------------------------------------------------------------------------

  /** ice4j's shared-port thread, for each non-STUN datagram from a known remote address. */
  private void onBuffer(Buffer b) {
    AgentSession s = session;
    SocketAddress from = b.getRemoteAddress();
    boolean accepted = s.selectedRemote != null ? s.selectedRemote.equals(from)
        // between a pair passing its check and ice4j selecting it (DTLS may already arrive)
        : from != null && s.validated.contains(from);
    if (!accepted || state == IceState.CLOSED) {
      svc.counters().receivedFromStranger.increment();
      Ice4jSetup.giveBack(b);
      return;
    }
    reader.offer(b);
  }

  @Override
  public void agentState(AgentSession s, IceProcessingState to) {
    svc.post(() -> onAgentState(s, to));
  }

  @Override
  public void consent(AgentSession s, long millis) {
    svc.post(() -> onConsent(s, millis));
  }

  private synchronized void onAgentState(AgentSession s, IceProcessingState to) {
    if (s != session || state == IceState.CLOSED) {
      return; // a generation already replaced by a restart
    }
    switch (to) {
      case COMPLETED -> {
        String pair = s.select();
        if (pair != null) {
          lastConsent = System.currentTimeMillis();
          svc.counters().connected.increment();
          LOG.debug("{}: selected {}", logName, pair);
          moveTo(endOfCandidates ? IceState.COMPLETED : IceState.CONNECTED);
        }
      }
      case FAILED -> fail();
      case TERMINATED -> {
        if (s.selectedRemote == null) {
          fail(); // freed or ended while still checking
        }
      }
      default -> { }
    }
  }

  private void fail() {
    if (state != IceState.FAILED) {
      svc.counters().failed.increment();
      moveTo(IceState.FAILED);
    }
  }

  private synchronized void onConsent(AgentSession s, long millis) {
    if (s != session) {
      return;
    }
    lastConsent = Math.max(lastConsent, millis);
    if (state == IceState.DISCONNECTED) {
      moveTo(endOfCandidates ? IceState.COMPLETED : IceState.CONNECTED);
    }
  }

  /** On the event thread, every second: RFC 7675 consent expiry stops sending. */
  synchronized void checkConsent(long now, long timeoutMillis) {
    if (state.isConnected() && svc.config().consentFreshness()
        && now - lastConsent > timeoutMillis) {
      svc.counters().consentExpired.increment();
      moveTo(IceState.DISCONNECTED);
    }
  }

  /** The one place state changes: checks legality, logs, queues the listener call in order. */
  private synchronized boolean moveTo(IceState to) {
    IceState from = state;
    if (from == to) {
      return false;
    }
    if (!from.canMoveTo(to)) {
      LOG.debug("{}: ICE {} -> {} not allowed, ignored", logName, from, to);
      return false;
    }
    state = to;
    LOG.debug("{}: ICE {} -> {}", logName, from, to);
    svc.post(() -> {
      try {
        listener.onState(from, to);
      } catch (RuntimeException e) {
        LOG.warn("{}: state listener failed", logName, e);
      }
    });
    return true;
  }

  private void checkOpen() {
    if (state == IceState.CLOSED) {
      throw new IllegalStateException(logName + ": closed");
    }
  }

  @Override
  public String toString() {
    return "IceTransport[" + logName + " " + state + "]";
  }
}
