package org.opentelephony.media.codec;

/** Test signals and their measurement: sine generation, tone fitting, SNR, frequency. */
final class Tones {
  private Tones() {}

  /** {@code count} samples of {@code amplitude * sin(2 pi f n / rate + phase)}. */
  static short[] sine(double freqHz, double amplitude, int rate, int count, double phase) {
    short[] s = new short[count];
    for (int n = 0; n < count; n++) {
      s[n] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * freqHz * n / rate + phase));
    }
    return s;
  }

  static short[] sine(double freqHz, double amplitude, int rate, int count) {
    return sine(freqHz, amplitude, rate, count, 0);
  }

  /** Amplitude of the component at {@code freqHz} (least-squares fit of sin and cos). */
  static double amplitudeAt(short[] x, int from, int to, double freqHz, int rate) {
    double[] ab = fit(x, from, to, freqHz, rate);
    return Math.hypot(ab[0], ab[1]);
  }

  /**
   * Signal-to-noise-and-distortion ratio in dB: power of the best-fitting sinusoid at
   * {@code freqHz} over the power of everything else (noise, harmonics, DC) in the range.
   */
  static double sinadDb(short[] x, int from, int to, double freqHz, int rate) {
    double[] ab = fit(x, from, to, freqHz, rate);
    double signal = 0;
    double residual = 0;
    for (int n = from; n < to; n++) {
      double w = 2 * Math.PI * freqHz * n / rate;
      double fitted = ab[0] * Math.sin(w) + ab[1] * Math.cos(w);
      signal += fitted * fitted;
      residual += (x[n] - fitted) * (x[n] - fitted);
    }
    return 10 * Math.log10(signal / Math.max(residual, 1e-9));
  }

  /** Root mean square over the range. */
  static double rms(short[] x, int from, int to) {
    double sum = 0;
    for (int n = from; n < to; n++) {
      sum += (double) x[n] * x[n];
    }
    return Math.sqrt(sum / (to - from));
  }

  /** Frequency from rising zero crossings, interpolated between samples. */
  static double zeroCrossingFrequency(short[] x, int from, int to, int rate) {
    double first = -1;
    double last = -1;
    int crossings = 0;
    for (int n = from + 1; n < to; n++) {
      if (x[n - 1] < 0 && x[n] >= 0) {
        double t = n - 1 + (double) -x[n - 1] / (x[n] - x[n - 1]);
        if (first < 0) {
          first = t;
        } else {
          crossings++;
        }
        last = t;
      }
    }
    return crossings == 0 ? 0 : crossings * rate / (last - first);
  }

  static double db(double ratio) {
    return 20 * Math.log10(ratio);
  }

  private static double[] fit(short[] x, int from, int to, double freqHz, int rate) {
    // Normal equations of x ~ a sin + b cos; over whole periods they are nearly diagonal,
    // but solving the 2x2 system keeps short or odd windows exact.
    double ss = 0;
    double cc = 0;
    double sc = 0;
    double xs = 0;
    double xc = 0;
    for (int n = from; n < to; n++) {
      double w = 2 * Math.PI * freqHz * n / rate;
      double s = Math.sin(w);
      double c = Math.cos(w);
      ss += s * s;
      cc += c * c;
      sc += s * c;
      xs += x[n] * s;
      xc += x[n] * c;
    }
    double det = ss * cc - sc * sc;
    return new double[] {(xs * cc - xc * sc) / det, (xc * ss - xs * sc) / det};
  }
}
