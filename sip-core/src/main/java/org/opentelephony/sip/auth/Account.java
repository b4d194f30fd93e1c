package org.opentelephony.sip.auth;

/** A local user: its name and the HA1 hashes of its password for each digest algorithm. */
public record Account(String user, String ha1Md5, String ha1Sha256, boolean videoAllowed) {

  public String ha1(DigestAlgorithm algorithm) {
    return algorithm == DigestAlgorithm.MD5 ? ha1Md5 : ha1Sha256;
  }

  /** Builds an account from a clear password, which is hashed and then forgotten. */
  public static Account withPassword(String user, String realm, String password) {
    return new Account(user,
        DigestAlgorithm.MD5.ha1(user, realm, password),
        DigestAlgorithm.SHA_256.ha1(user, realm, password),
        true);
  }

  @Override
  public String toString() {
    return "Account[" + user + "]"; // hashes stay out of logs
  }
}
