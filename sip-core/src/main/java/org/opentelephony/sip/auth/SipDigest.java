package org.opentelephony.sip.auth;

import gov.nist.javax.sip.header.AuthenticationHeader;
import java.text.ParseException;
import java.util.List;
import java.util.ListIterator;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.opentelephony.sip.transport.SipContext;

/**
 * Digest authentication of SIP requests: reads credentials from Authorization (REGISTER) or
 * Proxy-Authorization (INVITE) and answers with 401/407 challenges, one per offered algorithm.
 */
public final class SipDigest {
  /** Which pair of headers a request kind uses (RFC 3261 22.2 vs 22.3). */
  public enum Kind {
    REGISTRAR(401, "Authorization"),
    PROXY(407, "Proxy-Authorization");

    final int status;
    final String credentialsHeader;

    Kind(int status, String credentialsHeader) {
      this.status = status;
      this.credentialsHeader = credentialsHeader;
    }
  }

  private final DigestAuthenticator authenticator;
  private final List<DigestAlgorithm> algorithms;
  private final List<String> md5OnlyAgents;
  private final SipContext sip;

  /**
   * @param md5OnlyAgents lower-case User-Agent fragments of clients that fail when any SHA-256
   *                      challenge is present (baresip 1.0.0 does): they are offered MD5 alone
   */
  public SipDigest(DigestAuthenticator authenticator, List<DigestAlgorithm> algorithms,
      List<String> md5OnlyAgents, SipContext sip) {
    this.authenticator = authenticator;
    this.algorithms = List.copyOf(algorithms);
    this.md5OnlyAgents = md5OnlyAgents.stream()
        .map(a -> a.toLowerCase(java.util.Locale.ROOT)).toList();
    this.sip = sip;
  }

  /** Verifies the request's credentials for our realm. */
  public AuthResult verify(Request request, Kind kind) {
    return authenticator.verify(request.getMethod(), credentials(request, kind));
  }

  /** The credentials for our realm, or null if the request has none. */
  DigestCredentials credentials(Request request, Kind kind) {
    ListIterator<?> it = request.getHeaders(kind.credentialsHeader);
    while (it != null && it.hasNext()) {
      Object h = it.next();
      if (!(h instanceof AuthenticationHeader a)) {
        continue;
      }
      if (!"Digest".equalsIgnoreCase(a.getScheme())
          || !authenticator.realm().equals(a.getRealm())) {
        continue;
      }
      return new DigestCredentials(
          a.getUsername(),
          a.getRealm(),
          a.getNonce(),
          unquote(a.getParameter("uri")),
          a.getResponse(),
          a.getAlgorithm(),
          a.getQop(),
          unquote(a.getParameter("nc")),
          a.getCNonce());
    }
    return null;
  }

  private static String unquote(String s) {
    if (s != null && s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private List<DigestAlgorithm> offeredTo(Request request) {
    javax.sip.header.UserAgentHeader ua =
        (javax.sip.header.UserAgentHeader) request.getHeader(javax.sip.header.UserAgentHeader.NAME);
    if (ua == null || md5OnlyAgents.isEmpty() || !algorithms.contains(DigestAlgorithm.MD5)) {
      return algorithms;
    }
    String agent = ua.toString().toLowerCase(java.util.Locale.ROOT);
    for (String fragment : md5OnlyAgents) {
      if (agent.contains(fragment)) {
        return List.of(DigestAlgorithm.MD5);
      }
    }
    return algorithms;
  }

  /** A 401 or 407 with one challenge per configured algorithm, in order of preference. */
  public Response challenge(Request request, Kind kind, boolean stale) {
    Response r = sip.response(request, kind.status);
    HeaderFactory hf = sip.headers();
    try {
      for (DigestAlgorithm alg : offeredTo(request)) {
        AuthenticationHeader h = kind == Kind.REGISTRAR
            ? (AuthenticationHeader) hf.createWWWAuthenticateHeader("Digest")
            : (AuthenticationHeader) hf.createProxyAuthenticateHeader("Digest");
        h.setRealm(authenticator.realm());
        h.setNonce(authenticator.nonces().issue());
        h.setAlgorithm(alg.sipName());
        h.setQop("auth");
        if (stale) {
          h.setStale(true);
        }
        r.addHeader(kind == Kind.REGISTRAR ? (WWWAuthenticateHeader) h
            : (ProxyAuthenticateHeader) h);
      }
    } catch (ParseException e) {
      throw new IllegalStateException("cannot build challenge", e);
    }
    return r;
  }
}
