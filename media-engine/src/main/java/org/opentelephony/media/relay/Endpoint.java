package org.opentelephony.media.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The server's side of one leg for one media stream: the port pair the leg's device sends to,
 * where that device is (from its SDP, then latched to where its packets really come from), and
 * how payload types of its packets map onto the peer leg's.
 */
final class Endpoint {
  final MediaSession.Side side;
  final PortAllocator.Pair ports;
  final LegStats stats = new LegStats();
  /** Payload type to use towards the peer for each payload type received here; -1 drops. */
  final int[] ptOut = new int[128];
  Endpoint peer;
  /** Set when this leg's packets must be transcoded for the peer instead of relayed. */
  volatile TranscodingPath transcode;
  /** Set when this leg is a browser's: packets go through its ICE/DTLS-SRTP transport. */
  volatile WebRtcLeg webrtc;
  /** The SSRC this leg's device sends on this stream (-1 before its first packet). */
  volatile long inboundSsrc = -1;
  final boolean video;

  // written by the signalling thread, read by the relay thread
  private volatile InetSocketAddress sdpRtp;
  private volatile InetSocketAddress sdpRtcp;
  private volatile boolean relatch;
  volatile int clockRate = 8000;
  volatile long lastPacketMillis;
  // the last sender report forwarded to this leg's device (relay thread only)
  long lastSrMiddle;
  long lastSrForwardedMillis;

  // relay thread only
  private InetSocketAddress latchedRtp;
  private InetSocketAddress latchedRtcp;

  Endpoint(MediaSession.Side side, PortAllocator.Pair ports, boolean video) {
    this.side = side;
    this.ports = ports;
    this.video = video;
    Arrays.fill(ptOut, -1);
  }

  /**
   * Where the device says it receives (from SDP). A change of address is a signalled move (a
   * re-INVITE): the next packet may latch again.
   */
  void setRemote(InetSocketAddress rtp, InetSocketAddress rtcp) {
    boolean moved = sdpRtp != null && !sdpRtp.equals(rtp);
    sdpRtp = rtp;
    sdpRtcp = rtcp;
    if (moved) {
      relatch = true;
    }
  }

  boolean hasRemote() {
    return sdpRtp != null;
  }

  /**
   * Accepts a packet from {@code source} if it is the latched device (latching on the first one):
   * returns false for a stranger, whose packet must be dropped.
   */
  boolean acceptRtp(InetSocketAddress source) {
    if (relatch) {
      relatch = false;
      latchedRtp = null;
      latchedRtcp = null;
    }
    if (latchedRtp == null) {
      latchedRtp = source;
      return true;
    }
    return latchedRtp.equals(source);
  }

  boolean acceptRtcp(InetSocketAddress source) {
    if (latchedRtcp == null) {
      latchedRtcp = source;
      return true;
    }
    return latchedRtcp.equals(source);
  }

  /** Where to send RTP for this leg's device: where it sends from once known, else its SDP. */
  InetSocketAddress rtpTarget() {
    InetSocketAddress l = latchedRtp;
    return l != null && !relatch ? l : sdpRtp;
  }

  InetSocketAddress rtcpTarget() {
    InetSocketAddress l = latchedRtcp;
    return l != null && !relatch ? l : sdpRtcp;
  }

  /** True when a packet for this leg's device has somewhere to go. */
  boolean canSend() {
    WebRtcLeg w = webrtc;
    return w != null ? w.canSend() : rtpTarget() != null;
  }

  /**
   * Sends the RTP packet at offset 0 of {@code b} (which {@code bb} wraps) to this leg's device.
   * A browser leg protects it in place, so {@code b} needs {@link PacketPath#TAIL_ROOM} spare.
   */
  boolean sendRtp(byte[] b, ByteBuffer bb, int len) throws IOException {
    WebRtcLeg w = webrtc;
    if (w != null) {
      if (!w.sendRtp(b, len)) {
        return false;
      }
    } else {
      InetSocketAddress target = rtpTarget();
      if (target == null) {
        return false;
      }
      bb.clear().limit(len);
      ports.rtp().send(bb, target);
    }
    stats.packetsOut++;
    stats.bytesOut += len;
    return true;
  }

  /** Sends an RTCP packet (as {@link #sendRtp}); a browser leg gets it on its one transport. */
  boolean sendRtcp(byte[] b, ByteBuffer bb, int len) throws IOException {
    WebRtcLeg w = webrtc;
    if (w != null) {
      return w.sendRtcp(b, len);
    }
    InetSocketAddress target = rtcpTarget();
    if (target == null) {
      return false;
    }
    bb.clear().limit(len);
    ports.rtcp().send(bb, target);
    return true;
  }

  void close() {
    TranscodingPath t = transcode;
    if (t != null) {
      t.close();
    }
    ports.close();
  }
}
