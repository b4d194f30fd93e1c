package org.opentelephony.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.jitsi.impl.neomedia.codec.audio.opus.Opus;
import org.junit.jupiter.api.Test;

class OpusCodecTest {
  private static final int RATE = 48000;
  private static final int FRAME = 960;
  /** Opus' algorithmic delay plus start-up: measure after the first 100 ms. */
  private static final int SETTLE = RATE / 10;

  @Test
  void jniLibraryLoadsFromTheLibjitsiJar() {
    assertTrue(OpusLibrary.isAvailable(), OpusLibrary.unavailableReason());
  }

  @Test
  void sineKeepsItsFrequencyAndLevelThroughEncodeAndDecode() {
    short[] in = Tones.sine(1000, 10000, RATE, RATE);
    short[] out = new short[in.length];
    try (OpusEncoder enc = new OpusEncoder(); OpusDecoder dec = new OpusDecoder()) {
      enc.setBitrate(32000);
      byte[] packet = new byte[OpusEncoder.MAX_PACKET_BYTES];
      for (int i = 0; i < in.length; i += FRAME) {
        int len = enc.encode(in, i, FRAME, packet, 0, packet.length);
        assertTrue(len > 0 && len < 200, "packet length " + len);
        assertEquals(FRAME, dec.decode(packet, 0, len, out, i, FRAME));
      }
    }
    assertEquals(1000, Tones.zeroCrossingFrequency(out, SETTLE, out.length, RATE), 1);
    double level = Tones.amplitudeAt(out, SETTLE, out.length, 1000, RATE);
    assertEquals(0, Tones.db(level / 10000), 1.0);
    // Fullband Opus at 32 kbit/s spreads masked noise over 20 kHz: about 16 dB SINAD on a
    // pure tone here. The floor only catches a broken pipeline; the G.711 bridge test measures
    // the quality that matters.
    double sinad = Tones.sinadDb(out, SETTLE, out.length, 1000, RATE);
    assertTrue(sinad > 12, "SINAD " + sinad);
  }

  /** RFC 7587 always signals opus/48000/2; a mono decoder must mix stereo packets down. */
  @Test
  void monoDecoderTakesStereoPackets() {
    short[] left = Tones.sine(1000, 8000, RATE, RATE);
    short[] stereo = new short[2 * left.length];
    for (int i = 0; i < left.length; i++) {
      stereo[2 * i] = left[i];
      stereo[2 * i + 1] = left[i];
    }
    short[] out = new short[left.length];
    try (OpusEncoder enc = new OpusEncoder(RATE, 2); OpusDecoder dec = new OpusDecoder()) {
      enc.setBitrate(64000);
      byte[] packet = new byte[OpusEncoder.MAX_PACKET_BYTES];
      for (int i = 0; i < left.length; i += FRAME) {
        int len = enc.encode(stereo, 2 * i, FRAME, packet, 0, packet.length);
        assertEquals(2, Opus.packet_get_nb_channels(packet, 0), "encoder made stereo packets");
        assertEquals(FRAME, dec.decode(packet, 0, len, out, i, FRAME));
      }
    }
    assertEquals(1000, Tones.zeroCrossingFrequency(out, SETTLE, out.length, RATE), 1);
    assertEquals(0, Tones.db(Tones.amplitudeAt(out, SETTLE, out.length, 1000, RATE) / 8000), 1.5);
  }

