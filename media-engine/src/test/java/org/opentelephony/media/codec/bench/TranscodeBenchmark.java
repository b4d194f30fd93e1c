package org.opentelephony.media.codec.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.opentelephony.media.codec.G711;
import org.opentelephony.media.codec.G711ToOpusTranscoder;
import org.opentelephony.media.codec.OpusEncoder;
import org.opentelephony.media.codec.OpusToG711Transcoder;
import org.opentelephony.media.codec.Transcoder;

/**
 * How many G.711 <-> Opus channels one core transcodes in real time. A channel is both
 * directions of one call at 20 ms: 50 G.711 payloads to Opus and 50 Opus payloads to G.711 per
 * second. The G.711 side carries a synthetic voice (harmonics with a wandering pitch, syllables
 * and pauses, background noise); the Opus side carries the same kind of voice at 48 kHz encoded
 * the way a browser does (fullband, 32 kbit/s, complexity 9, in-band FEC), prepared before
 * timing.
 *
 * <p>Two phases on one thread: a throughput run (every channel as fast as possible; CPU time of
 * the thread per channel-frame gives channels per core) and a paced run (the given number of
 * channels every 20 ms, reporting how long each tick took against its 20 ms budget). Run it
 * through {@code bench/transcode-channels.sh}, which pins it to one CPU.
 *
 * <p>Options: {@code --channels N} (paced run, default 100), {@code --seconds S} (each phase,
 * default 10), {@code --warmup S} (default 5), {@code --law PCMU|PCMA}, {@code --complexity C},
 * {@code --bitrate B}, {@code --bandwidth NARROWBAND|WIDEBAND|...} (the G.711-to-Opus encoder;
 * defaults are the transcoder's).
 */
public final class TranscodeBenchmark {
  private static final int FRAME_8K = 160;
  private static final int FRAME_48K = 960;
  private static final int LOOP_FRAMES = 500; // 10 s of media, replayed

  private final G711 law;
  private final Integer complexity;
  private final Integer bitrate;
  private final OpusEncoder.Bandwidth bandwidth;
  private final byte[][] g711Frames = new byte[LOOP_FRAMES][];
  private final byte[][] opusFrames = new byte[LOOP_FRAMES][];
  private final byte[] out = new byte[1500];
  private final List<Transcoder[]> channels = new ArrayList<>();
  private int frameIndex;

  private TranscodeBenchmark(G711 law, Integer complexity, Integer bitrate,
      OpusEncoder.Bandwidth bandwidth) {
    this.law = law;
    this.complexity = complexity;
    this.bitrate = bitrate;
    this.bandwidth = bandwidth;
    prepareMedia();
  }

  public static void main(String[] args) throws InterruptedException {
    int paced = 100;
    double seconds = 10;
    double warmup = 5;
    G711 law = G711.PCMU;
    Integer complexity = null;
    Integer bitrate = null;
    OpusEncoder.Bandwidth bandwidth = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--channels": paced = Integer.parseInt(v); break;
        case "--seconds": seconds = Double.parseDouble(v); break;
        case "--warmup": warmup = Double.parseDouble(v); break;
        case "--law": law = G711.valueOf(v); break;
        case "--complexity": complexity = Integer.parseInt(v); break;
        case "--bitrate": bitrate = Integer.parseInt(v); break;
        case "--bandwidth": bandwidth = OpusEncoder.Bandwidth.valueOf(v); break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    TranscodeBenchmark b = new TranscodeBenchmark(law, complexity, bitrate, bandwidth);
    b.run(paced, seconds, warmup);
  }

  private void run(int paced, double seconds, double warmup) throws InterruptedException {
    System.out.printf("transcode benchmark: %s <-> Opus, %d CPU(s) visible, %s%n", law,
        Runtime.getRuntime().availableProcessors(), describeEncoder());
    openChannels(paced);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();

    // Throughput: all channels back to back, warm-up first so the JIT has compiled everything.
    runFor(warmup);
    long cpu0 = mx.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    long alloc0 = mx.getThreadAllocatedBytes(self);
    long channelFrames = runFor(seconds);
    double cpuNs = mx.getCurrentThreadCpuTime() - cpu0;
    double wallNs = System.nanoTime() - wall0;
    long allocated = mx.getThreadAllocatedBytes(self) - alloc0;
    double perFrameUs = cpuNs / channelFrames / 1000;
    System.out.printf("throughput: %d channel-frames in %.1f s CPU (%.1f s wall)%n",
        channelFrames, cpuNs / 1e9, wallNs / 1e9);
    System.out.printf("  per channel-frame (both directions, 20 ms): %.1f us CPU, %.1f us wall%n",
        perFrameUs, wallNs / channelFrames / 1000);
    System.out.printf("  allocated: %.3f bytes per channel-frame%n",
        (double) allocated / channelFrames);
    System.out.printf("CHANNELS_PER_CORE=%.0f (20 ms / CPU time per channel-frame; by wall time "
        + "%.0f)%n", 20_000 / perFrameUs, 20_000 / (wallNs / channelFrames / 1000));

    // Paced: the requested channels every 20 ms, as a media thread would run them.
    long[] tickNs = new long[(int) Math.max(1, seconds * 50)];
    long pacedCpu0 = mx.getCurrentThreadCpuTime();
    long next = System.nanoTime();
    for (int t = 0; t < tickNs.length; t++) {
      long start = System.nanoTime();
      tick();
      tickNs[t] = System.nanoTime() - start;
      next += 20_000_000L;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }
    // CPU time next to wall time tells this thread's work from time other processes took.
    double pacedCpuMs = (mx.getCurrentThreadCpuTime() - pacedCpu0) / 1e6 / tickNs.length;
    long[] sorted = tickNs.clone();
    Arrays.sort(sorted);
    long over = Arrays.stream(tickNs).filter(ns -> ns > 20_000_000L).count();
    System.out.printf("paced: %d channels, %d ticks of 20 ms: tick work p50 %.2f ms, p99 %.2f ms,"
        + " max %.2f ms; %d ticks over budget; CPU %.2f ms per tick (%.0f%% of one core)%n",
        channels.size(), tickNs.length, sorted[sorted.length / 2] / 1e6,
        sorted[sorted.length * 99 / 100] / 1e6, sorted[sorted.length - 1] / 1e6, over,
        pacedCpuMs, 100 * pacedCpuMs / 20);
    for (Transcoder[] c : channels) {
      c[0].close();
      c[1].close();
    }
  }

