package org.opentelephony.media.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opentelephony.media.dtls.DtlsSession.State;
import org.opentelephony.media.srtp.SrtpProfile;

/** The small pieces of the DTLS package: roles, fingerprints, the lifecycle table. */
class DtlsPartsTest {
  @ParameterizedTest(name = "remote {0} -> we are {1}")
  @CsvSource({"active, SERVER", "ACTIVE, SERVER", "actpass, SERVER", "passive, CLIENT",
      " passive , CLIENT"})
  void roleFromTheRemoteSetup(String remote, DtlsRole expected) {
    assertEquals(expected, DtlsRole.fromRemoteSetup(remote));
  }

  @Test
  void setupWeAnswerAndWhatWeRefuse() {
    assertEquals("passive", DtlsRole.SERVER.localSetup());
    assertEquals("active", DtlsRole.CLIENT.localSetup());
    assertThrows(IllegalArgumentException.class, () -> DtlsRole.fromRemoteSetup("holdconn"));
  }

  @Test
  void fingerprintHasTheSdpForm() {
    DtlsCertificate c = DtlsCertificate.generate();
    String fp = c.fingerprint();
    assertTrue(fp.matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"), fp);
    assertEquals(fp, DtlsCertificate.fingerprintOf(c.encoded(), "SHA-256"));
    assertNotEquals(fp, DtlsCertificate.generate().fingerprint(), "a new key each time");
    assertSame(DtlsCertificate.forProcess(), DtlsCertificate.forProcess());
  }

  @ParameterizedTest
  @CsvSource({"sha-1, 20", "sha-256, 32", "sha-384, 48", "sha-512, 64"})
  void peerFingerprintsInEveryHashPeersUse(String hash, int bytes) {
    byte[] der = DtlsCertificate.forProcess().encoded();
    String fp = DtlsCertificate.fingerprintOf(der, hash);
    assertEquals(hash.length() + 1 + bytes * 3 - 1, fp.length(), fp);
    assertTrue(DtlsCertificate.matches(fp, der));
    assertTrue(DtlsCertificate.matches(" " + fp.toLowerCase(Locale.ROOT) + " ", der),
        "case and spaces do not matter");
  }

  @Test
  void malformedOrForeignFingerprintsDoNotMatch() {
    byte[] der = DtlsCertificate.forProcess().encoded();
    String other = DtlsCertificate.generate().fingerprint();
    assertFalse(DtlsCertificate.matches(other, der));
    assertFalse(DtlsCertificate.matches(null, der));
    assertFalse(DtlsCertificate.matches("", der));
    assertFalse(DtlsCertificate.matches("sha-256", der));
    assertFalse(DtlsCertificate.matches("md5 AB:CD", der));
    assertThrows(IllegalArgumentException.class, () -> DtlsCertificate.fingerprintOf(der, "md5"));
  }

  @Test
  void lifecycleTable() {
    Set<String> legal = Set.of("NEW>CONNECTING", "NEW>CLOSED", "CONNECTING>CONNECTED",
        "CONNECTING>FAILED", "CONNECTING>CLOSED", "CONNECTED>FAILED", "CONNECTED>CLOSED");
    for (State from : State.values()) {
      for (State to : State.values()) {
        assertEquals(legal.contains(from + ">" + to), DtlsSession.legal(from, to), from + ">" + to);
      }
    }
    for (State terminal : EnumSet.of(State.FAILED, State.CLOSED)) {
      for (State to : State.values()) {
        assertFalse(DtlsSession.legal(terminal, to), terminal + " is final");
      }
    }
  }

  @Test
  void serverPicksOurPreferenceAmongWhatTheClientOffers() {
    assertEquals(SrtpProfile.AEAD_AES_128_GCM, Handshake.choose(new int[] {0x0001, 0x0007}));
    assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, Handshake.choose(new int[] {0x0002, 0x0001}));
    assertEquals(null, Handshake.choose(new int[] {0x0002, 0x0008}));
    assertEquals(null, Handshake.choose(new int[0]));
  }
}
