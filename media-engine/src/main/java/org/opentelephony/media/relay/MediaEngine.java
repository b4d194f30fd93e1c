package org.opentelephony.media.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.media.MediaConfig;
import org.opentelephony.media.dtls.DtlsCertificate;
import org.opentelephony.media.ice.IceService;

/**
 * The media relay: allocates ports, runs the relay threads, creates a {@link MediaSession} per
 * call and watches for calls whose media stopped. Knows nothing of SIP.
 */
public final class MediaEngine implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(MediaEngine.class);

  /** Milliseconds clock, injectable so that the inactivity timeout is testable. */
  public interface Clock {
    long millis();
  }

  private final MediaConfig config;
  private final PortAllocator ports;
  private final RelayLoop[] loops;
  private final Thread[] threads;
  private final RelayCounters counters = new RelayCounters();
  private final Map<String, MediaSession> sessions = new ConcurrentHashMap<>();
  private final Map<MediaSession, Integer> loopOf = new ConcurrentHashMap<>();
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final ScheduledExecutorService monitor;
  private final java.util.concurrent.ExecutorService transcoders;
  private final boolean transcoding;
  private final Clock clock;
  private final IceService ice;
  private final DtlsCertificate certificate;
  private volatile Consumer<MediaSession> inactivityListener = s -> { };

  private MediaEngine(MediaConfig config, Clock clock) throws IOException {
    this.config = config;
    this.clock = clock;
    this.ports = new PortAllocator(InetAddress.getByName(config.bindAddress()), config.portMin(),
        config.portMax());
    this.loops = new RelayLoop[config.threads()];
    this.threads = new Thread[config.threads()];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new RelayLoop(this, counters);
      threads[i] = new Thread(loops[i], "media-relay-" + i);
      threads[i].setDaemon(true);
      threads[i].start();
    }
    AtomicInteger n = new AtomicInteger();
    transcoders = Executors.newFixedThreadPool(Math.max(1,
        Runtime.getRuntime().availableProcessors()), r -> {
          Thread t = new Thread(r, "media-transcode-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    transcoding = org.opentelephony.media.codec.OpusLibrary.isAvailable();
    if (!transcoding) {
      LOG.warn("Opus unavailable ({}): calls whose legs share no codec will be refused",
          org.opentelephony.media.codec.OpusLibrary.unavailableReason());
    }
    if (config.ice() != null) {
      ice = new IceService(config.ice());
      certificate = DtlsCertificate.forProcess();
      // the crypto provider choice costs seconds once: not on the first call's media thread
      Thread warm = new Thread(org.opentelephony.media.srtp.SrtpSession::warmUp, "srtp-warm-up");
      warm.setDaemon(true);
      warm.start();
    } else {
      ice = null;
      certificate = null;
    }
    monitor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "media-monitor");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the relay threads and the inactivity monitor. */
  public static MediaEngine start(MediaConfig config, Clock clock) throws IOException {
    MediaEngine e = new MediaEngine(config, clock);
    e.monitor.scheduleWithFixedDelay(e::checkInactivity, 1, 1, TimeUnit.SECONDS);
    LOG.info("media relay on {} ports {}-{}, advertised {}, {} thread(s)", config.bindAddress(),
        config.portMin(), config.portMax(), config.advertisedAddress(), config.threads());
    return e;
  }

  public static MediaEngine start(MediaConfig config) throws IOException {
    return start(config, System::currentTimeMillis);
  }

  /** Called (on the monitor thread) once for each session whose media stopped. */
  public void onInactivity(Consumer<MediaSession> listener) {
    this.inactivityListener = listener;
  }

  public MediaSession createSession(String id) {
    MediaSession s = new MediaSession(id, this);
    sessions.put(id, s);
    return s;
  }

  public int activeSessions() {
    return sessions.size();
  }

  public Map<String, Long> metrics() {
    Map<String, Long> m = counters.snapshot();
    m.put("media_sessions_active", (long) sessions.size());
    if (ice != null) {
      m.putAll(ice.metrics()); // drops on the shared ICE port (unknown ufrag etc.), transports
    }
    return m;
  }

  /** Checks every session once; public so tests with an injected clock can drive it. */
  public void checkInactivity() {
    long now = clock.millis();
    long limit = config.inactivityTimeout().toMillis();
    for (MediaSession s : sessions.values()) {
      long last = s.lastActivity();
      if (last >= 0 && now - last >= limit && s.markTimeoutReported()) {
        LOG.info("session {}: no media for {} ms", s.id(), now - last);
        try {
          inactivityListener.accept(s);
        } catch (RuntimeException e) {
          LOG.error("inactivity listener failed", e);
        }
      }
    }
  }

  Clock clock() {
    return clock;
  }

  /** True when Opus <-> G.711 transcoding can be offered (the Opus JNI library loaded). */
  boolean transcodingAvailable() {
    return transcoding;
  }

  /** True when browser legs (ICE + DTLS-SRTP) can be offered and answered. */
  public boolean webrtcAvailable() {
    return ice != null;
  }

  IceService ice() {
    return ice;
  }

  /** The certificate every browser leg's DTLS presents (one per process, RFC 8827 6.5). */
  DtlsCertificate certificate() {
    return certificate;
  }

  java.util.concurrent.Executor transcodePool() {
    return transcoders;
  }

  RelayCounters counters() {
    return counters;
  }

  PortAllocator ports() {
    return ports;
  }

  String advertisedAddress() {
    return config.advertisedAddress();
  }

  void register(MediaSession session, Stream stream) {
    int i = loopOf.computeIfAbsent(session,
        s -> Math.floorMod(nextLoop.getAndIncrement(), loops.length));
    loops[i].register(stream);
  }

  void unregister(MediaSession session) {
    sessions.remove(session.id());
    loopOf.remove(session);
  }

  /** Closes every session and stops the threads. */
  @Override
  public void close() {
    monitor.shutdownNow();
    transcoders.shutdown();
    for (MediaSession s : List.copyOf(sessions.values())) {
      s.close();
    }
    for (RelayLoop l : loops) {
      l.stop();
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ice != null) {
      ice.close();
    }
  }
}
