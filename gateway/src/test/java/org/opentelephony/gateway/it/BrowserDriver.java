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
 * Runs a Node driver of {@code tests/browser/} as a process: {@code run.mjs} (JsSIP pages) or
 * {@code sdk-run.mjs} (pages using the JavaScript SDK), in headless Chromium. Its one-line JSON
 * result goes to stdout, its progress events (JSON lines) to stderr, both kept under
 * {@code target/browser-logs/}.
 */
final class BrowserDriver {
  static final Path DIR = Path.of("..", "tests", "browser").toAbsolutePath().normalize();
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
  private static final Path LOGS = Path.of("target", "browser-logs").toAbsolutePath();
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Process process;
  private final Path out;
  private final Path err;

  private BrowserDriver(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Chromium and node are installed (the only reasons to skip the browser tests). */
  static boolean available() {
    return Files.isExecutable(CHROMIUM) && onPath("node");
  }

  private static boolean onPath(String cmd) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, cmd)));
  }

  /** Starts {@code node run.mjs SCENARIO ARGS...}. */
  static BrowserDriver start(String scenario, String... args) throws IOException {
    return start("run.mjs", scenario, scenario, args);
  }

  /** Starts {@code node sdk-run.mjs SCENARIO ARGS...}. */
  static BrowserDriver startSdk(String scenario, String... args) throws IOException {
    return start("sdk-run.mjs", scenario, "sdk-" + scenario, args);
  }

  /** Runs an SDK scenario to its end (bounded) and returns its result. */
  static JsonNode runSdk(long timeoutS, String scenario, String... args) throws Exception {
    return startSdk(scenario, args).await(timeoutS);
  }

  private static BrowserDriver start(String script, String scenario, String logName,
      String... args) throws IOException {
    if (!Files.isDirectory(DIR.resolve("node_modules"))) {
      throw new AssertionError("tests/browser/node_modules missing: run `npm ci` there "
          + "(test.sh does)");
    }
    Files.createDirectories(LOGS);
    String name = logName + "-" + RUNS.incrementAndGet();
    List<String> cmd = new ArrayList<>(List.of("node", DIR.resolve(script).toString(),
        scenario));
    cmd.addAll(Arrays.asList(args));
    Path out = LOGS.resolve(name + ".json");
    Path err = LOGS.resolve(name + ".events.log");
    Process p = new ProcessBuilder(cmd).directory(DIR.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new BrowserDriver(p, out, err);
  }

  /** Runs a scenario to its end (bounded) and returns its result. */
  static JsonNode run(long timeoutS, String scenario, String... args) throws Exception {
    return start(scenario, args).await(timeoutS);
  }

  /** Waits (at most {@code ms}) until the driver reported {@code event} (e.g. registered). */
  void awaitEvent(String event, long ms) throws InterruptedException {
    String needle = "\"event\":\"" + event + "\"";
    ItSupport.await("browser event " + event + " (" + err + ")", ms, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("browser driver ended before " + event + ": " + describe());
      }
      return contains(needle) ? Optional.of(true) : Optional.empty();
    });
  }

  private boolean contains(String needle) {
    try {
      return Files.exists(err) && Files.readString(err).contains(needle);
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits for the process (killing it after {@code timeoutS}) and parses its result line. */
  JsonNode await(long timeoutS) throws Exception {
    if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("browser driver did not finish in " + timeoutS + " s: "
          + describe());
    }
    String text = Files.readString(out).trim();
    if (text.isEmpty()) {
      throw new AssertionError("browser driver printed no result (exit " + process.exitValue()
          + "): " + describe());
    }
    String[] lines = text.split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Where the logs are and the tail of the progress events, for failure messages. */
  String describe() {
    String tail = "";
    try {
      List<String> l = Files.readAllLines(err);
      tail = String.join("\n", l.subList(Math.max(0, l.size() - 15), l.size()));
    } catch (IOException e) {
      tail = "(no events: " + e + ")";
    }
    return "result " + out + ", events " + err + ":\n" + tail;
  }
}
