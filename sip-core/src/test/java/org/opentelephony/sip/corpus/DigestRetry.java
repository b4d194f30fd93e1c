package org.opentelephony.sip.corpus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the retry of a request with MD5 digest credentials answering a 401/407, the way a
 * client does it: CSeq + 1, a new branch, the credentials header added. Test code only.
 */
final class DigestRetry {
  private static final Pattern CHALLENGE = Pattern.compile(
      "(?im)^(WWW|Proxy)-Authenticate:\\s*Digest\\s+(.*algorithm=MD5.*)$");

  private DigestRetry() {
  }

  static String answer(String request, String challenge, String user, String password)
      throws Exception {
    Matcher m = CHALLENGE.matcher(challenge);
    if (!m.find()) {
      throw new AssertionError("no MD5 challenge in:\n" + challenge);
    }
    boolean proxy = m.group(1).equalsIgnoreCase("Proxy");
    String params = m.group(2);
    String realm = param(params, "realm");
    String nonce = param(params, "nonce");
    String firstLine = request.substring(0, request.indexOf("\r\n"));
    String method = firstLine.substring(0, firstLine.indexOf(' '));
    String uri = firstLine.split(" ")[1];
    String ha1 = md5(user + ":" + realm + ":" + password);
    String ha2 = md5(method + ":" + uri);
    String response = md5(ha1 + ":" + nonce + ":00000001:cafe:auth:" + ha2);
    String header = (proxy ? "Proxy-Authorization" : "Authorization") + ": Digest username=\""
        + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
        + "\", response=\"" + response + "\", algorithm=MD5, qop=auth, nc=00000001,"
        + " cnonce=\"cafe\"\r\n";
    Matcher cseq = Pattern.compile("(?im)^CSeq:\\s*(\\d+)").matcher(request);
    if (!cseq.find()) {
      throw new AssertionError("no CSeq");
    }
    long next = Long.parseLong(cseq.group(1)) + 1;
    String retry = request.substring(0, cseq.start()) + "CSeq: " + next
        + request.substring(cseq.end());
    retry = retry.replaceFirst("branch=([^;\\r\\n]+)", "branch=$1-retry");
    int endOfFirst = retry.indexOf("\r\n") + 2;
    return retry.substring(0, endOfFirst) + header + retry.substring(endOfFirst);
  }

  private static String param(String params, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(params);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in " + params);
    }
    return m.group(1);
  }

  private static String md5(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
