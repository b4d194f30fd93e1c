package org.opentelephony.media.bench;

import java.io.IOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opentelephony.media.MediaConfig;
import org.opentelephony.media.relay.MediaEngine;
import org.opentelephony.media.relay.MediaSession;
import org.opentelephony.media.sdp.SdpParseException;

/**
 * Drives the media relay for bench/rtp-relay/run.sh: starts a {@link MediaEngine}, sets up
 * sessions by offer/answer whose caller and callee SDPs point at the generator's (rtpgen's)
 * ports, writes the stream mapping rtpgen reads, then relays until stdin reaches end-of-file,
 * SIGTERM or {@code --max-seconds}, and prints the engine's metrics. Each line read from stdin
 * prints a {@code MARK} line (forwarded packets, bytes allocated by the relay thread, GC count).
 *
 * <pre>
 * RelayBenchServer --sessions N [--two-way] [--threads 1] [--relay-ports 10000-14999]
 *     [--gen-port 15000] [--gen-sockets per-stream|shared] --map FILE [--max-seconds 900]
 *     [--report-seconds 10]
 * </pre>
 *
 * <p>Mapping lines are "GEN_SEND_PORT RELAY_PORT GEN_RECV_PORT". One-way: per session one line,
 * the caller (gen port A) sending to the relay's caller-leg port, the relay forwarding out of
 * its callee-leg port to the callee (gen port B). Two-way (a G.711 call): also "B RELAY_CALLEE A".
 * With {@code per-stream} every session has its own A and B (A = base + 2i, B = A + 1), as
 * phones do; with {@code shared} all sessions use A = base and B = base + 1.
 *
 * <p>Prints lines run.sh parses: {@code PID n}, {@code HEAP phase=.. live_kib=..},
 * {@code RELAY_ALLOC bytes=..} (bytes allocated by the relay threads, from the JVM's per-thread
 * counter), {@code MARK ..}, {@code STATUS ..} (every {@code --report-seconds}),
 * {@code METRIC name value}, and {@code READY} once the mapping file is written.
 */
public final class RelayBenchServer {
  private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n";

  private RelayBenchServer() {
  }

