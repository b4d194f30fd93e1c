package org.opentelephony.media.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * The ICE and DTLS attributes of a browser's body (RFC 8839, RFC 8842): credentials, candidates,
 * certificate fingerprint and DTLS role. With BUNDLE one transport carries every media line, so
 * the first RTP media line that is not rejected is read; session-level values are the fallback.
 *
 * @param setup one of {@code actpass}, {@code active}, {@code passive}; actpass when absent
 */
public record TransportParams(String iceUfrag, String icePwd, String fingerprint, String setup,
    List<String> candidates, boolean endOfCandidates) {

  /** Reads the parameters; fails when ICE credentials or the fingerprint are missing. */
  public static TransportParams of(SessionDescription sd) throws SdpParseException {
    String ufrag = null;
    String pwd = null;
    String fingerprint = null;
    String setup = null;
    for (String l : sd.sessionLines()) {
      ufrag = value(l, "a=ice-ufrag:", ufrag);
      pwd = value(l, "a=ice-pwd:", pwd);
      fingerprint = value(l, "a=fingerprint:", fingerprint);
      setup = value(l, "a=setup:", setup);
    }
    List<String> candidates = new ArrayList<>();
    boolean end = false;
    MediaDescription first = firstTransport(sd);
    if (first != null) {
      for (String l : first.otherLines()) {
        ufrag = value(l, "a=ice-ufrag:", ufrag);
        pwd = value(l, "a=ice-pwd:", pwd);
        fingerprint = value(l, "a=fingerprint:", fingerprint);
        setup = value(l, "a=setup:", setup);
        if (l.startsWith("a=candidate:")) {
          candidates.add(l.substring(2));
        } else if (l.equals("a=end-of-candidates")) {
          end = true;
        }
      }
    }
    if (ufrag == null || pwd == null) {
      throw new SdpParseException("a DTLS-SRTP body without a=ice-ufrag/a=ice-pwd");
    }
    if (fingerprint == null || fingerprint.indexOf(' ') < 0) {
      throw new SdpParseException("a DTLS-SRTP body without a usable a=fingerprint");
    }
    if (setup == null) {
      setup = "actpass";
    }
    if (!setup.equals("actpass") && !setup.equals("active") && !setup.equals("passive")) {
      throw new SdpParseException("bad a=setup: " + setup);
    }
    return new TransportParams(ufrag, pwd, fingerprint, setup, List.copyOf(candidates), end);
  }

  private static MediaDescription firstTransport(SessionDescription sd) {
    for (MediaDescription m : sd.media()) {
      if (!m.rejected() && m.isRtp()) {
        return m;
      }
    }
    return null;
  }

  private static String value(String line, String prefix, String current) {
    return line.startsWith(prefix) ? line.substring(prefix.length()).trim() : current;
  }
}
