package org.opentelephony.gateway.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs SIPp (Debian package {@code sip-tester}) with a scenario from {@code sipp-scenarios/},
 * always bounded by {@code -m} and {@code -timeout}, logging into {@code target/sipp-logs/}.
 */
final class Sipp {
  static final Path SCENARIOS = Path.of("..", "sipp-scenarios").toAbsolutePath().normalize();
  private static final Path LOGS = Path.of("target", "sipp-logs").toAbsolutePath();

  private final Process process;
  private final Path log;
  final int port;

  private Sipp(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code sipp -sf SCENARIO -i 127.0.0.1 -p PORT -m 1 -timeout 60s ARGS... [target]}.
   *
   * @param target the server's {@code ip:port}, or null for a UAS
   */
  static Sipp start(String scenario, int port, String target, String... args) throws IOException {
    Files.createDirectories(LOGS);
    List<String> cmd = new ArrayList<>(List.of("sipp", "-sf",
        SCENARIOS.resolve(scenario).toString(), "-i", "127.0.0.1", "-ci", "127.0.0.1", "-p", String.valueOf(port),
        "-m", "1", "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err", "-trace_msg",
        "-message_file", LOGS.resolve(scenario + "-" + port + "-messages.log").toString(),
        "-error_file", LOGS.resolve(scenario + "-" + port + "-errors.log").toString()));
    cmd.addAll(Arrays.asList(args));
    if (target != null) {
      cmd.add(target);
    }
    Path log = LOGS.resolve(scenario + "-" + port + ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    return new Sipp(p, log, port);
  }

  /** Runs to completion and returns SIPp's exit code (0: every call passed). */
  static int run(String scenario, int port, String target, String... args) throws Exception {
    return start(scenario, port, target, args).await();
  }

  int await() throws Exception {
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("sipp did not finish: " + log);
    }
    return process.exitValue();
  }

  /** What SIPp traced of the messages it exchanged. */
  String messages(String scenario) throws IOException {
    Path f = LOGS.resolve(scenario + "-" + port + "-messages.log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  void kill() {
    process.destroyForcibly();
  }
}