  @Test
  void garbageIsRejectedWithoutHarmingTheDecoder() {
    try (OpusDecoder dec = new OpusDecoder()) {
      short[] pcm = new short[5760];
      // Code 3 (TOC low bits 11) with a frame count of 0 is malformed by RFC 6716 3.2.5.
      assertEquals(OpusLibrary.INVALID_PACKET, dec.decode(new byte[] {0x03, 0x00}, 0, 2, pcm, 0,
          5760));
      assertEquals(OpusLibrary.INVALID_PACKET,
          dec.decode(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3}, 0, 6, pcm, 0,
              5760));
      assertEquals(OpusLibrary.INVALID_PACKET, dec.decode(new byte[10], 4, 0, pcm, 0, 5760),
          "an empty payload is not a packet");

      // Random bytes: many happen to parse as Opus. Each must give an error or a legal count.
      Random random = new Random(7);
      byte[] junk = new byte[1500];
      for (int i = 0; i < 2000; i++) {
        random.nextBytes(junk);
        int n = dec.decode(junk, 3, 1 + random.nextInt(1400), pcm, 0, 5760);
        assertTrue(n < 0 || (n > 0 && n <= 5760 && n % 120 == 0), "result " + n);
      }
      assertDecoderStillWorks(dec);
    }
  }

  @Test
  void rangesOutsideTheArraysThrowInsteadOfReachingNativeCode() {
    try (OpusDecoder dec = new OpusDecoder(); OpusEncoder enc = new OpusEncoder()) {
      short[] pcm = new short[FRAME];
      byte[] small = new byte[10];
      assertThrows(IndexOutOfBoundsException.class, () -> dec.decode(small, 5, 6, pcm, 0, FRAME));
      assertThrows(IndexOutOfBoundsException.class, () -> dec.decode(small, 0, 2, pcm, 1, FRAME));
      assertThrows(IndexOutOfBoundsException.class,
          () -> enc.encode(pcm, 0, FRAME, small, 0, 100));
      assertThrows(IndexOutOfBoundsException.class,
          () -> enc.encode(pcm, 1, FRAME, new byte[100], 0, 100));
    }
  }

  @Test
  void frameSizesOpusCannotEncodeAreRefused() {
    try (OpusEncoder enc = new OpusEncoder()) {
      short[] pcm = new short[5760];
      byte[] out = new byte[1500];
      assertEquals(OpusLibrary.BAD_ARG, enc.encode(pcm, 0, 1440, out, 0, 1500), "30 ms");
      assertEquals(OpusLibrary.BAD_ARG, enc.encode(pcm, 0, 100, out, 0, 1500));
      for (int ms10 : new int[] {25, 50, 100, 200, 400, 600}) {
        assertTrue(enc.encode(pcm, 0, RATE * ms10 / 10000, out, 0, 1500) > 0, ms10 / 10.0 + " ms");
      }
    }
  }

  /** A missing packet is filled by concealment that continues the tone rather than silence. */
  @Test
  void lossConcealmentContinuesTheSignal() {
    short[] in = Tones.sine(500, 10000, RATE, FRAME * 20);
    short[] out = new short[FRAME];
    try (OpusEncoder enc = new OpusEncoder(); OpusDecoder dec = new OpusDecoder()) {
      assertEquals(FRAME, dec.conceal(out, 0, FRAME), "concealment before any packet: 20 ms");
      byte[] packet = new byte[1500];
      for (int i = 0; i < 10 * FRAME; i += FRAME) {
        int len = enc.encode(in, i, FRAME, packet, 0, packet.length);
        dec.decode(packet, 0, len, out, 0, FRAME);
      }
      assertEquals(FRAME, dec.conceal(out, 0, 5760), "as long as the last packet");
      assertTrue(Tones.rms(out, 0, FRAME) > 1000, "concealment is not silence");
      assertTrue(Tones.db(Tones.amplitudeAt(out, 0, FRAME, 500, RATE) / Tones.rms(out, 0, FRAME))
          > 0, "and mostly the 500 Hz tone");
      assertEquals(480, dec.conceal(out, 0, 480), "capped by the room given");
      assertEquals(480, dec.conceal(out, 0, 500), "in whole 2.5 ms units");
      assertDecoderStillWorks(dec);
    }
  }

  /** FEC data in the next packet rebuilds a lost one closer to the original than concealment. */
  @Test
  void inbandFecRecoversALostPacketBetterThanConcealment() {
    short[] in = Tones.sine(800, 10000, RATE, FRAME * 21);
    short[] reference = new short[FRAME];
    short[] recovered = new short[FRAME];
    short[] concealed = new short[FRAME];
    try (OpusEncoder enc = new OpusEncoder(); OpusDecoder all = new OpusDecoder();
        OpusDecoder fec = new OpusDecoder(); OpusDecoder plc = new OpusDecoder()) {
      enc.setInbandFec(true, 20).setBitrate(32000);
      byte[] packet = new byte[1500];
      short[] scratch = new short[FRAME];
      for (int i = 0; i < 19 * FRAME; i += FRAME) {
        int len = enc.encode(in, i, FRAME, packet, 0, packet.length);
        all.decode(packet, 0, len, scratch, 0, FRAME);
        fec.decode(packet, 0, len, scratch, 0, FRAME);
        plc.decode(packet, 0, len, scratch, 0, FRAME);
      }
      int len = enc.encode(in, 19 * FRAME, FRAME, packet, 0, packet.length);
      all.decode(packet, 0, len, reference, 0, FRAME); // the others lose packet 19
      len = enc.encode(in, 20 * FRAME, FRAME, packet, 0, packet.length);
      assertEquals(FRAME, fec.decodeFec(packet, 0, len, recovered, 0, FRAME));
      assertEquals(FRAME, plc.conceal(concealed, 0, FRAME));
      assertEquals(FRAME, fec.decode(packet, 0, len, scratch, 0, FRAME), "then packet 20 itself");
    }
    double fecError = rmsDifference(reference, recovered);
    double plcError = rmsDifference(reference, concealed);
    assertTrue(fecError < plcError / 4, "FEC error " + fecError + " vs concealment " + plcError);
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseFails() {
    OpusEncoder enc = new OpusEncoder();
    OpusDecoder dec = new OpusDecoder();
    enc.close();
    enc.close();
    dec.close();
    dec.close();
    short[] pcm = new short[FRAME];
    byte[] out = new byte[1500];
    assertThrows(IllegalStateException.class, () -> enc.encode(pcm, 0, FRAME, out, 0, 1500));
    assertThrows(IllegalStateException.class, () -> dec.decode(out, 0, 10, pcm, 0, FRAME));
    assertThrows(IllegalStateException.class, () -> dec.conceal(pcm, 0, FRAME));
    assertThrows(IllegalStateException.class, enc::bitrate);
  }

  @Test
  void settingsReachTheEncoder() {
    try (OpusEncoder enc = new OpusEncoder()) {
      enc.setBitrate(20000).setComplexity(3).setDtx(true)
          .setMaxBandwidth(OpusEncoder.Bandwidth.WIDEBAND);
      assertEquals(20000, enc.bitrate());
      assertEquals(3, enc.complexity());
      assertThrows(IllegalArgumentException.class, () -> enc.setComplexity(11));
    }
    assertThrows(IllegalArgumentException.class, () -> new OpusEncoder(44100, 1));
    assertThrows(IllegalArgumentException.class, () -> new OpusDecoder(48000, 3));
  }

  @Test
  void decodesStraightToOtherRates() {
    try (OpusEncoder enc = new OpusEncoder(); OpusDecoder dec8 = new OpusDecoder(8000, 1)) {
      byte[] packet = new byte[1500];
      short[] in = Tones.sine(1000, 10000, RATE, FRAME);
      short[] out = new short[160];
      int len = enc.encode(in, 0, FRAME, packet, 0, packet.length);
      assertEquals(160, dec8.decode(packet, 0, len, out, 0, 160));
      assertEquals(OpusLibrary.BUFFER_TOO_SMALL, dec8.decode(packet, 0, len, out, 0, 80),
          "a 20 ms packet needs room for 20 ms");
    }
  }

  private static double rmsDifference(short[] a, short[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum / a.length);
  }

  private static void assertDecoderStillWorks(OpusDecoder dec) {
    try (OpusEncoder enc = new OpusEncoder()) {
      byte[] packet = new byte[1500];
      short[] in = Tones.sine(1000, 10000, RATE, FRAME);
      short[] out = new short[FRAME];
      int len = enc.encode(in, 0, FRAME, packet, 0, packet.length);
      assertEquals(FRAME, dec.decode(packet, 0, len, out, 0, FRAME));
    }
  }
}
