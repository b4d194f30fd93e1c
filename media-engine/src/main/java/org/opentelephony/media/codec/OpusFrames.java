package org.opentelephony.media.codec;

/** Frame-size and format rules of libopus, checked in Java before any native call. */
final class OpusFrames {
  /** RTP clock rate of Opus whatever the audio bandwidth (RFC 7587 section 4.1). */
  static final int RTP_CLOCK_RATE = 48000;

  private OpusFrames() {}

  static void checkRateAndChannels(int sampleRate, int channels) {
    switch (sampleRate) {
      case 8000: case 12000: case 16000: case 24000: case 48000:
        break;
      default:
        throw new IllegalArgumentException("Opus sample rate must be 8, 12, 16, 24 or 48 kHz: "
            + sampleRate);
    }
    if (channels != 1 && channels != 2) {
      throw new IllegalArgumentException("Opus channels must be 1 or 2: " + channels);
    }
  }

  /** True for 2.5, 5, 10, 20, 40 and 60 ms: the only durations one Opus encode call accepts. */
  static boolean isEncodableFrame(int sampleRate, int samplesPerChannel) {
    int per2500us = sampleRate / 400;
    if (samplesPerChannel <= 0 || samplesPerChannel % per2500us != 0) {
      return false;
    }
    int units = samplesPerChannel / per2500us;
    return units == 1 || units == 2 || units == 4 || units == 8 || units == 16 || units == 24;
  }

  /** Samples per channel in 60 ms, the longest single encode. */
  static int maxEncodeSamples(int sampleRate) {
    return sampleRate * 60 / 1000;
  }

  /** Samples per channel in 120 ms, the longest packet a decoder can meet. */
  static int maxDecodeSamples(int sampleRate) {
    return sampleRate * 120 / 1000;
  }

  /** Samples per channel in 20 ms, assumed for concealment before any packet was decoded. */
  static int defaultFrameSamples(int sampleRate) {
    return sampleRate / 50;
  }
}
