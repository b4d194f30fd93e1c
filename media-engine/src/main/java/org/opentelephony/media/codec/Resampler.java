package org.opentelephony.media.codec;

import java.util.Arrays;

/**
 * Converts 16-bit mono PCM between 8 kHz and 48 kHz (factor 6) with a polyphase FIR low-pass.
 * One instance converts one direction of one stream: it keeps the last input samples between
 * calls, so consecutive 20 ms frames join exactly as if the whole signal had been converted at
 * once (no clicks at frame edges). Not thread-safe; no allocation after construction.
 *
 * <p>The filter is a Kaiser-windowed sinc of {@value #TAPS} taps at 48 kHz: flat to 3.4 kHz
 * (the telephone band), at least 60 dB down from 4.6 kHz. The transition straddles the 4 kHz
 * Nyquist frequency of the 8 kHz side on purpose: what aliases (4.0-4.6 kHz folding onto
 * 3.4-4.0 kHz) lands above the telephone band, which halves the filter length against a
 * filter that must be closed by 4 kHz.
 *
 * <p>Arithmetic is integer (Q14 coefficients, 32-bit sums) because integer dot products
 * vectorise in the JIT and need no float conversion of the samples.
 */
public final class Resampler {
  /** Rate ratio between the two sides. */
  public static final int FACTOR = 6;
  /** Taps per polyphase branch; each output sample costs this many multiplies. */
  static final int TAPS_PER_PHASE = 28;
  /** Length of the prototype low-pass at 48 kHz. */
  static final int TAPS = FACTOR * TAPS_PER_PHASE;

  /**
   * Q14, not Q15: the decimator's taps add up to about 2 in absolute value, so Q15 could
   * overflow a 32-bit sum for a worst-case full-scale input. Q14 still puts coefficient
   * rounding noise below the stop band.
   */
  private static final int COEFF_SHIFT = 14;
  private static final int ROUND = 1 << (COEFF_SHIFT - 1);
  private static final double PASS_EDGE_HZ = 3400;
  private static final double STOP_EDGE_HZ = 4600;
  private static final double KAISER_BETA = 6.0;

  /** Decimator taps, reversed so that output n is a forward dot product over the input. */
  private static final int[] DOWN_TAPS;
  /** Interpolator taps: branch p holds prototype taps p, p+6, p+12, ... reversed, times 6. */
  private static final int[][] UP_BRANCHES;

  static {
    double[] h = designLowPass();
    DOWN_TAPS = new int[TAPS];
    for (int k = 0; k < TAPS; k++) {
      DOWN_TAPS[k] = quantise(h[TAPS - 1 - k]);
    }
    UP_BRANCHES = new int[FACTOR][TAPS_PER_PHASE];
    for (int p = 0; p < FACTOR; p++) {
      for (int k = 0; k < TAPS_PER_PHASE; k++) {
        // Zero-stuffing keeps 1 sample in 6, so each branch is scaled by 6 to keep unit gain.
        UP_BRANCHES[p][TAPS_PER_PHASE - 1 - k] = quantise(FACTOR * h[p + FACTOR * k]);
      }
    }
    checkNoOverflow(DOWN_TAPS);
    for (int[] branch : UP_BRANCHES) {
      checkNoOverflow(branch);
    }
  }

  private final boolean up;
  private final int history;
  private final int maxInput;
  /**
   * Input history followed by the current frame; the history is moved to the front after use.
   * Held as ints: C2 vectorises an int-by-int dot product but not a short-by-int one, which
   * makes the filter about 2.5 times faster.
   */
  private final int[] work;

  private Resampler(boolean up, int maxInputSamples) {
    if (maxInputSamples <= 0) {
      throw new IllegalArgumentException("maxInputSamples must be positive: " + maxInputSamples);
    }
    this.up = up;
    this.history = (up ? TAPS_PER_PHASE : TAPS) - 1;
    this.maxInput = maxInputSamples;
    this.work = new int[history + maxInputSamples];
  }

  /** A resampler from 8 kHz to 48 kHz taking at most {@code maxInputSamples} per call. */
  public static Resampler upsampler(int maxInputSamples) {
    return new Resampler(true, maxInputSamples);
  }

