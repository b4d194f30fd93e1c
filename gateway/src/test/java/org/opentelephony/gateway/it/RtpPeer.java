package org.opentelephony.gateway.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A fake phone's media side for the integration tests: a UDP socket on 127.0.0.1 that records
 * every RTP packet it receives (with where it came from) and, if asked, echoes each one back to
 * its sender, as a phone with symmetric RTP would answer. Also builds RTP packets and writes
 * G.711 audio for SIPp's {@code rtp_stream}.
 */
final class RtpPeer implements AutoCloseable {
  /** One received RTP packet. */
  record Packet(InetSocketAddress from, int payloadType, int sequence, long timestamp, long ssrc,
      byte[] payload) {
  }

  private final DatagramSocket socket;
  private final boolean echo;
  private final List<Packet> received = new ArrayList<>();
  private final Thread reader;
  private volatile boolean open = true;
  private int echoed;
  private int notRtp;

  private RtpPeer(boolean echo) throws SocketException {
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.socket.setSoTimeout(100);
    this.echo = echo;
    this.reader = new Thread(this::read, "rtp-peer-" + socket.getLocalPort());
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Binds a socket on a free loopback port; with {@code echo} every packet goes back. */
  static RtpPeer open(boolean echo) throws SocketException {
    return new RtpPeer(echo);
  }

  int port() {
    return socket.getLocalPort();
  }

  private void read() {
    byte[] buf = new byte[2048];
    while (open) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (IOException e) {
        return; // closed
      }
      InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
      Optional<Packet> rtp = parse(from, p.getData(), p.getLength());
      synchronized (this) {
        if (rtp.isPresent()) {
          received.add(rtp.get());
        } else {
          notRtp++;
        }
      }
      if (echo && rtp.isPresent()) {
        try {
          socket.send(new DatagramPacket(p.getData(), p.getLength(), from));
          synchronized (this) {
            echoed++;
          }
        } catch (IOException e) {
          return;
        }
      }
    }
  }

  synchronized List<Packet> received() {
    return List.copyOf(received);
  }

  synchronized int echoed() {
    return echoed;
  }

  synchronized int notRtp() {
    return notRtp;
  }

  /** Waits (at most {@code ms}) until {@code n} RTP packets arrived. */
  List<Packet> awaitPackets(int n, long ms) throws InterruptedException {
    return ItSupport.await(n + " RTP packets on port " + port(), ms, () -> {
      List<Packet> now = received();
      return now.size() >= n ? Optional.of(now) : Optional.empty();
    });
  }

  @Override
  public void close() {
    open = false;
    socket.close();
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ RTP and G.711 helpers

  /** Parses an RTP packet (RFC 3550 5.1, version 2, with CSRCs and extension skipped). */
  static Optional<Packet> parse(InetSocketAddress from, byte[] b, int len) {
    if (len < 12 || (b[0] & 0xC0) != 0x80) {
      return Optional.empty();
    }
    int pt = b[1] & 0x7F;
    if (pt >= 72 && pt <= 76) {
      return Optional.empty(); // RTCP (SR/RR/SDES/BYE/APP share the port range check)
    }
    ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
    int seq = bb.getShort(2) & 0xFFFF;
    long ts = bb.getInt(4) & 0xFFFFFFFFL;
    long ssrc = bb.getInt(8) & 0xFFFFFFFFL;
    int off = 12 + 4 * (b[0] & 0x0F);
    if ((b[0] & 0x10) != 0 && len >= off + 4) {
      off += 4 + 4 * (bb.getShort(off + 2) & 0xFFFF);
    }
    int end = len;
    if ((b[0] & 0x20) != 0 && len > off) {
      end -= b[len - 1] & 0xFF; // padding
    }
    if (off > end) {
      return Optional.empty();
    }
    return Optional.of(new Packet(from, pt, seq, ts, ssrc, Arrays.copyOfRange(b, off, end)));
  }

  /** A minimal RTP packet: version 2, no padding, extension or CSRC, marker off. */
  static byte[] rtp(int payloadType, int sequence, long timestamp, long ssrc, byte[] payload) {
    ByteBuffer bb = ByteBuffer.allocate(12 + payload.length);
    bb.put((byte) 0x80).put((byte) (payloadType & 0x7F)).putShort((short) sequence)
        .putInt((int) timestamp).putInt((int) ssrc).put(payload);
    return bb.array();
  }

  /** G.711 mu-law of one 16-bit linear sample (ITU-T G.711, with the usual 0x84 bias). */
  static byte ulaw(int sample) {
    final int bias = 0x84;
    final int clip = 32635;
    int sign = sample < 0 ? 0x80 : 0;
    int magnitude = Math.min(Math.abs(sample), clip) + bias;
    int exponent = 7;
    for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
      exponent--;
    }
    int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
    return (byte) ~(sign | (exponent << 4) | mantissa);
  }

  /** {@code ms} milliseconds of a sine tone at 8 kHz, as raw mu-law bytes (PCMU payload). */
  static byte[] ulawTone(int hz, int ms) {
    byte[] out = new byte[8 * ms];
    for (int i = 0; i < out.length; i++) {
      out[i] = ulaw((int) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / 8000.0)));
    }
    return out;
  }

  /**
   * Writes {@link #ulawTone} to {@code target/rtp/NAME} and returns its path: a file for SIPp's
   * {@code rtp_stream} (SIPp 3.6.1 sends a file's bytes as they are, 160 per PCMU packet).
   */
  static Path ulawToneFile(String name, int hz, int ms) throws IOException {
    Path dir = Path.of("target", "rtp").toAbsolutePath();
    Files.createDirectories(dir);
    Path f = dir.resolve(name);
    Files.write(f, ulawTone(hz, ms));
    return f;
  }
}
