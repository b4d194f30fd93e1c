package org.opentelephony.sip.transport;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ListIterator;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.header.FromHeader;
import javax.sip.header.ViaHeader;

/**
 * Loop detection of RFC 3261 16.3 step 4 / 16.6 step 8 for the requests the B2BUA originates:
 * their Via branch starts with a hash of the fields that identify the request. If such a request
 * comes back to us unchanged, a lower Via carries our address and the same hash: a loop. If its
 * Request-URI changed on the way (a spiral), the hash differs and it is served normally.
 */
public final class LoopMarker {
  private static final String COOKIE = "z9hG4bK";
  private static final String PREFIX = COOKIE + "ot";

  private LoopMarker() {
  }

  /** A fresh branch for a request we originate, carrying its loop marker. */
  public static String branchFor(String requestUri, String callId, String fromTag, long cseq) {
    return PREFIX + marker(requestUri, callId, fromTag, cseq) + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  /** True when a lower Via is ours and carries the marker this very request would get. */
  public static boolean isLoop(SIPRequest r, String ourHost, int ourPort) {
    ListIterator<?> vias = r.getHeaders(ViaHeader.NAME);
    String expected = null;
    boolean top = true;
    while (vias.hasNext()) {
      Via v = (Via) vias.next();
      String branch = v.getBranch();
      boolean ours = ourHost.equalsIgnoreCase(v.getHost())
          && (v.getPort() == ourPort || v.getPort() <= 0 && ourPort == 5060);
      if (!top && ours && branch != null && branch.startsWith(PREFIX)) {
        if (expected == null) {
          expected = PREFIX + marker(r.getRequestURI().toString(), r.getCallId().getCallId(),
              ((FromHeader) r.getHeader(FromHeader.NAME)).getTag(), r.getCSeq().getSeqNumber());
        }
        if (branch.startsWith(expected + ".")) {
          return true;
        }
      }
      top = false;
    }
    return false;
  }

  static String marker(String requestUri, String callId, String fromTag, long cseq) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((requestUri + "\n" + callId + "\n" + fromTag + "\n" + cseq)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
