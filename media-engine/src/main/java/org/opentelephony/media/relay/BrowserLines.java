package org.opentelephony.media.relay;

import java.util.ArrayList;
import java.util.List;
import org.opentelephony.media.relay.MediaSession.Side;
import org.opentelephony.media.sdp.MediaDescription;
import org.opentelephony.media.sdp.Profile;
import org.opentelephony.media.sdp.WebRtcSection;

/**
 * The parts of a browser leg's body that belong to a whole call rather than one media line:
 * the BUNDLE group, each line's mid on each side, and the sender SSRC announced by the browser
 * on the other side. A {@link MediaSession} collects them as bodies pass and writes them here.
 */
final class BrowserLines {
  private BrowserLines() {
  }

  /** Session-level lines for a browser on {@code to}: every accepted line in one BUNDLE group. */
  static List<String> bundle(List<Stream> streams, Side to, String streamId) {
    StringBuilder sb = new StringBuilder("a=group:BUNDLE");
    for (int i = 0; i < streams.size(); i++) {
      Stream s = streams.get(i);
      if (!s.rejected) {
        sb.append(' ').append(mid(s, to, i));
      }
    }
    return List.of(sb.toString(), "a=msid-semantic: WMS " + streamId);
  }

  /** What the server writes into media line {@code index} of a body for the browser on {@code to}. */
  static WebRtcSection section(WebRtcLeg leg, Stream s, Side to, int index, String setup,
      String fingerprint, String streamId) {
    return new WebRtcSection(mid(s, to, index), leg.localUfrag(), leg.localPassword(),
        fingerprint, setup, leg.localCandidates(), streamId, s.type + index,
        s.ssrcLines.get(to.other().ordinal()));
  }

  private static String mid(Stream s, Side to, int index) {
    String mid = s.mids[to.ordinal()];
    return mid != null ? mid : String.valueOf(index);
  }

  /** Remembers a browser's mid and its sender's a=ssrc lines for the other side's body. */
  static void note(Stream s, Side side, MediaDescription m, int index) {
    if (Profile.of(m.protocol()) != Profile.WEBRTC) {
      return;
    }
    String mid = m.mid();
    s.mids[side.ordinal()] = mid != null ? mid : String.valueOf(index);
    s.ssrcLines.set(side.ordinal(), primarySsrcLines(m.otherLines()));
  }

  /**
   * The a=ssrc cname line of the first (media) SSRC. Retransmission and FEC SSRCs are left out:
   * the server negotiates no repair formats; and the server writes its own a=msid.
   */
  static List<String> primarySsrcLines(List<String> lines) {
    String primary = null;
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (!l.startsWith("a=ssrc:")) {
        continue;
      }
      int sp = l.indexOf(' ');
      String ssrc = sp > 0 ? l.substring(7, sp) : l.substring(7);
      if (primary == null) {
        primary = ssrc;
      }
      if (primary.equals(ssrc) && l.contains(" cname:")) {
        out.add(l);
      }
    }
    return out;
  }
}
