package org.opentelephony.media.relay;

import org.opentelephony.media.rtp.RtcpPacket;

/**
 * Reads what relayed RTCP says about each leg: a device's receiver reports give its loss and
 * jitter; the delay between forwarding a sender report to a device and that device's report
 * quoting it (LSR/DLSR, RFC 3550 6.4.1) gives the round trip between the server and the device.
 * One per relay thread (it keeps the packet being read in fields to avoid allocating).
 */
final class RtcpObserver implements RtcpPacket.ReportVisitor {
  private Endpoint from;
  private long now;

  void observe(Endpoint e, byte[] b, int len, long nowMillis) {
    this.from = e;
    this.now = nowMillis;
    RtcpPacket.forEachReport(b, 0, len, this);
  }

  @Override
  public void senderInfo(long senderSsrc, long ntpSeconds, long ntpFraction) {
    // this SR is forwarded to the peer's device: remember when, to match its next report
    Endpoint peer = from.peer;
    peer.lastSrMiddle = ((ntpSeconds & 0xFFFF) << 16) | (ntpFraction >>> 16);
    peer.lastSrForwardedMillis = now;
  }

  @Override
  public void report(long reporterSsrc, long sourceSsrc, int fractionLost, int cumulativeLost,
      long jitter, long lsr, long dlsr) {
    LegStats st = from.stats;
    st.remoteFractionLost = fractionLost;
    st.remoteCumulativeLost = cumulativeLost;
    st.remoteJitter = jitter;
    if (lsr != 0 && lsr == from.lastSrMiddle) {
      long rtt = now - from.lastSrForwardedMillis - dlsr * 1000 / 65536;
      if (rtt >= 0) {
        st.rttMillis = rtt;
      }
    }
  }
}
