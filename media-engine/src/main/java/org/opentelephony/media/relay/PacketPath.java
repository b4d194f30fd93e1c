package org.opentelephony.media.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.opentelephony.media.rtp.RtcpPacket;
import org.opentelephony.media.rtp.RtpPacket;

/**
 * What happens to a packet once its leg accepted it: counted, mapped to the peer leg's payload
 * type (or handed to a transcoder) and sent to the peer leg's device, in place in the receiving
 * thread's buffer. One per receiving thread (a relay loop, or a browser leg's reader), so that
 * nothing is allocated per packet.
 */
final class PacketPath {
  /** Room after a packet for the SRTP tag a browser leg appends in place. */
  static final int TAIL_ROOM = 64;

  private final byte[] bytes;
  private final ByteBuffer buf;
  private final RelayCounters counters;
  private final RtcpObserver rtcp = new RtcpObserver();

  PacketPath(byte[] bytes, ByteBuffer buf, RelayCounters counters) {
    this.bytes = bytes;
    this.buf = buf;
    this.counters = counters;
  }

  /** An RTP packet at offset 0, valid and from the leg's device. */
  void rtp(Endpoint e, int len, long now) {
    LegStats st = e.stats;
    st.packetsIn++;
    st.bytesIn += len;
    e.lastPacketMillis = now;
    st.onRtp(RtpPacket.sequence(bytes, 0), RtpPacket.timestamp(bytes, 0), now, e.clockRate);
    long ssrc = RtpPacket.ssrc(bytes, 0);
    if (ssrc != e.inboundSsrc) {
      e.inboundSsrc = ssrc;
      if (e.video) {
        // the peer's decoder joins this source mid-stream: it needs a keyframe to start
        Keyframes.request(e, ssrc);
      }
    }
    int inPt = RtpPacket.payloadType(bytes, 0);
    TranscodingPath t = e.transcode;
    if (t != null && inPt == t.inputPayloadType) {
      t.submit(bytes, len);
      return;
    }
    int pt = e.ptOut[inPt];
    Endpoint peer = e.peer;
    if (pt < 0 || !peer.canSend()) {
      st.unknownPayloadType++;
      counters.notForwarded.increment();
      return;
    }
    RtpPacket.setPayloadType(bytes, 0, pt);
    try {
      if (peer.sendRtp(bytes, buf, len)) {
        counters.forwarded.increment();
      } else {
        counters.notForwarded.increment();
      }
    } catch (IOException ex) {
      counters.sendErrors.increment();
    }
  }

  /** An RTCP packet at offset 0, valid and from the leg's device. */
  void rtcp(Endpoint e, int len, long now) {
    e.stats.rtcpIn++;
    e.lastPacketMillis = now;
    rtcp.observe(e, bytes, len, now);
    try {
      if (e.peer.sendRtcp(bytes, buf, len)) {
        counters.forwarded.increment();
      }
    } catch (IOException ex) {
      counters.sendErrors.increment();
    }
  }

  static boolean isRtcpFeedback(byte[] b, int off) {
    int pt = b[off + 1] & 0xFF;
    return pt == RtcpPacket.PSFB || pt == RtcpPacket.RTPFB;
  }
}
