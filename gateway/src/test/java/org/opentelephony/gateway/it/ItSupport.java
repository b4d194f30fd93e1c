package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.opentelephony.sip.call.Call;
import org.opentelephony.sip.call.CallState;
import org.opentelephony.sip.cdr.CallRecord;

/** Steps shared by the integration tests: registering SIPp devices, calling, waiting (bounded). */
final class ItSupport {
  /** Overrides Sipp's -timeout 60s (the last -timeout wins): a broken flow fails in 20 s. */
  static final String[] TIMEOUT = {"-timeout", "20s"};

  private ItSupport() {
  }

  static String[] args(String[]... parts) {
    List<String> out = new ArrayList<>();
    for (String[] p : parts) {
      out.addAll(Arrays.asList(p));
    }
    return out.toArray(String[]::new);
  }

  /** A free port other than {@code taken} (FreePorts does not reserve what it hands out). */
  static int portOtherThan(int taken) {
    int p = FreePorts.next();
    while (p == taken) {
      p = FreePorts.next();
    }
    return p;
  }

  /** Registers {@code user} (password pw-user, or user123 for the demo accounts) from a port. */
  static void register(ServerFixture server, String user, int port, String... extra)
      throws Exception {
    assertEquals(0, Sipp.run("register.xml", port, server.sipAddress(),
        args(new String[] {"-s", user, "-ap", password(user)}, TIMEOUT, extra)),
        "register " + user + " from port " + port);
  }

  static String password(String user) {
    return user.matches("u\\d+") ? "pw-" + user : user + "123";
  }

  /** Starts a caller: alice (authenticated) calling {@code callee} with {@code scenario}. */
  static Sipp callFromAlice(ServerFixture server, String scenario, String callee,
      String... extra) throws Exception {
    return Sipp.start(scenario, FreePorts.next(), server.sipAddress(),
        args(new String[] {"-s", callee, "-key", "caller", "alice", "-au", "alice",
            "-ap", "alice123"}, TIMEOUT, extra));
  }

  /** Waits (at most 10 s) until the live call to {@code callee} is in {@code state}. */
  static Call awaitLiveCall(ServerFixture server, String callee, CallState state)
      throws InterruptedException {
    return await("a live call to " + callee + " in " + state, 10_000, () ->
        server.server.sip().calls().active().stream()
            .filter(c -> c.callee().equals(callee) && c.state() == state).findFirst());
  }

  /** The newest call record involving {@code user}, waiting (at most 10 s) for the write. */
  static CallRecord awaitRecord(ServerFixture server, String user) throws InterruptedException {
    return await("a call record for " + user, 10_000, () ->
        server.server.sip().records().recent(user, 1).stream().findFirst());
  }

  static boolean hasLiveCall(ServerFixture server, String callee) {
    return server.server.sip().calls().active().stream().anyMatch(c -> c.callee().equals(callee));
  }

  /** Polls {@code probe} every 50 ms until it yields a value, failing after {@code ms}. */
  static <T> T await(String what, long ms, Supplier<Optional<T>> probe)
      throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000L;
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent()) {
        return v.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + ms + " ms waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Waits (at most 5 s) until something listens on TCP {@code port} of the loopback, read from
   * /proc/net/tcp so that the listener (a SIPp UAS just started) sees no probe connection. A UDP
   * UAS needs no such wait (the server retransmits its INVITE), a TCP one does: the server's
   * connection would be refused and the branch fail at once.
   */
  static void awaitTcpListening(int port) throws Exception {
    java.nio.file.Path table = java.nio.file.Path.of("/proc/net/tcp");
    if (!java.nio.file.Files.isReadable(table)) {
      Thread.sleep(500);
      return;
    }
    String local = String.format(":%04X ", port);
    await("a TCP listener on port " + port, 5_000, () -> {
      try {
        for (String line : java.nio.file.Files.readAllLines(table)) {
          String[] f = line.trim().split("\\s+");
          // sl local_address rem_address st ...; st 0A = LISTEN
          if (f.length > 3 && (f[1] + " ").endsWith(local) && f[3].equals("0A")) {
            return Optional.of(true);
          }
        }
        return Optional.empty();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }
}
