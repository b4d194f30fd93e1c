package org.opentelephony.gateway.webrtc;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.opentelephony.media.dtls.DtlsCertificate;
import org.opentelephony.media.srtp.SrtpSession;

/**
 * Many synthetic browsers at once, for bench/webrtc-calls.sh: CALLS calls from users
 * {@code PREFIX1..PREFIXn} (password {@code pw-PREFIXi}) to TARGET, started at RAMP calls/s, each
 * sending 20 ms PCMU (50 packets/s) once DTLS is up; held HOLD s once all are set up, then hung up.
 * Prints {@code key value} lines; "phase all-up" and "phase hold-end" mark the measured window
 * (the script samples the server's CPU and heap between them). Every wait is bounded.
 *
 * <pre>java -cp ... org.opentelephony.gateway.webrtc.BrowserLoad WS_URL TARGET CALLS RAMP HOLD PREFIX</pre>
 */
public final class BrowserLoad {
  private BrowserLoad() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println("usage: BrowserLoad WS_URL TARGET CALLS RAMP HOLD USER_PREFIX LINGER");
      System.exit(2);
    }
    URI ws = URI.create(args[0]);
    String target = args[1];
    int calls = Integer.parseInt(args[2]);
    int ramp = Integer.parseInt(args[3]);
    int hold = Integer.parseInt(args[4]);
    String prefix = args[5];
    int linger = Integer.parseInt(args[6]);
    // as the server's Ice4jSetup: no cloud metadata probe, no dynamic host ports
    System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
    System.setProperty("org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER", "true");
    System.setProperty("ice4j.harvest.mapping.stun.enabled", "false");
    SrtpSession.warmUp();

    HttpClient http = HttpClient.newHttpClient();
    List<SyntheticBrowser> up = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    ExecutorService setup = Executors.newFixedThreadPool(16);
    ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor();
    ScheduledExecutorService audio = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "audio-sender");
      t.setDaemon(true);
      return t;
    });
    audio.scheduleAtFixedRate(() -> {
      for (SyntheticBrowser b : up) {
        b.sendAudio();
      }
    }, 20, 20, TimeUnit.MILLISECONDS);

    long t0 = System.nanoTime();
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < calls; i++) {
      String user = prefix + (i + 1);
      starter.schedule(() -> setup.execute(() -> {
        SyntheticBrowser b = null;
        try {
          b = SyntheticBrowser.connect(http, ws, user, "pw-" + user, DtlsCertificate.generate());
          b.call(target, 20_000);
          up.add(b);
        } catch (Throwable e) {
          String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          failures.computeIfAbsent(why.lines().findFirst().orElse("?").replaceAll(
              "^\\S+: ", ""), k -> new AtomicInteger()).incrementAndGet();
          if (b != null) {
            b.close();
          }
        } finally {
          done.incrementAndGet();
        }
      }), i * 1000L / ramp, TimeUnit.MILLISECONDS);
    }
    long rampDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(calls / ramp + 60);
    while (done.get() < calls && System.nanoTime() < rampDeadline) {
      Thread.sleep(100);
    }
    // media both ways: the first echoed packet back (bounded)
    long mediaDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < mediaDeadline && up.stream().anyMatch(b -> b.received.get() == 0)) {
      Thread.sleep(100);
    }
    long rampMs = (System.nanoTime() - t0) / 1_000_000;
    int withMedia = (int) up.stream().filter(b -> b.received.get() > 0).count();
    List<Long> setupMs = new ArrayList<>();
    for (SyntheticBrowser b : up) {
      if (b.setupMillis() >= 0) {
        setupMs.add(b.setupMillis());
      }
    }
    setupMs.sort(null);
    System.out.printf("phase all-up %d%n", up.size());
    System.out.flush();

    for (SyntheticBrowser b : up) {
      b.startWindow();
    }
    long cpu0 = cpuNanos();
    long w0 = System.nanoTime();
    Thread.sleep(hold * 1000L);
    long cpu1 = cpuNanos();
    long w1 = System.nanoTime();
    long[] sentInWindow = new long[up.size()];
    for (int i = 0; i < up.size(); i++) {
      sentInWindow[i] = up.get(i).endWindow();
    }
    System.out.println("phase hold-end");
    System.out.flush();
    Thread.sleep(500); // the last packets' echoes
    long sentSum = 0;
    long recvSum = 0;
    long minRecv = Long.MAX_VALUE;
    long authFail = 0;
    int silent = 0;
    int degraded = 0;
    for (int i = 0; i < up.size(); i++) {
      SyntheticBrowser b = up.get(i);
      long s = sentInWindow[i];
      long r = b.windowReceived();
      sentSum += s;
      recvSum += r;
      minRecv = Math.min(minRecv, r);
      authFail += b.receivedAuthFailures.get();
      if (r == 0) {
        silent++;
      } else if (r < s * 9 / 10) {
        degraded++; // lost over 10 %: e.g. the call ended early
      }
    }
    // calls stay up (and sending) while the script measures the heap
    Thread.sleep(linger * 1000L);
    audio.shutdownNow();
    audio.awaitTermination(2, TimeUnit.SECONDS);
    List<Thread> byes = new ArrayList<>();
    AtomicInteger byeOk = new AtomicInteger();
    for (SyntheticBrowser b : up) {
      Thread t = new Thread(() -> {
        if (b.hangup(10_000)) {
          byeOk.incrementAndGet();
        }
        b.close();
      });
      t.start();
      byes.add(t);
    }
    for (Thread t : byes) {
      t.join(15_000);
    }
    int n = up.size();
    Map<String, Integer> why = new TreeMap<>();
    failures.forEach((k, v) -> why.put(k, v.get()));
    System.out.printf("calls_attempted %d%n", calls);
    System.out.printf("calls_established %d%n", n);
    System.out.printf("calls_failed %d %s%n", calls - n, why);
    System.out.printf("calls_with_media_both_ways %d%n", withMedia);
    System.out.printf("ramp_ms %d%n", rampMs);
    System.out.printf("setup_ms_invite_to_echo p50 %s p90 %s max %s (n=%d)%n", pct(setupMs, 50),
        pct(setupMs, 90), setupMs.isEmpty() ? "-" : setupMs.get(setupMs.size() - 1),
        setupMs.size());
    for (String[] phase : new String[][] {{"answered", "200 OK"}, {"ice", "ICE completed"},
        {"dtls", "DTLS connected"}}) {
      List<Long> ms = new ArrayList<>();
      for (SyntheticBrowser b : up) {
        long at = switch (phase[0]) {
          case "answered" -> b.answeredNanos;
          case "ice" -> b.iceDoneNanos;
          default -> b.dtlsDoneNanos;
        };
        if (at > 0) {
          ms.add((at - b.inviteSentNanos) / 1_000_000L);
        }
      }
      ms.sort(null);
      System.out.printf("  invite_to_%s_ms p50 %s p90 %s (%s)%n", phase[0], pct(ms, 50),
          pct(ms, 90), phase[1]);
    }
    double secs = (w1 - w0) / 1e9;
    System.out.printf("hold_s %.1f%n", secs);
    System.out.printf("packets_sent_per_call %.1f (%.1f/s)%n", n == 0 ? 0.0 : (double) sentSum / n,
        n == 0 ? 0.0 : sentSum / secs / n);
    System.out.printf("packets_received_per_call %.1f (min %d)%n",
        n == 0 ? 0.0 : (double) recvSum / n, n == 0 ? 0 : minRecv);
    System.out.printf("packets_total sent %d received %d lost %d (%.3f %%)%n", sentSum, recvSum,
        sentSum - recvSum, sentSum == 0 ? 0.0 : 100.0 * (sentSum - recvSum) / sentSum);
    System.out.printf("calls_silent_in_hold %d%n", silent);
    System.out.printf("calls_losing_over_10_percent %d%n", degraded);
    System.out.printf("srtp_auth_failures_at_client %d%n", authFail);
    System.out.printf("bye_answered %d%n", byeOk.get());
    System.out.printf("client_cpu_percent_of_one_core %.1f%n", 100.0 * (cpu1 - cpu0) / (w1 - w0));
    setup.shutdownNow();
    starter.shutdownNow();
    System.exit(n == calls && withMedia == n && silent == 0 && degraded == 0 ? 0 : 1);
  }

  private static String pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return "-";
    }
    int i = (int) Math.ceil(sorted.size() * p / 100.0) - 1;
    return String.valueOf(sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))));
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
