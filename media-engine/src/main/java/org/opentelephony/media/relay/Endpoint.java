package org.opentelephony.media.relay;

import java.net.InetSocketAddress;
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

  Endpoint(MediaSession.Side side, PortAllocator.Pair ports) {
    this.side = side;
    this.ports = ports;
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

  void close() {
    TranscodingPath t = transcode;
    if (t != null) {
      t.close();
    }
    ports.close();
  }
}
