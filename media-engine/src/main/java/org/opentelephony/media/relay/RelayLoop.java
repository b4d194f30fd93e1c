package org.opentelephony.media.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.media.rtp.RtcpPacket;
import org.opentelephony.media.rtp.RtpPacket;

/**
 * One relay thread: a selector over the sockets of the streams it owns. A packet is read into
 * the thread's one buffer, checked and rewritten in place (payload type), and sent out of the
 * peer leg's socket; nothing is allocated per packet.
 */
final class RelayLoop implements Runnable {
  private static final Logger LOG = LogManager.getLogger(RelayLoop.class);
  /** Larger datagrams are not RTP from a phone (MTU-sized at most): dropped as oversized. */
  static final int MAX_PACKET = 1500;
  private static final int BURST = 64;

  /** What a selection key points at: one socket of one endpoint. */
  private record Socket(Endpoint endpoint, boolean rtcp) {
  }

  private final Selector selector;
  private final ByteBuffer buf = ByteBuffer.allocate(65_536);
  private final byte[] bytes = buf.array();
  private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
  private final MediaEngine engine;
  private final RelayCounters counters;
  private final PacketPath path;
  private volatile boolean running = true;
  private long now;
  private final Consumer<SelectionKey> onReady = this::onReady;

  RelayLoop(MediaEngine engine, RelayCounters counters) throws IOException {
    this.engine = engine;
    this.counters = counters;
    this.selector = Selector.open();
    this.path = new PacketPath(bytes, buf, counters);
  }

  void register(Stream s) {
    pending.add(() -> {
      add(s.caller, s.caller.ports.rtp(), false);
      add(s.caller, s.caller.ports.rtcp(), true);
      add(s.callee, s.callee.ports.rtp(), false);
      add(s.callee, s.callee.ports.rtcp(), true);
    });
    selector.wakeup();
  }

  private void add(Endpoint e, DatagramChannel ch, boolean rtcp) {
    try {
      ch.register(selector, SelectionKey.OP_READ, new Socket(e, rtcp));
    } catch (ClosedChannelException ex) {
      // the session was closed before we got to it
    }
  }

  void stop() {
    running = false;
    selector.wakeup();
  }

  @Override
  public void run() {
    while (running) {
      try {
        now = engine.clock().millis();
        Runnable r;
        while ((r = pending.poll()) != null) {
          r.run();
        }
        // the consumer form of select needs no selected-key set or iterator per wake-up
        selector.select(onReady, 500);
      } catch (IOException | RuntimeException e) {
        LOG.error("relay loop error", e);
      }
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // shutting down
    }
  }

  private void onReady(SelectionKey key) {
    if (key.isValid()) {
      now = engine.clock().millis();
      drain(key);
    }
  }

  private void drain(SelectionKey key) {
    Socket sock = (Socket) key.attachment();
    DatagramChannel ch = (DatagramChannel) key.channel();
    for (int i = 0; i < BURST; i++) {
      buf.clear();
      SocketAddress from;
      try {
        from = ch.receive(buf);
      } catch (IOException e) {
        key.cancel(); // closed by the session
        return;
      }
      if (from == null) {
        return;
      }
      int len = buf.position();
      if (sock.rtcp()) {
        onRtcp(sock.endpoint(), (InetSocketAddress) from, len);
      } else {
        onRtp(sock.endpoint(), (InetSocketAddress) from, len);
      }
    }
  }

  private void onRtp(Endpoint e, InetSocketAddress from, int len) {
    LegStats st = e.stats;
    if (len > MAX_PACKET) {
      st.malformed++;
      counters.oversized.increment();
      return;
    }
    if (RtpPacket.check(bytes, 0, len) != RtpPacket.Check.OK) {
      st.malformed++;
      counters.malformed.increment();
      return;
    }
    if (!e.acceptRtp(from)) {
      st.strangers++;
      counters.strangers.increment();
      return;
    }
    path.rtp(e, len, now);
  }

  private void onRtcp(Endpoint e, InetSocketAddress from, int len) {
    LegStats st = e.stats;
    if (len > MAX_PACKET || RtcpPacket.check(bytes, 0, len) != RtcpPacket.Check.OK) {
      st.malformed++;
      counters.malformed.increment();
      return;
    }
    if (!e.acceptRtcp(from)) {
      st.strangers++;
      counters.strangers.increment();
      return;
    }
    path.rtcp(e, len, now);
  }
}