  private String describeEncoder() {
    try (G711ToOpusTranscoder probe = newToOpus()) {
      return "encoder " + probe.encoder().bitrate() + " bit/s, complexity "
          + probe.encoder().complexity() + (bandwidth == null ? "" : ", max " + bandwidth);
    }
  }

  private void openChannels(int count) {
    for (int i = 0; i < count; i++) {
      channels.add(new Transcoder[] {newToOpus(), new OpusToG711Transcoder(law)});
    }
  }

  private G711ToOpusTranscoder newToOpus() {
    G711ToOpusTranscoder t = new G711ToOpusTranscoder(law);
    if (complexity != null) {
      t.encoder().setComplexity(complexity);
    }
    if (bitrate != null) {
      t.encoder().setBitrate(bitrate);
    }
    if (bandwidth != null) {
      t.encoder().setMaxBandwidth(bandwidth);
    }
    return t;
  }

  /** Runs ticks back to back for {@code seconds} of wall time; returns channel-frames done. */
  private long runFor(double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long frames = 0;
    while (System.nanoTime() < end) {
      tick();
      frames += channels.size();
    }
    return frames;
  }

  /** One 20 ms frame for every channel, both directions. */
  private void tick() {
    int f = frameIndex;
    frameIndex = (f + 1) % LOOP_FRAMES;
    byte[] g711 = g711Frames[f];
    byte[] opus = opusFrames[f];
    for (int i = 0; i < channels.size(); i++) {
      Transcoder[] c = channels.get(i);
      if (c[0].transcode(g711, 0, g711.length, out, 0, out.length) < 0
          || c[1].transcode(opus, 0, opus.length, out, 0, out.length) < 0) {
        throw new IllegalStateException("transcoding failed in channel " + i);
      }
    }
  }

  private void prepareMedia() {
    short[] voice8 = Voice.generate(8000, LOOP_FRAMES * FRAME_8K, 1);
    short[] voice48 = Voice.generate(48000, LOOP_FRAMES * FRAME_48K, 2);
    try (OpusEncoder browser = new OpusEncoder()) {
      browser.setBitrate(32000).setComplexity(9).setInbandFec(true, 10);
      byte[] packet = new byte[OpusEncoder.MAX_PACKET_BYTES];
      for (int f = 0; f < LOOP_FRAMES; f++) {
        g711Frames[f] = new byte[FRAME_8K];
        law.encode(voice8, f * FRAME_8K, g711Frames[f], 0, FRAME_8K);
        int len = browser.encode(voice48, f * FRAME_48K, FRAME_48K, packet, 0, packet.length);
        opusFrames[f] = Arrays.copyOf(packet, len);
      }
    }
  }

  /** A crude synthetic talker: enough like speech to drive the codecs' real code paths. */
  static final class Voice {
    private Voice() {}

    static short[] generate(int rate, int samples, long seed) {
      Random random = new Random(seed);
      short[] s = new short[samples];
      double phase = 0;
      double bandLimit = Math.min(rate / 2.0 - 200, 7000);
      for (int n = 0; n < samples; n++) {
        double t = (double) n / rate;
        double pitch =
            120 + 40 * Math.sin(2 * Math.PI * 0.5 * t) + 15 * Math.sin(2 * Math.PI * 3.1 * t);
        phase += 2 * Math.PI * pitch / rate;
        double voiced = 0;
        for (int h = 1; h * pitch < bandLimit; h++) {
          // Formant-like emphasis around 500 Hz and 1500 Hz, falling above.
          double f = h * pitch;
          double gain = 1 / (1 + Math.pow((f - 500) / 300, 2))
              + 0.5 / (1 + Math.pow((f - 1500) / 400, 2)) + 0.05;
          voiced += gain * Math.sin(h * phase);
        }
        // Syllables of about 200 ms, with a pause of about a third of each 2.4 s phrase.
        double syllable = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t));
        double phrase = (t % 2.4) < 1.6 ? 1 : 0;
        double v = 4000 * voiced * syllable * phrase + 150 * random.nextGaussian();
        s[n] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
      }
      return s;
    }
  }
}