  /**
   * A resampler from 48 kHz to 8 kHz taking at most {@code maxInputSamples} per call (a
   * multiple of 6, as every Opus frame at 48 kHz is).
   */
  public static Resampler downsampler(int maxInputSamples) {
    return new Resampler(false, maxInputSamples);
  }

  /** Number of output samples produced for {@code inputSamples} input samples. */
  public int outputLength(int inputSamples) {
    return up ? inputSamples * FACTOR : inputSamples / FACTOR;
  }

  /**
   * Converts {@code count} samples from {@code in[inOff..]} into {@code out[outOff..]}.
   *
   * @return the number of samples written, {@link #outputLength(int)}
   * @throws IllegalArgumentException if {@code count} exceeds the maximum given at construction,
   *     or is not a multiple of 6 when downsampling
   */
  public int process(short[] in, int inOff, int count, short[] out, int outOff) {
    if (count < 0 || count > maxInput) {
      throw new IllegalArgumentException("count " + count + " outside 0.." + maxInput);
    }
    if (!up && count % FACTOR != 0) {
      throw new IllegalArgumentException("downsampling needs a multiple of 6 samples: " + count);
    }
    for (int i = 0; i < count; i++) {
      work[history + i] = in[inOff + i];
    }
    int written = up ? interpolate(count, out, outOff) : decimate(count, out, outOff);
    // Keep the newest samples as history for the next frame.
    System.arraycopy(work, count, work, 0, history);
    return written;
  }

  /** Clears the history, as after a stream restart; the next frame starts from silence. */
  public void reset() {
    Arrays.fill(work, 0);
  }

  private int interpolate(int count, short[] out, int outOff) {
    int o = outOff;
    for (int n = 0; n < count; n++) {
      // Window work[n .. n+TAPS_PER_PHASE-1] ends at input sample n (work index n + history).
      for (int[] branch : UP_BRANCHES) {
        out[o++] = saturate(dot(work, n, branch));
      }
    }
    return count * FACTOR;
  }

  private int decimate(int count, short[] out, int outOff) {
    int outputs = count / FACTOR;
    for (int m = 0; m < outputs; m++) {
      // Output m is aligned with input sample FACTOR*m + FACTOR-1, the last of its group,
      // whose work index is FACTOR*m + FACTOR-1 + history: the window starts FACTOR*m + 5.
      out[outOff + m] = saturate(dot(work, FACTOR * m + FACTOR - 1, DOWN_TAPS));
    }
    return outputs;
  }

  private static int dot(int[] x, int start, int[] taps) {
    int acc = ROUND;
    for (int k = 0; k < taps.length; k++) {
      acc += x[start + k] * taps[k];
    }
    return acc >> COEFF_SHIFT;
  }

  private static short saturate(int v) {
    return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
  }

  private static int quantise(double c) {
    return (int) Math.round(c * (1 << COEFF_SHIFT));
  }

  /** A full-scale input of the worst sign pattern must not overflow the 32-bit accumulator. */
  private static void checkNoOverflow(int[] taps) {
    long worst = ROUND;
    for (int t : taps) {
      worst += 32768L * Math.abs(t);
    }
    if (worst > Integer.MAX_VALUE) {
      throw new IllegalStateException("resampler taps could overflow: " + worst);
    }
  }

  /** Kaiser-windowed sinc at 48 kHz, cut-off midway between the pass and stop edges, DC gain 1. */
  private static double[] designLowPass() {
    double fc = (PASS_EDGE_HZ + STOP_EDGE_HZ) / 2 / (G711.SAMPLE_RATE * FACTOR);
    double centre = (TAPS - 1) / 2.0;
    double[] h = new double[TAPS];
    double sum = 0;
    for (int n = 0; n < TAPS; n++) {
      double t = n - centre;
      double sinc = t == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
      double r = t / centre;
      h[n] = sinc * besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r)))
          / besselI0(KAISER_BETA);
      sum += h[n];
    }
    for (int n = 0; n < TAPS; n++) {
      h[n] /= sum;
    }
    return h;
  }

  /** Modified Bessel function of the first kind, order 0, by its power series. */
  private static double besselI0(double x) {
    double term = 1;
    double sum = 1;
    double q = x * x / 4;
    for (int k = 1; k < 50 && term > 1e-12 * sum; k++) {
      term *= q / ((double) k * k);
      sum += term;
    }
    return sum;
  }
}
