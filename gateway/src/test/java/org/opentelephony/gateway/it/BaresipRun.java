package org.opentelephony.gateway.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One baresip softphone facing another kind of user agent (a browser page), run by
 * {@code tests/baresip/call-test.sh}: it calls ({@code --no-callee}) or is called
 * ({@code --no-caller}), and its exit code says whether it heard the far end's tone.
 */
final class BaresipRun {
  static final Path SCRIPT = Path.of("..", "tests", "baresip", "call-test.sh")
      .toAbsolutePath().normalize();

  private final Process process;
  private final Path log;

  private BaresipRun(List<String> args, Path log) throws IOException {
    this.log = log;
    this.process = new ProcessBuilder(args).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  /** baresip registered as {@code account} (user:password) dials {@code uri}, talks, hangs up. */
  static BaresipRun calling(ServerFixture server, String account, String uri, String codec,
      int farTone, int seconds, Path log) throws IOException {
    return new BaresipRun(List.of("bash", SCRIPT.toString(), "--no-callee",
        "--server", server.sipAddress(), "--caller", account, "--dial", uri,
        "--caller-codec", codec, "--callee-tone", "" + farTone, "--seconds", "" + seconds), log);
  }

  /**
   * baresip registered as {@code account} answers the first call automatically; {@code ready}
   * appears once it is registered. It keeps the call at most {@code seconds}.
   */
  static BaresipRun called(ServerFixture server, String account, String codec, int farTone,
      int seconds, Path ready, Path log) throws IOException {
    Files.deleteIfExists(ready);
    return new BaresipRun(List.of("bash", SCRIPT.toString(), "--no-caller",
        "--server", server.sipAddress(), "--callee", account, "--callee-codec", codec,
        "--caller-tone", "" + farTone, "--seconds", "" + seconds, "--call-timeout", "60",
        "--ready-file", ready.toString()), log);
  }

  /** Waits (bounded) for {@code ready} to appear; fails at once if baresip has ended. */
  void awaitReady(Path ready, long ms) throws InterruptedException {
    ItSupport.await("baresip registered (" + log + ")", ms, () -> {
      if (Files.exists(ready)) {
        return Optional.of(true);
      }
      if (!process.isAlive()) {
        throw new AssertionError("baresip ended before registering; see " + log + ":\n"
            + log());
      }
      return Optional.empty();
    });
  }

  /** The script's exit code (0: it heard the far end), killing it after {@code seconds}. */
  int await(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("baresip did not finish in " + seconds + " s; see " + log);
    }
    return process.exitValue();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  Path logFile() {
    return log;
  }

  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
