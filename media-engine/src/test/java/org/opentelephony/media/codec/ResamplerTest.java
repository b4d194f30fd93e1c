package org.opentelephony.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResamplerTest {
  private static final double AMPLITUDE = 10000;
  /** Output samples skipped at the start so the filter's start-up transient is not measured. */
  private static final int SETTLE_48K = Resampler.TAPS;
  private static final int SETTLE_8K = Resampler.TAPS / Resampler.FACTOR;

  @Test
  void upsamplingKeepsA1kHzToneAndItsLevelWithoutImages() {
    short[] in = Tones.sine(1000, AMPLITUDE, 8000, 8000);
    short[] out = inFrames(Resampler.upsampler(160), in, 160);

    assertEquals(48000, out.length);
    assertEquals(1000, Tones.zeroCrossingFrequency(out, SETTLE_48K, out.length, 48000), 0.5);
    double level = Tones.amplitudeAt(out, SETTLE_48K, out.length, 1000, 48000);
    assertEquals(0, Tones.db(level / AMPLITUDE), 0.1, "level change in dB");
    // Zero-stuffing images of 1 kHz sit at 8k +- 1k and 16k +- 1k; the filter must remove them.
    for (int image : new int[] {7000, 9000, 15000, 17000}) {
      double imageLevel = Tones.amplitudeAt(out, SETTLE_48K, out.length, image, 48000);
      assertTrue(Tones.db(imageLevel / level) < -60, image + " Hz image too strong");
    }
    assertTrue(Tones.sinadDb(out, SETTLE_48K, out.length, 1000, 48000) > 55);
  }

  @Test
  void downsamplingKeepsA1kHzToneAndItsLevel() {
    short[] in = Tones.sine(1000, AMPLITUDE, 48000, 48000);
    short[] out = inFrames(Resampler.downsampler(960), in, 960);

    assertEquals(8000, out.length);
    assertEquals(1000, Tones.zeroCrossingFrequency(out, SETTLE_8K, out.length, 8000), 0.5);
    double level = Tones.amplitudeAt(out, SETTLE_8K, out.length, 1000, 8000);
    assertEquals(0, Tones.db(level / AMPLITUDE), 0.1, "level change in dB");
    assertTrue(Tones.sinadDb(out, SETTLE_8K, out.length, 1000, 8000) > 55);
  }

  @ParameterizedTest(name = "{0} Hz")
  @ValueSource(ints = {300, 2000, 3400})
  void telephoneBandPassesFlat(int freq) {
    short[] down = inFrames(Resampler.downsampler(960), Tones.sine(freq, AMPLITUDE, 48000, 48000),
        960);
    short[] up = inFrames(Resampler.upsampler(160), Tones.sine(freq, AMPLITUDE, 8000, 8000), 160);
    assertEquals(0, Tones.db(Tones.amplitudeAt(down, SETTLE_8K, 8000, freq, 8000) / AMPLITUDE),
        0.5);
    assertEquals(0, Tones.db(Tones.amplitudeAt(up, SETTLE_48K, 48000, freq, 48000) / AMPLITUDE),
        0.5);
  }

  /** A tone above the stop edge must not fold back into the 8 kHz band as an alias. */
  @ParameterizedTest(name = "{0} Hz")
  @ValueSource(ints = {4600, 6000, 9000, 15000})
  void downsamplingSuppressesAliases(int freq) {
    short[] out = inFrames(Resampler.downsampler(960), Tones.sine(freq, AMPLITUDE, 48000, 48000),
        960);
    double rms = Tones.rms(out, SETTLE_8K, out.length);
    assertTrue(Tones.db(rms / (AMPLITUDE / Math.sqrt(2))) < -58, freq + " Hz leaks: " + rms);
  }

  /** Frames of any size give exactly the samples of one call over the whole signal. */
  @Test
  void stateCarriesAcrossFramesBitExactly() {
    short[] in8 = Tones.sine(1234, AMPLITUDE, 8000, 4000, 0.3);
    short[] whole = new short[in8.length * 6];
    Resampler.upsampler(in8.length).process(in8, 0, in8.length, whole, 0);
    assertArrayEquals(whole, inVaryingFrames(Resampler.upsampler(480), in8, 1));

    short[] in48 = Tones.sine(1234, AMPLITUDE, 48000, 24000, 0.3);
    short[] wholeDown = new short[in48.length / 6];
    Resampler.downsampler(in48.length).process(in48, 0, in48.length, wholeDown, 0);
    assertArrayEquals(wholeDown, inVaryingFrames(Resampler.downsampler(2880), in48, 6));
  }

  /** No click at frame joins: the largest step between neighbours stays that of the sine. */
  @Test
  void frameJoinsAreSmooth() {
    short[] out = inFrames(Resampler.upsampler(160), Tones.sine(1000, AMPLITUDE, 8000, 8000), 160);
    int maxStep = 0;
    for (int n = SETTLE_48K + 1; n < out.length; n++) {
      maxStep = Math.max(maxStep, Math.abs(out[n] - out[n - 1]));
    }
    double sineMaxStep = AMPLITUDE * 2 * Math.PI * 1000 / 48000;
    assertTrue(maxStep < sineMaxStep * 1.05, "step " + maxStep + " vs " + sineMaxStep);
  }

  @Test
  void upThenDownGivesTheToneBack() {
    short[] in = Tones.sine(700, AMPLITUDE, 8000, 8000);
    short[] back = inFrames(Resampler.downsampler(960),
        inFrames(Resampler.upsampler(160), in, 160), 960);
    int settle = 2 * SETTLE_8K;
    assertEquals(0, Tones.db(Tones.amplitudeAt(back, settle, 8000, 700, 8000) / AMPLITUDE), 0.1);
    assertTrue(Tones.sinadDb(back, settle, back.length, 700, 8000) > 50);
  }

  @Test
  void fullScaleSquareWaveSaturatesInsteadOfWrapping() {
    short[] square = new short[960];
    for (int i = 0; i < square.length; i++) {
      square[i] = (i / 40) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
    }
    short[] out = inFrames(Resampler.upsampler(160), square, 160);
    // Overshoot (Gibbs) must clip at the rails, never wrap to the opposite sign.
    double delay = (Resampler.TAPS - 1) / 2.0; // linear phase: half the filter, in 48k samples
    for (int n = SETTLE_48K; n < out.length; n++) {
      int input = (int) Math.floor((n - delay) / 6);
      int expectedSign = (input / 40) % 2 == 0 ? 1 : -1;
      int around = input % 40;
      if (around > 4 && around < 36) {
        assertEquals(expectedSign, Integer.signum(out[n]), "sample " + n);
      }
    }
  }

  @Test
  void rejectsBadLengths() {
    Resampler down = Resampler.downsampler(960);
    short[] buf = new short[2000];
    assertThrows(IllegalArgumentException.class, () -> down.process(buf, 0, 961, buf, 0));
    assertThrows(IllegalArgumentException.class, () -> down.process(buf, 0, 100, buf, 0));
    Resampler up = Resampler.upsampler(160);
    assertThrows(IllegalArgumentException.class, () -> up.process(buf, 0, 161, buf, 0));
    assertThrows(IllegalArgumentException.class, () -> Resampler.upsampler(0));
  }

  @Test
  void resetForgetsHistory() {
    Resampler up = Resampler.upsampler(160);
    short[] tone = Tones.sine(1000, AMPLITUDE, 8000, 160);
    short[] out = new short[960];
    up.process(tone, 0, 160, out, 0);
    up.reset();
    short[] silence = new short[160];
    up.process(silence, 0, 160, out, 0);
    assertArrayEquals(new short[960], out);
  }

  private static short[] inFrames(Resampler r, short[] in, int frame) {
    short[] out = new short[r.outputLength(in.length)];
    int o = 0;
    for (int i = 0; i < in.length; i += frame) {
      o += r.process(in, i, Math.min(frame, in.length - i), out, o);
    }
    return out;
  }

  /** Frames of 1, 2, 3, ... units (a unit being 1 or 6 samples), cycling. */
  private static short[] inVaryingFrames(Resampler r, short[] in, int unit) {
    short[] out = new short[r.outputLength(in.length)];
    int o = 0;
    int size = unit;
    for (int i = 0; i < in.length; ) {
      int n = Math.min(size, in.length - i);
      o += r.process(in, i, n, out, o);
      i += n;
      size = size >= 80 * unit ? unit : size + unit;
    }
    return out;
  }
}
