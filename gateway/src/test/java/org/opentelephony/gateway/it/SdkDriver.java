package org.opentelephony.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@code tests/browser/sdk-run.mjs} (pages using the JavaScript SDK served by the server,
 * in headless Chromium) as a process: one JSON result line on stdout, progress events on
 * stderr, both kept under {@code target/browser-logs/sdk-*}.
 */
final class SdkDriver {
  private static final Path LOGS = Path.of("target", "browser-logs").toAbsolutePath();
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Process process;
  private final Path out;
  private final Path err;

  private SdkDriver(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  static SdkDriver start(String scenario, String... args) throws IOException {
    if (!Files.isDirectory(BrowserDriver.DIR.resolve("node_modules"))) {
      throw new AssertionError("tests/browser/node_modules missing: run `npm ci` there (test.sh does)");
    }
    Files.createDirectories(LOGS);
    String name = "sdk-" + scenario + "-" + RUNS.incrementAndGet();
    List<String> cmd = new ArrayList<>(List.of("node",
        BrowserDriver.DIR.resolve("sdk-run.mjs").toString(), scenario));
    cmd.addAll(Arrays.asList(args));
    Path out = LOGS.resolve(name + ".json");
    Path err = LOGS.resolve(name + ".events.log");
    Process p = new ProcessBuilder(cmd).directory(BrowserDriver.DIR.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new SdkDriver(p, out, err);
  }

  static JsonNode run(long timeoutS, String scenario, String... args) throws Exception {
    return start(scenario, args).await(timeoutS);
  }

  void awaitEvent(String event, long ms) throws InterruptedException {
    String needle = "\"event\":\"" + event + "\"";
    ItSupport.await("sdk driver event " + event + " (" + err + ")", ms, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("sdk driver ended before " + event + ": " + describe());
      }
      try {
        return Files.exists(err) && Files.readString(err).contains(needle)
            ? Optional.of(true) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  JsonNode await(long timeoutS) throws Exception {
    if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("sdk driver did not finish in " + timeoutS + " s: " + describe());
    }
    String text = Files.readString(out).trim();
    if (text.isEmpty()) {
      throw new AssertionError("sdk driver printed no result (exit " + process.exitValue() + "): "
          + describe());
    }
    String[] lines = text.split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  String describe() {
    String tail;
    try {
      List<String> l = Files.readAllLines(err);
      tail = String.join("\n", l.subList(Math.max(0, l.size() - 15), l.size()));
    } catch (IOException e) {
      tail = "(no events: " + e + ")";
    }
    return "result " + out + ", events " + err + ":\n" + tail;
  }
}
