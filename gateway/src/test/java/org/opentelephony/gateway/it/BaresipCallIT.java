package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentelephony.sip.cdr.CallRecord;

/**
 * Two real softphones (Debian's baresip) register as alice and bob and call through the server;
 * the script checks that each side received the other's test tone. See tests/baresip/README.md.
 */
@Tag("integration")
class BaresipCallIT extends SharedServer {
  private static final Path SCRIPT = Path.of("..", "tests", "baresip", "call-test.sh")
      .toAbsolutePath().normalize();

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"udp", "tcp"})
  void aliceCallsBobWithAudioBothWays(String transport) throws Exception {
    assertRelayedBothWays(call(transport, "pcmu", "pcmu"));
  }

  /** The phones share no codec: the server transcodes G.711 <-> Opus, tones still arrive. */
  @org.junit.jupiter.api.Test
  void pcmuPhoneCallsOpusPhoneThroughTheTranscoder() throws Exception {
    assertRelayedBothWays(call("udp", "pcmu", "opus"));
  }

  /** The record shows the server received and sent packets on both legs (media was anchored). */
  private static void assertRelayedBothWays(String mediaStats) throws Exception {
    var audio = new com.fasterxml.jackson.databind.ObjectMapper().readTree(mediaStats).get(0);
    for (String leg : List.of("caller", "callee")) {
      org.junit.jupiter.api.Assertions.assertTrue(audio.get(leg).get("packetsIn").asLong() > 50
          && audio.get(leg).get("packetsOut").asLong() > 50, leg + ": " + mediaStats);
    }
  }

  /** Runs the two-phone script; returns the call record's media statistics. */
  private String call(String transport, String callerCodec, String calleeCodec)
      throws Exception {
    Path out = Path.of("target", "baresip-" + transport + "-" + callerCodec + "-" + calleeCodec
        + ".log").toAbsolutePath();
    Files.createDirectories(out.getParent());
    Process p = new ProcessBuilder(List.of("bash", SCRIPT.toString(), "--server",
        server.sipAddress(), "--transport", transport, "--seconds", "3",
        "--caller-codec", callerCodec, "--callee-codec", calleeCodec))
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("baresip test did not finish; see " + out);
    }
    assertEquals(0, p.exitValue(), "baresip call failed; see " + out + ":\n"
        + Files.readString(out));
    List<CallRecord> recs = server.server.sip().records().recent("bob", 1);
    for (int i = 0; i < 50 && recs.isEmpty(); i++) {
      Thread.sleep(100);
      recs = server.server.sip().records().recent("bob", 1);
    }
    assertEquals("HANGUP_CALLER", recs.get(0).endReason());
    return recs.get(0).mediaStats();
  }
}
