package org.opentelephony.media.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/**
 * Hands out RTP/RTCP port pairs (an even port and the next one, RFC 3550 11) from a configured
 * range, binding both before returning them. Ports in use by anything else are skipped.
 */
public final class PortAllocator {
  /** A bound pair: RTP on the even port, RTCP on the next. */
  public record Pair(DatagramChannel rtp, DatagramChannel rtcp, int rtpPort) {
    public void close() {
      closeQuietly(rtp);
      closeQuietly(rtcp);
    }
  }

  private final InetAddress bind;
  private final int min;
  private final int max;
  private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

  public PortAllocator(InetAddress bind, int min, int max) {
    if (min < 1024 || max > 65535 || max - min < 2) {
      throw new IllegalArgumentException("bad media port range " + min + "-" + max);
    }
    this.bind = bind;
    this.min = (min % 2 == 0) ? min : min + 1;
    this.max = max;
  }

  /**
   * Binds the next free pair, trying each pair of the range at most once. Lock-free: concurrent
   * callers get different candidate pairs and bind them in parallel.
   */
  public Pair allocate() throws IOException {
    int pairs = (max - min + 1) / 2;
    for (int i = 0; i < pairs; i++) {
      int port = min + 2 * Math.floorMod(next.getAndIncrement(), pairs);
      DatagramChannel rtp = tryBind(port);
      if (rtp == null) {
        continue;
      }
      DatagramChannel rtcp = tryBind(port + 1);
      if (rtcp == null) {
        closeQuietly(rtp);
        continue;
      }
      return new Pair(rtp, rtcp, port);
    }
    throw new IOException("no free media port pair in " + min + "-" + max);
  }

  private DatagramChannel tryBind(int port) {
    DatagramChannel ch = null;
    try {
      ch = DatagramChannel.open();
      ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
      ch.bind(new InetSocketAddress(bind, port));
      ch.configureBlocking(false);
      return ch;
    } catch (IOException e) {
      closeQuietly(ch);
      return null;
    }
  }

  static void closeQuietly(DatagramChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing a UDP socket cannot fail in a way we could act on
      }
    }
  }
}
