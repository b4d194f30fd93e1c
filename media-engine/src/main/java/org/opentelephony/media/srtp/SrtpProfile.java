package org.opentelephony.media.srtp;

import java.util.Optional;
import org.jitsi.srtp.SrtpPolicy;

/**
 * The SRTP protection profiles we negotiate in DTLS-SRTP (RFC 5764 4.1.2, RFC 7714 14.2), with the
 * lengths that size master keys and the packet overhead.
 */
public enum SrtpProfile {
  /** RFC 3711 default transform; every WebRTC stack supports it. 80-bit HMAC-SHA1 tag. */
  AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10, 10),
  /** RFC 7714 AES-GCM; 16-byte tag that authenticates and encrypts in one pass. */
  AEAD_AES_128_GCM(0x0007, 16, 12, 16, 16);

  /** SRTCP adds a 4-byte E flag + index (RFC 3711 3.4) before the tag. */
  static final int SRTCP_INDEX_LENGTH = 4;
  /** HMAC-SHA1 session authentication key length (RFC 3711 8.2: n_a = 160 bits). */
  static final int HMAC_SHA1_KEY_LENGTH = 20;

  private final int dtlsId;
  private final int keyLength;
  private final int saltLength;
  private final int rtpTagLength;
  private final int rtcpTagLength;

  SrtpProfile(int dtlsId, int keyLength, int saltLength, int rtpTagLength, int rtcpTagLength) {
    this.dtlsId = dtlsId;
    this.keyLength = keyLength;
    this.saltLength = saltLength;
    this.rtpTagLength = rtpTagLength;
    this.rtcpTagLength = rtcpTagLength;
  }

  /** SRTPProtectionProfile value in the DTLS use_srtp extension. */
  public int dtlsId() {
    return dtlsId;
  }

  /** Master key length in bytes. */
  public int keyLength() {
    return keyLength;
  }

  /** Master salt length in bytes. */
  public int saltLength() {
    return saltLength;
  }

  /** Bytes SRTP appends to an RTP packet. */
  public int rtpOverhead() {
    return rtpTagLength;
  }

  /** Bytes SRTCP appends to an RTCP packet: index word and tag. */
  public int rtcpOverhead() {
    return SRTCP_INDEX_LENGTH + rtcpTagLength;
  }

  /** The profile with this use_srtp id, if we support it. */
  public static Optional<SrtpProfile> fromDtlsId(int id) {
    for (SrtpProfile p : values()) {
      if (p.dtlsId == id) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** A fresh jitsi-srtp policy (it is mutable, so never shared between factories). */
  SrtpPolicy newPolicy() {
    return switch (this) {
      case AES_CM_128_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, keyLength,
          SrtpPolicy.HMACSHA1_AUTHENTICATION, HMAC_SHA1_KEY_LENGTH, rtpTagLength, saltLength);
      case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, keyLength,
          SrtpPolicy.NULL_AUTHENTICATION, 0, rtpTagLength, saltLength);
    };
  }
}
