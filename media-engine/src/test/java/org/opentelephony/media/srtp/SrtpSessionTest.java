package org.opentelephony.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentelephony.media.srtp.SrtpSession.Failure;

class SrtpSessionTest {
  private static final HexFormat HEX = HexFormat.of();
  /** RTP: v=2 PT 0 seq 0x1234 ts 0x190 ssrc 0xdeadbeef, 20 bytes of payload. */
  private static final String RTP = "80001234" + "00000190" + "deadbeef" + "00112233445566778899"
      + "aabbccddeeff00112233";
  /** RTCP RR from 0xdeadbeef with no report blocks, then an empty SDES. */
  private static final String RTCP = "80c90001" + "deadbeef" + "81ca0000";

  static SrtpKeys keys(SrtpProfile p, int seed) {
    byte[] a = new byte[p.keyLength()];
    byte[] b = new byte[p.saltLength()];
    byte[] c = new byte[p.keyLength()];
    byte[] d = new byte[p.saltLength()];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) (seed + i);
      c[i] = (byte) (seed + 100 + i);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed + 50 + i);
      d[i] = (byte) (seed + 150 + i);
    }
    return new SrtpKeys(p, a, b, c, d);
  }

  /** The packet at offset 7 of a buffer with exactly MAX_OVERHEAD bytes of room behind it. */
  static byte[] framed(String hex) {
    byte[] p = HEX.parseHex(hex);
    byte[] buf = new byte[7 + p.length + SrtpSession.MAX_OVERHEAD];
    System.arraycopy(p, 0, buf, 7, p.length);
    return buf;
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void rtpRoundTripInPlaceAtAnOffset(SrtpProfile profile) {
    SrtpKeys k = keys(profile, 1);
    SrtpSession alice = new SrtpSession(k);
    SrtpSession bob = new SrtpSession(k.mirrored());
    byte[] buf = framed(RTP);
    int plainLen = RTP.length() / 2;

    int len = alice.protectRtp(buf, 7, plainLen);
    assertEquals(plainLen + profile.rtpOverhead(), len);
    assertEquals(RTP.substring(0, 24), HEX.formatHex(buf, 7, 19), "header stays in the clear");
    assertTrue(!RTP.substring(24).equals(HEX.formatHex(buf, 19, 7 + plainLen)), "payload hidden");

    assertEquals(plainLen, bob.unprotectRtp(buf, 7, len));
    assertEquals(RTP, HEX.formatHex(buf, 7, 7 + plainLen));
    assertEquals(1, alice.stats().protectedPackets());
    assertEquals(1, bob.stats().unprotectedPackets());
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void rtcpRoundTrip(SrtpProfile profile) {
    SrtpKeys k = keys(profile, 2);
    SrtpSession alice = new SrtpSession(k);
    SrtpSession bob = new SrtpSession(k.mirrored());
    byte[] buf = framed(RTCP);
    int plainLen = RTCP.length() / 2;

    int len = alice.protectRtcp(buf, 7, plainLen);
    assertEquals(plainLen + profile.rtcpOverhead(), len);
    assertEquals(plainLen, bob.unprotectRtcp(buf, 7, len));
    assertEquals(RTCP, HEX.formatHex(buf, 7, 7 + plainLen));
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void tamperedPacketsFailAuthenticationAndAreCounted(SrtpProfile profile) {
    SrtpKeys k = keys(profile, 3);
    SrtpSession alice = new SrtpSession(k);
    SrtpSession bob = new SrtpSession(k.mirrored());

    byte[] rtp = framed(RTP);
    int len = alice.protectRtp(rtp, 7, RTP.length() / 2);
    rtp[7 + 14] ^= 0x01;
    assertEquals(Failure.AUTH_FAILED.code(), bob.unprotectRtp(rtp, 7, len));

    byte[] rtcp = framed(RTCP);
    int rlen = alice.protectRtcp(rtcp, 7, RTCP.length() / 2);
    rtcp[7 + 9] ^= 0x40;
    assertEquals(Failure.AUTH_FAILED, Failure.of(bob.unprotectRtcp(rtcp, 7, rlen)));

    assertEquals(2, bob.stats().authFailures());
    assertEquals(0, bob.stats().unprotectedPackets());
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void wrongKeysFailAuthentication(SrtpProfile profile) {
    SrtpSession alice = new SrtpSession(keys(profile, 4));
    SrtpSession mallory = new SrtpSession(keys(profile, 5).mirrored());
    byte[] buf = framed(RTP);
    int len = alice.protectRtp(buf, 7, RTP.length() / 2);
    assertEquals(Failure.AUTH_FAILED.code(), mallory.unprotectRtp(buf, 7, len));
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void replayedPacketsAreRejectedAndCounted(SrtpProfile profile) {
    SrtpKeys k = keys(profile, 6);
    SrtpSession alice = new SrtpSession(k);
    SrtpSession bob = new SrtpSession(k.mirrored());

    byte[] rtp = framed(RTP);
    int len = alice.protectRtp(rtp, 7, RTP.length() / 2);
    byte[] copy = rtp.clone();
    assertEquals(RTP.length() / 2, bob.unprotectRtp(rtp, 7, len));
    assertEquals(Failure.REPLAYED.code(), bob.unprotectRtp(copy, 7, len));

    byte[] rtcp = framed(RTCP);
    int rlen = alice.protectRtcp(rtcp, 7, RTCP.length() / 2);
    byte[] rcopy = rtcp.clone();
    assertEquals(RTCP.length() / 2, bob.unprotectRtcp(rtcp, 7, rlen));
    assertEquals(Failure.REPLAYED.code(), bob.unprotectRtcp(rcopy, 7, rlen));

    assertEquals(2, bob.stats().replays());
  }

  @Test
  void sendingTheSameRtpIndexTwiceIsRefused() {
    SrtpSession alice = new SrtpSession(keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 11));
    byte[] first = framed(RTP);
    byte[] again = framed(RTP);
    assertTrue(alice.protectRtp(first, 7, RTP.length() / 2) > 0);
    // Same SSRC and sequence number: the same keystream, so jitsi-srtp will not encrypt it.
    assertEquals(Failure.REPLAYED.code(), alice.protectRtp(again, 7, RTP.length() / 2));
    assertEquals(1, alice.stats().sendReplays());
    assertEquals(0, alice.stats().replays(), "receive-side counter untouched");
  }

  @Test
  void eachSsrcHasItsOwnContext() {
    SrtpKeys k = keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 7);
    SrtpSession alice = new SrtpSession(k);
    SrtpSession bob = new SrtpSession(k.mirrored());
    // Same sequence number on two SSRCs: one shared replay window would reject the second.
    byte[] a = framed(RTP);
    byte[] b = framed(RTP.replace("deadbeef", "cafebabe"));
    int la = alice.protectRtp(a, 7, RTP.length() / 2);
    int lb = alice.protectRtp(b, 7, RTP.length() / 2);
    assertTrue(!Arrays.equals(a, 19, 7 + la, b, 19, 7 + lb), "per-SSRC keystream");
    assertEquals(RTP.length() / 2, bob.unprotectRtp(a, 7, la));
    assertEquals(RTP.length() / 2, bob.unprotectRtp(b, 7, lb));
  }

  @Test
  void malformedInputIsCountedNotThrown() {
    SrtpSession s = new SrtpSession(keys(SrtpProfile.AEAD_AES_128_GCM, 8));
    byte[] shortOne = framed("80001234");
    assertEquals(Failure.MALFORMED.code(), s.unprotectRtp(shortOne, 7, 4));
    assertEquals(Failure.MALFORMED.code(), s.protectRtp(shortOne, 7, 4));
    byte[] notRtcp = framed("80001234" + "deadbeef");
    assertEquals(Failure.MALFORMED.code(), s.protectRtcp(notRtcp, 7, 8));
    byte[] version1 = framed("40c90001deadbeef" + "00".repeat(20));
    assertEquals(Failure.MALFORMED.code(), s.unprotectRtcp(version1, 7, 28));
    assertEquals(4, s.stats().malformed());
  }

  @Test
  void protectingWithoutRoomIsACallerBug() {
    SrtpSession s = new SrtpSession(keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 9));
    byte[] exact = HEX.parseHex(RTP);
    assertThrows(IllegalArgumentException.class, () -> s.protectRtp(exact, 0, exact.length));
  }

  @Test
  void maxOverheadCoversEveryProfile() {
    for (SrtpProfile p : SrtpProfile.values()) {
      assertTrue(p.rtpOverhead() <= SrtpSession.MAX_OVERHEAD, p.name());
      assertTrue(p.rtcpOverhead() <= SrtpSession.MAX_OVERHEAD, p.name());
    }
    assertEquals(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.fromDtlsId(7).orElseThrow());
    assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.fromDtlsId(1).orElseThrow());
    assertTrue(SrtpProfile.fromDtlsId(2).isEmpty(), "SHA1_32 is not offered");
  }

  @Test
  void closedSessionRefusesPackets() {
    SrtpSession s = new SrtpSession(keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 10));
    s.close();
    byte[] buf = framed(RTP);
    assertEquals(Failure.CRYPTO_ERROR.code(), s.protectRtp(buf, 7, RTP.length() / 2));
  }

  // ---- known answers, through the whole session (master key -> KDF -> packet) ----

  /**
   * libSRTP's reference packets, test/srtp_driver.c (cisco/libsrtp): srtp_validate() for the
   * default policy AES_CM_128_HMAC_SHA1_80 (SSRC 0xcafebabe, seq 0x1234, ROC 0) and the SRTCP
   * packet of the same function in libSRTP 2.x (first SRTCP index 1, E flag set).
   */
  @Test
  void aesCmKnownAnswerFromLibsrtp() {
    SrtpKeys k = kat(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
        "e1f97a0d3e018be0d64fa32c06de4139", "0ec675ad498afeebb6960b3aabe6");
    checkRtp(k, "800f1234decafbadcafebabe" + "ab".repeat(16),
        "800f1234decafbadcafebabe" + "4e55dc4ce79978d88ca4d215949d2402" + "b78d6acc99ea179b8dbb");
    checkRtcp(k, "81c8000bcafebabe" + "ab".repeat(16),
        "81c8000bcafebabe" + "7128035be487b9bdbef89041f977a5a8" + "80000001"
            + "993e08cd54d6c1230798");
  }

  /**
   * libSRTP's AES-GCM reference packets, test/srtp_driver.c srtp_validate_gcm()
   * (policy aes_gcm_128_16_auth, i.e. AEAD_AES_128_GCM with a 16-byte tag; master key
   * 000102..0f, master salt a0a1..ab).
   */
  @Test
  void aeadAesGcmKnownAnswerFromLibsrtp() {
    SrtpKeys k = kat(SrtpProfile.AEAD_AES_128_GCM,
        "000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaab");
    checkRtp(k, "800f1234decafbadcafebabe" + "ab".repeat(16),
        "800f1234decafbadcafebabe" + "c5002ede04cfdd2eb91159e0880aa06e"
            + "d2976826f796b201df3131a127e8a392");
    checkRtcp(k, "81c8000bcafebabe" + "ab".repeat(16),
        "81c8000bcafebabe" + "c98b8b5df0392a55852b6c21ac8e7025"
            + "c52c6fbea2b3b446ea31123ba88ce61e" + "80000001");
  }

  private static SrtpKeys kat(SrtpProfile p, String key, String salt) {
    byte[] k = HEX.parseHex(key);
    byte[] s = HEX.parseHex(salt);
    return new SrtpKeys(p, k, s, k, s);
  }

  private static void checkRtp(SrtpKeys k, String plain, String cipher) {
    byte[] buf = framed(plain);
    int len = new SrtpSession(k).protectRtp(buf, 7, plain.length() / 2);
    assertEquals(cipher, HEX.formatHex(buf, 7, 7 + len), "SRTP protect");
    byte[] in = framed(cipher);
    assertEquals(plain.length() / 2, new SrtpSession(k).unprotectRtp(in, 7, cipher.length() / 2));
    assertEquals(plain, HEX.formatHex(in, 7, 7 + plain.length() / 2), "SRTP unprotect");
  }

  private static void checkRtcp(SrtpKeys k, String plain, String cipher) {
    byte[] in = framed(cipher);
    assertEquals(plain.length() / 2, new SrtpSession(k).unprotectRtcp(in, 7, cipher.length() / 2),
        "SRTCP unprotect");
    assertEquals(plain, HEX.formatHex(in, 7, 7 + plain.length() / 2), "SRTCP unprotect");
    // jitsi-srtp numbers its first SRTCP packet 0 (RFC 3711 3.4 leaves the start open), libSRTP 1:
    // our first packet carries index 0, so the reference packet is the second one we send.
    SrtpSession s = new SrtpSession(k);
    byte[] first = framed(plain);
    int firstLen = s.protectRtcp(first, 7, plain.length() / 2);
    // E flag + index: before the HMAC tag (RFC 3711 3.4), after the GCM tag (RFC 7714 9.1)
    int index = k.profile() == SrtpProfile.AEAD_AES_128_GCM ? 7 + firstLen - 4
        : 7 + firstLen - k.profile().rtcpOverhead();
    assertEquals("80000000", HEX.formatHex(first, index, index + 4), "first SRTCP index");
    byte[] buf = framed(plain);
    int len = s.protectRtcp(buf, 7, plain.length() / 2);
    assertArrayEquals(HEX.parseHex(cipher), Arrays.copyOfRange(buf, 7, 7 + len), "SRTCP protect");
  }
}
