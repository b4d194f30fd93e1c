package org.opentelephony.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class G711OpusTranscoderTest {
  private static final int FRAME_8K = 160;
  private static final double AMPLITUDE = 10362; // -10 dBFS
  /** Resampler and Opus delays and start-up: measure after the first 250 ms. */
  private static final int SETTLE = 2000;

  /**
   * A -10 dBFS 1 kHz tone, G.711-encoded, goes G.711 -> Opus -> G.711 through both transcoders
   * with default settings (narrowband, 24 kbit/s, complexity 5), 3 s in 20 ms payloads, and is
   * measured on the way back after the first 250 ms. Measured here: frequency 1000.00 Hz, level
   * +0.07 dB (PCMU) / +0.01 dB (PCMA), SINAD (everything that is not the tone: coding noise,
   * distortion, both G.711 passes) 35.9 dB for PCMU and 28.1 dB for PCMA; G.711 alone gives
   * 44.1 / 41.4 dB on this tone. SILK is tuned for speech, so a pure tone's SINAD moves by several
   * dB with small input changes (which law, the tone's frequency). Asserted: frequency within
   * 0.1 Hz, level within 1 dB, SINAD at least 33 dB (PCMU) / 25 dB (PCMA).
   */
  @ParameterizedTest
  @EnumSource(G711.class)
  void toneSurvivesTheRoundTripThroughOpus(G711 law) {
    int n = 3 * G711.SAMPLE_RATE;
    short[] tone = Tones.sine(1000, AMPLITUDE, G711.SAMPLE_RATE, n);
    byte[] g711 = new byte[n];
    law.encode(tone, 0, g711, 0, n);
    byte[] back = new byte[n];
    byte[] opus = new byte[1500];
    try (G711ToOpusTranscoder toOpus = new G711ToOpusTranscoder(law);
        OpusToG711Transcoder fromOpus = new OpusToG711Transcoder(law)) {
      for (int i = 0; i < n; i += FRAME_8K) {
        int len = toOpus.transcode(g711, i, FRAME_8K, opus, 0, opus.length);
        assertTrue(len > 0 && len < 120, "Opus payload of " + len + " bytes");
        assertEquals(FRAME_8K, fromOpus.transcode(opus, 0, len, back, i, FRAME_8K));
      }
      assertEquals(n / FRAME_8K, toOpus.counters().transcoded());
      assertEquals(n / FRAME_8K, fromOpus.counters().transcoded());
    }
    short[] out = new short[n];
    law.decode(back, 0, out, 0, n);

    assertEquals(1000, Tones.zeroCrossingFrequency(out, SETTLE, n, 8000), 0.1);
    double level = Tones.amplitudeAt(out, SETTLE, n, 1000, 8000);
    assertEquals(0, Tones.db(level / AMPLITUDE), 1.0, "level change in dB");
    double sinad = Tones.sinadDb(out, SETTLE, n, 1000, 8000);
    double floor = law == G711.PCMU ? 33 : 25;
    assertTrue(sinad > floor, law + " SINAD " + sinad + " dB");
  }

  @Test
  void onlyDurationsOpusCanCarryAreTranscoded() {
    byte[] in = new byte[480];
    Arrays.fill(in, (byte) 0xFF);
    byte[] out = new byte[1500];
    try (G711ToOpusTranscoder t = new G711ToOpusTranscoder(G711.PCMU)) {
      for (int len : new int[] {20, 40, 80, 160, 320, 480}) {
        assertTrue(t.transcode(in, 0, len, out, 0, out.length) > 0, len + " bytes");
      }
      assertTrue(t.transcode(in, 0, 240, out, 0, out.length) < 0, "30 ms has no Opus frame");
      assertTrue(t.transcode(in, 0, 0, out, 0, out.length) < 0);
      assertTrue(t.transcode(in, 0, 160, out, 0, 0) < 0, "no room for the packet");
      assertEquals(6, t.counters().transcoded());
      assertEquals(3, t.counters().dropped());
      assertEquals(0, t.concealLoss(out, 0, out.length), "Opus receivers conceal themselves");
      assertEquals(8000, t.inputClockRate());
      assertEquals(48000, t.outputClockRate());
    }
  }

  @Test
  void corruptOpusIsDroppedAndLossIsConcealed() {
    byte[] out = new byte[960];
    try (OpusToG711Transcoder t = new OpusToG711Transcoder(G711.PCMA);
        G711ToOpusTranscoder source = new G711ToOpusTranscoder(G711.PCMA)) {
      assertTrue(t.transcode(new byte[] {0x03, 0x00}, 0, 2, out, 0, out.length) < 0);
      byte[] g711 = new byte[320];
      G711.PCMA.encode(Tones.sine(600, AMPLITUDE, 8000, 320), 0, g711, 0, 320);
      byte[] opus = new byte[1500];
      int len = source.transcode(g711, 0, 320, opus, 0, opus.length); // one 40 ms packet
      assertEquals(320, t.transcode(opus, 0, len, out, 0, out.length), "40 ms in, 40 ms out");
      assertEquals(320, t.concealLoss(out, 0, out.length), "concealment as long as the last");
      assertEquals(160, t.concealLoss(out, 0, 160), "or as much as fits");
      assertTrue(t.transcode(opus, 0, len, out, 0, 160) < 0, "40 ms does not fit in 160 bytes");
      assertEquals(1, t.counters().transcoded());
      assertEquals(2, t.counters().dropped());
      assertEquals(2, t.counters().concealed());
      assertEquals(48000, t.inputClockRate());
      assertEquals(8000, t.outputClockRate());
    }
  }

  /**
   * The per-payload path allocates nothing: 2,000 payloads each way may allocate at most a few
   * kilobytes in all (measured: 0), where one array per payload would cost over 300 kB.
   */
  @Test
  void transcodingDoesNotAllocatePerPayload() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] g711 = new byte[FRAME_8K];
    G711.PCMU.encode(Tones.sine(1000, AMPLITUDE, 8000, FRAME_8K), 0, g711, 0, FRAME_8K);
    byte[] opus = new byte[1500];
    byte[] back = new byte[FRAME_8K];
    try (G711ToOpusTranscoder toOpus = new G711ToOpusTranscoder(G711.PCMU);
        OpusToG711Transcoder fromOpus = new OpusToG711Transcoder(G711.PCMU)) {
      runBothWays(toOpus, fromOpus, g711, opus, back, 500); // warm up (class loading, JIT)
      long thread = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(thread);
      runBothWays(toOpus, fromOpus, g711, opus, back, 2000);
      long allocated = threads.getThreadAllocatedBytes(thread) - before;
      assertTrue(allocated < 16 * 1024, allocated + " bytes allocated for 2000 payload pairs");
    }
  }

  private static void runBothWays(Transcoder toOpus, Transcoder fromOpus, byte[] g711,
      byte[] opus, byte[] back, int payloads) {
    for (int i = 0; i < payloads; i++) {
      int len = toOpus.transcode(g711, 0, FRAME_8K, opus, 0, opus.length);
      if (i % 50 == 49) {
        fromOpus.concealLoss(back, 0, back.length);
      } else {
        fromOpus.transcode(opus, 0, len, back, 0, back.length);
      }
    }
  }
}
