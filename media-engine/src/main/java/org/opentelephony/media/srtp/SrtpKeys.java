package org.opentelephony.media.srtp;

import java.util.Arrays;
import java.util.Objects;

/**
 * Master keys of one SRTP leg. "Local" protects what we send; "remote" unprotects what the peer
 * sends (for DTLS-SRTP: the client write key is the client's local key and the server's remote
 * key, RFC 5764 4.2).
 */
public record SrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey,
    byte[] remoteSalt) {

  public SrtpKeys {
    Objects.requireNonNull(profile, "profile");
    check("local key", localKey, profile.keyLength());
    check("local salt", localSalt, profile.saltLength());
    check("remote key", remoteKey, profile.keyLength());
    check("remote salt", remoteSalt, profile.saltLength());
    localKey = localKey.clone();
    localSalt = localSalt.clone();
    remoteKey = remoteKey.clone();
    remoteSalt = remoteSalt.clone();
  }

  private static void check(String what, byte[] value, int length) {
    Objects.requireNonNull(value, what);
    if (value.length != length) {
      throw new IllegalArgumentException(what + " is " + value.length + " bytes, want " + length);
    }
  }

  @Override
  public byte[] localKey() {
    return localKey.clone();
  }

  @Override
  public byte[] localSalt() {
    return localSalt.clone();
  }

  @Override
  public byte[] remoteKey() {
    return remoteKey.clone();
  }

  @Override
  public byte[] remoteSalt() {
    return remoteSalt.clone();
  }

  /** The same keys seen from the peer: what we send is what it receives. */
  public SrtpKeys mirrored() {
    return new SrtpKeys(profile, remoteKey, remoteSalt, localKey, localSalt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SrtpKeys k && k.profile == profile && Arrays.equals(k.localKey, localKey)
        && Arrays.equals(k.localSalt, localSalt) && Arrays.equals(k.remoteKey, remoteKey)
        && Arrays.equals(k.remoteSalt, remoteSalt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(profile, Arrays.hashCode(localKey), Arrays.hashCode(remoteKey));
  }

  /** Never prints key material. */
  @Override
  public String toString() {
    return "SrtpKeys[" + profile + "]";
  }
}