  /** Command line options, validated before anything is bound. */
  record Options(int sessions, boolean twoWay, int threads, int relayPortMin, int relayPortMax,
      int genPort, boolean sharedGenSockets, Path map, Duration maxRun, Duration report) {

    static Options parse(String[] args) {
      int sessions = 1000;
      boolean twoWay = false;
      int threads = 1;
      int relayMin = 10000;
      int relayMax = 14999;
      int genPort = 15000;
      boolean shared = false;
      Path map = null;
      long maxSeconds = 900;
      long reportSeconds = 10;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--two-way" -> twoWay = true;
          case "--sessions" -> sessions = Integer.parseInt(value(args, ++i, a));
          case "--threads" -> threads = Integer.parseInt(value(args, ++i, a));
          case "--relay-ports" -> {
            String[] r = value(args, ++i, a).split("-");
            if (r.length != 2) {
              throw new IllegalArgumentException("--relay-ports MIN-MAX");
            }
            relayMin = Integer.parseInt(r[0]);
            relayMax = Integer.parseInt(r[1]);
          }
          case "--gen-port" -> genPort = Integer.parseInt(value(args, ++i, a));
          case "--gen-sockets" -> {
            String v = value(args, ++i, a);
            if (!v.equals("shared") && !v.equals("per-stream")) {
              throw new IllegalArgumentException("--gen-sockets per-stream|shared");
            }
            shared = v.equals("shared");
          }
          case "--map" -> map = Path.of(value(args, ++i, a));
          case "--max-seconds" -> maxSeconds = Long.parseLong(value(args, ++i, a));
          case "--report-seconds" -> reportSeconds = Long.parseLong(value(args, ++i, a));
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (map == null) {
        throw new IllegalArgumentException("--map FILE is required");
      }
      if (sessions < 1 || threads < 1 || maxSeconds < 1 || reportSeconds < 0) {
        throw new IllegalArgumentException("sessions, threads and max-seconds must be positive");
      }
      // each session takes two RTP/RTCP pairs of the relay range
      if ((relayMax - relayMin + 1) / 4 < sessions) {
        throw new IllegalArgumentException("relay range " + relayMin + "-" + relayMax
            + " too small for " + sessions + " sessions (4 ports each)");
      }
      int genTop = genPort + (shared ? 1 : 2 * sessions - 1);
      if (genPort < 1024 || genTop > 65535 || (genTop >= relayMin && genPort <= relayMax)) {
        throw new IllegalArgumentException("generator ports " + genPort + "-" + genTop
            + " must lie in 1024-65535, outside the relay range");
      }
      return new Options(sessions, twoWay, threads, relayMin, relayMax, genPort, shared, map,
          Duration.ofSeconds(maxSeconds), Duration.ofSeconds(reportSeconds));
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    int callerPort(int session) {
      return sharedGenSockets ? genPort : genPort + 2 * session;
    }

    int calleePort(int session) {
      return callerPort(session) + 1;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("RelayBenchServer: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println("PID " + ProcessHandle.current().pid());
    System.out.printf(Locale.ROOT, "JVM %s, %d CPU(s) visible, GC %s, max heap %d MiB%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), gcNames(),
        Runtime.getRuntime().maxMemory() >> 20);
    heap("start");

    MediaConfig config = new MediaConfig("127.0.0.1", "127.0.0.1", o.relayPortMin(),
        o.relayPortMax(), o.threads(), o.maxRun().plusMinutes(10));
    try (MediaEngine engine = MediaEngine.start(config, System::currentTimeMillis)) {
      List<MediaSession> sessions = new ArrayList<>(o.sessions());
      List<String> mapping = new ArrayList<>();
      for (int i = 0; i < o.sessions(); i++) {
        MediaSession s = engine.createSession("bench-" + i);
        sessions.add(s);
        int a = o.callerPort(i);
        int b = o.calleePort(i);
        String toCallee = s.offer(MediaSession.Side.CALLER, String.format(Locale.ROOT, SDP, a));
        String toCaller = s.answer(MediaSession.Side.CALLEE, String.format(Locale.ROOT, SDP, b));
        int relayCaller = mediaPort(toCaller);
        int relayCallee = mediaPort(toCallee);
        mapping.add(a + " " + relayCaller + " " + b);
        if (o.twoWay()) {
          mapping.add(b + " " + relayCallee + " " + a);
        }
      }
      writeMap(o.map(), o, mapping);
      heap("sessions_up");
      long relayAllocStart = relayThreadAllocatedBytes();

      ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-report");
        t.setDaemon(true);
        return t;
      });
      if (!o.report().isZero()) {
        long start = System.nanoTime();
        reporter.scheduleAtFixedRate(() -> report(engine, start), o.report().toSeconds(),
            o.report().toSeconds(), TimeUnit.SECONDS);
      }
      System.out.println("READY sessions=" + o.sessions() + " streams=" + mapping.size());
      System.out.flush();

      CountDownLatch stop = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(1);
      // SIGTERM/SIGINT: stop as on end-of-file, and let main print its report before the exit
      Thread hook = new Thread(() -> {
        stop.countDown();
        try {
          done.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "bench-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      watchStdin(engine, stop);
      boolean stopped = stop.await(o.maxRun().toMillis(), TimeUnit.MILLISECONDS);
      System.out.println(stopped ? "stopping" : "stopping: --max-seconds reached");
      reporter.shutdownNow();
      long relayAlloc = relayThreadAllocatedBytes() - relayAllocStart;
      long forwarded = engine.metrics().getOrDefault("media_packets_forwarded", 0L);
      System.out.printf(Locale.ROOT, "RELAY_ALLOC bytes=%d forwarded=%d bytes_per_packet=%.3f%n",
          relayAlloc, forwarded, forwarded > 0 ? (double) relayAlloc / forwarded : 0.0);
      heap("after_traffic");
      for (Map.Entry<String, Long> m : engine.metrics().entrySet()) {
        System.out.println("METRIC " + m.getKey() + " " + m.getValue());
      }
      for (MediaSession s : sessions) {
        s.close();
      }
      heap("sessions_closed");
      System.out.flush();
      done.countDown();
    }
  }

  /** The port of the first m= line of an SDP body this engine wrote. */
  static int mediaPort(String sdp) throws SdpParseException {
    for (String line : sdp.split("\r\n")) {
      if (line.startsWith("m=")) {
        String[] f = line.split(" ");
        return Integer.parseInt(f[1]);
      }
    }
    throw new SdpParseException("no m= line in " + sdp);
  }

  private static void writeMap(Path file, Options o, List<String> lines) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII))) {
      w.printf(Locale.ROOT, "# RelayBenchServer: %d sessions, %s, generator sockets %s%n",
          o.sessions(), o.twoWay() ? "two-way" : "one-way",
          o.sharedGenSockets() ? "shared" : "per stream");
      w.println("# GEN_SEND_PORT RELAY_PORT GEN_RECV_PORT");
      for (String l : lines) {
        w.println(l);
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads stdin: each line is a mark ({@link #mark}); the end of the input (run.sh closes it),
   * or an error reading it, counts {@code stop} down.
   */
  private static void watchStdin(MediaEngine engine, CountDownLatch stop) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
        String line;
        while ((line = in.readLine()) != null) {
          mark(engine, line.strip());
        }
      } catch (IOException e) {
        // treated as the end of the input
      }
      stop.countDown();
    }, "bench-stdin");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Prints {@code MARK name forwarded=.. relay_alloc_bytes=.. gc_count=.. heap_used_kib=..}, so
   * that run.sh can tell what the relay thread allocated, and how often the heap was collected,
   * between two marks (without forcing a collection).
   */
  private static void mark(MediaEngine engine, String name) {
    long gcs = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs += Math.max(0, gc.getCollectionCount());
    }
    System.out.printf(Locale.ROOT, "MARK %s forwarded=%d relay_alloc_bytes=%d gc_count=%d "
        + "heap_used_kib=%d%n", name.isEmpty() ? "-" : name,
        engine.metrics().getOrDefault("media_packets_forwarded", 0L),
        relayThreadAllocatedBytes(), gcs,
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 10);
    System.out.flush();
  }

  private static void report(MediaEngine engine, long startNanos) {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long gcs = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    System.out.printf(Locale.ROOT,
        "STATUS t=%ds forwarded=%d heap_used_kib=%d gc_count=%d gc_ms=%d relay_alloc_bytes=%d%n",
        (System.nanoTime() - startNanos) / 1_000_000_000L,
        engine.metrics().getOrDefault("media_packets_forwarded", 0L),
        mem.getHeapMemoryUsage().getUsed() >> 10, gcs, gcMillis, relayThreadAllocatedBytes());
    System.out.flush();
  }

  /** Heap in use after full collections: the live set. */
  private static void heap(String phase) {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
    }
    System.out.printf(Locale.ROOT, "HEAP phase=%s live_kib=%d committed_kib=%d%n", phase,
        used >> 10, mem.getHeapMemoryUsage().getCommitted() >> 10);
    System.out.flush();
  }

  /** Bytes allocated so far by the engine's relay threads ("media-relay-N"). */
  private static long relayThreadAllocatedBytes() {
    if (!(ManagementFactory.getThreadMXBean()
        instanceof com.sun.management.ThreadMXBean threads)) {
      return -1;
    }
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("media-relay-")) {
        sum += threads.getThreadAllocatedBytes(t.getId());
      }
    }
    return sum;
  }

  private static String gcNames() {
    StringBuilder sb = new StringBuilder();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (sb.length() > 0) {
        sb.append('+');
      }
      sb.append(gc.getName());
    }
    return sb.toString();
  }
}
