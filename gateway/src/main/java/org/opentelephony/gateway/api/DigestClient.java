package org.opentelephony.gateway.api;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.ListIterator;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.message.Response;
import org.opentelephony.sip.auth.DigestAlgorithm;

/**
 * Answers the server's 407 challenge for an API user from the account's stored MD5 HA1 (the
 * password itself is never kept): RFC 7616 with qop=auth.
 */
final class DigestClient {
  private static final SecureRandom RANDOM = new SecureRandom();

  private DigestClient() {
  }

  /** The Proxy-Authorization value for {@code method uri}, or null if no MD5 challenge. */
  static String authorize(Response challenge, String user, String ha1Md5, String method,
      String uri) {
    ListIterator<?> it = challenge.getHeaders(ProxyAuthenticateHeader.NAME);
    while (it != null && it.hasNext()) {
      ProxyAuthenticateHeader h = (ProxyAuthenticateHeader) it.next();
      String alg = h.getAlgorithm();
      if (alg != null && !alg.equalsIgnoreCase("MD5")) {
        continue;
      }
      String realm = h.getRealm();
      String nonce = h.getNonce();
      String qop = h.getQop();
      boolean withQop = qop != null && qop.toLowerCase(java.util.Locale.ROOT).contains("auth");
      String nc = "00000001";
      byte[] c = new byte[8];
      RANDOM.nextBytes(c);
      String cnonce = HexFormat.of().formatHex(c);
      String ha2 = DigestAlgorithm.MD5.hex(method + ":" + uri);
      String response = withQop
          ? DigestAlgorithm.MD5.hex(ha1Md5 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
          : DigestAlgorithm.MD5.hex(ha1Md5 + ":" + nonce + ":" + ha2);
      StringBuilder sb = new StringBuilder("Digest username=\"").append(user)
          .append("\",realm=\"").append(realm).append("\",nonce=\"").append(nonce)
          .append("\",uri=\"").append(uri).append("\",response=\"").append(response)
          .append("\",algorithm=MD5");
      if (withQop) {
        sb.append(",qop=auth,nc=").append(nc).append(",cnonce=\"").append(cnonce).append('"');
      }
      return sb.toString();
    }
    return null;
  }
}
