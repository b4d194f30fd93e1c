package org.opentelephony.media.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.junit.jupiter.api.Test;

/**
 * RFC 7714 sections 16.1 (RTP) and 17.1 (RTCP) AEAD_AES_128_GCM packet vectors. They give the
 * session key and salt, not master keys, so they cannot enter through {@link SrtpSession} (which
 * always runs the RFC 3711 KDF; the libSRTP vectors in {@link SrtpSessionTest} cover that path).
 * Here the contexts {@link SrtpSession} uses get the RFC's session keys put in after derivation,
 * and the packets go through {@link PacketBuffer} as in the session: this checks jitsi-srtp's GCM
 * nonce, AAD and tag layout against the RFC.
 *
 * <p>Values as printed in RFC 7714 (https://www.rfc-editor.org/rfc/rfc7714, sections 16.1.1,
 * 16.1.2, 17.1.1, 17.1.2).
 */
class Rfc7714VectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  private static final byte[] SALT = HEX.parseHex("517569642070726f2071756f");

  private static final String RTP_PLAIN = "8040f17b8041f8d35501a0b2"
      + "47616c6c696120657374206f6d6e6973206469766973612069" + "6e207061727465732074726573";
  private static final String SRTP = "8040f17b8041f8d35501a0b2"
      + "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d"
      + "7f27beb16a9152cf765ee4390cce";

  private static final String RTCP_PLAIN = "81c8000d4d617273"
      + "4e5450314e545032525450200000042a0000e9304c756e61"
      + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
  private static final String SRTCP = "81c8000d4d617273"
      + "63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded"
      + "0bb9275bc84aa45896cf4d2fc5abf87245d9eade" + "800005d4";
  private static final int SRTCP_INDEX = 0x5d4;

  @Test
  void rtpPacketEncryptsAndDecryptsToTheRfcBytes() throws GeneralSecurityException {
    byte[] buf = framed(RTP_PLAIN);
    PacketBuffer b = new PacketBuffer().point(buf, 3, RTP_PLAIN.length() / 2);
    assertEquals(SrtpErrorStatus.OK, rtpContext(true, 0x5501a0b2).transformPacket(b));
    assertEquals(SRTP, HEX.formatHex(buf, 3, 3 + b.getLength()));

    byte[] in = framed(SRTP);
    PacketBuffer r = new PacketBuffer().point(in, 3, SRTP.length() / 2);
    assertEquals(SrtpErrorStatus.OK, rtpContext(false, 0x5501a0b2).reverseTransformPacket(r, false));
    assertEquals(RTP_PLAIN, HEX.formatHex(in, 3, 3 + r.getLength()));
  }

  @Test
  void rtcpPacketEncryptsAndDecryptsToTheRfcBytes() throws GeneralSecurityException {
    SrtcpCryptoContext sender = rtcpContext(0x4d617273);
    // The vector's SRTCP index is 0x5d4: send that many packets first to get there.
    for (int i = 0; i < SRTCP_INDEX; i++) {
      byte[] warm = framed(RTCP_PLAIN);
      sender.transformPacket(new PacketBuffer().point(warm, 3, RTCP_PLAIN.length() / 2));
    }
    byte[] buf = framed(RTCP_PLAIN);
    PacketBuffer b = new PacketBuffer().point(buf, 3, RTCP_PLAIN.length() / 2);
    assertEquals(SrtpErrorStatus.OK, sender.transformPacket(b));
    assertEquals(SRTCP, HEX.formatHex(buf, 3, 3 + b.getLength()));

    byte[] in = framed(SRTCP);
    PacketBuffer r = new PacketBuffer().point(in, 3, SRTCP.length() / 2);
    assertEquals(SrtpErrorStatus.OK, rtcpContext(0x4d617273).reverseTransformPacket(r));
    assertEquals(RTCP_PLAIN, HEX.formatHex(in, 3, 3 + r.getLength()));
  }

  private static byte[] framed(String hex) {
    byte[] p = HEX.parseHex(hex);
    byte[] buf = new byte[3 + p.length + SrtpSession.MAX_OVERHEAD];
    System.arraycopy(p, 0, buf, 3, p.length);
    return buf;
  }

  private static SrtpCryptoContext rtpContext(boolean sender, int ssrc)
      throws GeneralSecurityException {
    return new SessionKeyedRtp(sender, ssrc);
  }

  private static SrtcpCryptoContext rtcpContext(int ssrc) throws GeneralSecurityException {
    return new SessionKeyedRtcp(ssrc);
  }

  /** A context whose derived session key and salt are replaced by the RFC's. */
  private static final class SessionKeyedRtp extends SrtpCryptoContext {
    SessionKeyedRtp(boolean sender, int ssrc) throws GeneralSecurityException {
      super(sender, ssrc, 0, new byte[16], new byte[12],
          SrtpProfile.AEAD_AES_128_GCM.newPolicy(), JitsiLogger.INSTANCE);
      cipher.init(KEY, null);
      System.arraycopy(SALT, 0, saltKey, 0, SALT.length);
    }
  }

  private static final class SessionKeyedRtcp extends SrtcpCryptoContext {
    SessionKeyedRtcp(int ssrc) throws GeneralSecurityException {
      super(ssrc, new byte[16], new byte[12], SrtpProfile.AEAD_AES_128_GCM.newPolicy(),
          JitsiLogger.INSTANCE);
      cipher.init(KEY, null);
      System.arraycopy(SALT, 0, saltKey, 0, SALT.length);
    }
  }
}
