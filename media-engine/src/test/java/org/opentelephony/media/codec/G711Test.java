package org.opentelephony.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class G711Test {

  @ParameterizedTest(name = "{0}: code 0x{1} <-> {2}")
  @CsvSource({
    // mu-law: 0xFF is +0 and 0x7F is -0; 0x80 / 0x00 are the extremes (+-32124).
    "PCMU, FF, 0",
    "PCMU, 80, 32124",
    "PCMU, 00, -32124",
    "PCMU, FE, 8",
    "PCMU, 7E, -8",
    "PCMU, EF, 132",
    // A-law: codes are XORed with 0x55; 0xD5 / 0x55 are the smallest steps (+-8).
    "PCMA, D5, 8",
    "PCMA, 55, -8",
    "PCMA, AA, 32256",
    "PCMA, 2A, -32256",
    "PCMA, C5, 264",
  })
  void knownCodes(G711 law, String hex, int linear) {
    int code = Integer.parseInt(hex, 16);
    assertEquals(linear, law.decode(code));
    assertEquals((byte) code, law.encode(linear), "encode(" + linear + ")");
  }

  @Test
  void silenceAndExtremesEncodeToTheStandardCodes() {
    assertEquals((byte) 0xFF, G711.PCMU.encode(0));
    assertEquals((byte) 0x7F, G711.PCMU.encode(-1), "-1 is -0, which decodes to 0");
    assertEquals((byte) 0x80, G711.PCMU.encode(32767));
    assertEquals((byte) 0x00, G711.PCMU.encode(-32768));
    assertEquals((byte) 0xD5, G711.PCMA.encode(0));
    assertEquals((byte) 0x55, G711.PCMA.encode(-1));
    assertEquals((byte) 0xAA, G711.PCMA.encode(32767));
    assertEquals((byte) 0x2A, G711.PCMA.encode(-32768));
    assertEquals((byte) 0x80, G711.PCMU.encode(100_000), "out-of-range input clamps");
  }

  @ParameterizedTest
  @EnumSource(G711.class)
  void everyCodeSurvivesDecodeThenEncode(G711 law) {
    for (int code = 0; code < 256; code++) {
      int expected = (law == G711.PCMU && code == 0x7F) ? 0xFF : code; // -0 comes back as +0
      assertEquals((byte) expected, law.encode(law.decode(code)), "code " + code);
    }
  }

  /**
   * Over the whole 16-bit range the error of encode-then-decode is at most half the step of the
   * segment the sample falls in, plus the low bits G.711 ignores; beyond the largest level it
   * clips to that level. The result never decreases as the input grows.
   */
  @ParameterizedTest
  @EnumSource(G711.class)
  void roundTripErrorIsBoundedOverTheWholeRange(G711 law) {
    int dropped = law == G711.PCMU ? 4 : 8;
    int maxLevel = law.decode(law == G711.PCMU ? 0x80 : 0xAA);
    int previous = Integer.MIN_VALUE;
    for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
      byte code = law.encode(x);
      int y = law.decode(code);
      assertTrue(y >= previous, "monotonic at " + x);
      previous = y;
      if (Math.abs(x) > maxLevel) {
        assertEquals(Integer.signum(x) * maxLevel, y, "clips at " + x);
      } else {
        int bound = step(law, code) / 2 + dropped;
        assertTrue(Math.abs(y - x) <= bound, x + " -> " + y + " exceeds " + bound);
      }
    }
  }

  @Test
  void g711AloneKeepsAMinus10DbfsToneAbove35DbSinad() {
    short[] tone = Tones.sine(1013, 10362, 8000, 8000);
    for (G711 law : G711.values()) {
      byte[] codes = new byte[tone.length];
      short[] back = new short[tone.length];
      law.encode(tone, 0, codes, 0, tone.length);
      law.decode(codes, 0, back, 0, tone.length);
      double sinad = Tones.sinadDb(back, 0, back.length, 1013, 8000);
      assertTrue(sinad > 35, law + " SINAD " + sinad);
    }
  }

  @Test
  void arrayMethodsHonourOffsetsAndTouchNothingElse() {
    short[] pcm = {1, 2, -3000, 4000, 32767, -32768, 7};
    byte[] codes = new byte[9];
    codes[0] = 0x11;
    codes[8] = 0x22;
    G711.PCMA.encode(pcm, 1, codes, 2, 5);
    assertEquals(0x11, codes[0]);
    assertEquals(0, codes[1]);
    assertEquals(0x22, codes[8]);
    for (int i = 0; i < 5; i++) {
      assertEquals(G711.PCMA.encode(pcm[1 + i]), codes[2 + i]);
    }
    short[] out = new short[8];
    G711.PCMA.decode(codes, 2, out, 3, 5);
    short[] expected = new short[8];
    for (int i = 0; i < 5; i++) {
      expected[3 + i] = G711.PCMA.decode(codes[2 + i]);
    }
    assertArrayEquals(expected, out);
  }

  /** An independent reference: the JDK's own G.711 converters decode every code the same way. */
  @ParameterizedTest
  @EnumSource(G711.class)
  void decodingMatchesTheJdkConverter(G711 law) throws Exception {
    AudioFormat.Encoding encoding =
        law == G711.PCMU ? AudioFormat.Encoding.ULAW : AudioFormat.Encoding.ALAW;
    AudioFormat codesFormat = new AudioFormat(encoding, 8000, 8, 1, 1, 8000, false);
    AudioFormat pcmFormat = new AudioFormat(8000, 16, 1, true, false);
    byte[] codes = new byte[256];
    for (int c = 0; c < 256; c++) {
      codes[c] = (byte) c;
    }
    byte[] linear;
    try (AudioInputStream in = AudioSystem.getAudioInputStream(pcmFormat,
        new AudioInputStream(new ByteArrayInputStream(codes), codesFormat, 256))) {
      linear = in.readAllBytes();
    }
    for (int c = 0; c < 256; c++) {
      short jdk = (short) ((linear[2 * c] & 0xFF) | (linear[2 * c + 1] << 8));
      assertEquals(jdk, law.decode(c), "code " + c);
    }
  }

  @Test
  void payloadTypesAreTheStaticOnes() {
    assertEquals(0, G711.PCMU.payloadType());
    assertEquals(8, G711.PCMA.payloadType());
  }

  /** Quantisation step, in 16-bit units, of the segment a code belongs to. */
  private static int step(G711 law, byte code) {
    if (law == G711.PCMU) {
      int segment = ((~code) >> 4) & 0x07;
      return 8 << segment;
    }
    int segment = ((code ^ 0x55) >> 4) & 0x07;
    return segment == 0 ? 16 : 16 << (segment - 1);
  }
}
