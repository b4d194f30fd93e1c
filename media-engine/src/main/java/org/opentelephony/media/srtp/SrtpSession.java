package org.opentelephony.media.srtp;

import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.LongAdder;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.opentelephony.media.rtp.RtcpPacket;
import org.opentelephony.media.rtp.RtpPacket;

/**
 * SRTP and SRTCP for one leg (RFC 3711, RFC 7714), in place over {@code byte[] + offset +
 * length}, on top of jitsi-srtp. Each SSRC gets its own crypto context derived from the leg's
 * master keys, created on first use.
 *
 * <p>Threads: the sending side ({@code protect*}) may be called from several threads and is
 * serialised here; the receiving side ({@code unprotect*}) must be called from one thread at a
 * time (the leg's receive loop).
 *
 * <p>Results: the new length, or a negative {@link Failure#code()} that is also counted. Both
 * directions refuse replays: received ones (RFC 3711 3.3.2), and on sending an RTP index already
 * used or more than 64 behind the newest, whose keystream would repeat.
 */
public final class SrtpSession implements AutoCloseable {
  /**
   * Room the caller must leave after a packet for {@code protect*}: the largest tail any profile
   * adds (SRTCP with AES-GCM: 4-byte index + 16-byte tag).
   */
  public static final int MAX_OVERHEAD = SrtpProfile.SRTCP_INDEX_LENGTH + 16;

  /** Streams per direction; beyond it, packets of new SSRCs are dropped (bounded memory). */
  static final int MAX_SOURCES = 64;

  /** Why a packet was not (un)protected. */
  public enum Failure {
    AUTH_FAILED(-1),
    REPLAYED(-2),
    MALFORMED(-3),
    TOO_MANY_SOURCES(-4),
    CRYPTO_ERROR(-5);

    private final int code;

    Failure(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    /** The failure a negative result stands for; null for a length. */
    public static Failure of(int result) {
      for (Failure f : values()) {
        if (f.code == result) {
          return f;
        }
      }
      return null;
    }
  }

  /** Counters at one moment; each may be a few packets behind the others. */
  public record Stats(long protectedPackets, long unprotectedPackets, long authFailures,
      long replays, long sendReplays, long malformed, long tooManySources, long cryptoErrors) {
  }

  private final SrtpProfile profile;
  private volatile boolean closed;
  private final Side send;
  private final Side receive;

  private final LongAdder protectedPackets = new LongAdder();
  private final LongAdder unprotectedPackets = new LongAdder();
  private final LongAdder authFailures = new LongAdder();
  private final LongAdder replays = new LongAdder();
  private final LongAdder sendReplays = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder tooManySources = new LongAdder();
  private final LongAdder cryptoErrors = new LongAdder();

  public SrtpSession(SrtpKeys keys) {
    this.profile = keys.profile();
    this.send = new Side(new SrtpContextFactory(true, keys.localKey(), keys.localSalt(),
        profile.newPolicy(), profile.newPolicy(), JitsiLogger.INSTANCE));
    this.receive = new Side(new SrtpContextFactory(false, keys.remoteKey(), keys.remoteSalt(),
        profile.newPolicy(), profile.newPolicy(), JitsiLogger.INSTANCE));
  }

  /**
   * Loads and selects the crypto providers (jitsi-srtp benchmarks OpenSSL, SunJCE and
   * BouncyCastle AES on first use): 1-3 s on a busy machine. Call once at start-up so the first
   * call's media thread does not pay it.
   */
  public static void warmUp() {
    byte[] rtp = new byte[RtpPacket.FIXED_HEADER + 160 + MAX_OVERHEAD];
    rtp[0] = (byte) 0x80;
    for (SrtpProfile p : SrtpProfile.values()) {
      SrtpKeys keys = new SrtpKeys(p, new byte[p.keyLength()], new byte[p.saltLength()],
          new byte[p.keyLength()], new byte[p.saltLength()]);
      try (SrtpSession a = new SrtpSession(keys); SrtpSession b = new SrtpSession(keys)) {
        int len = a.protectRtp(rtp, 0, RtpPacket.FIXED_HEADER + 160);
        b.unprotectRtp(rtp, 0, len);
      }
    }
  }

  public SrtpProfile profile() {
    return profile;
  }

  /** Encrypts and authenticates an RTP packet; needs {@link SrtpProfile#rtpOverhead()} of room. */
  public int protectRtp(byte[] buf, int off, int len) {
    if (closed) {
      return fail(Failure.CRYPTO_ERROR);
    }
    if (RtpPacket.check(buf, off, len) != RtpPacket.Check.OK) {
      return fail(Failure.MALFORMED);
    }
    requireRoom(buf, off, len, profile.rtpOverhead());
    int ssrc = (int) RtpPacket.ssrc(buf, off);
    synchronized (send) {
      try {
        SrtpCryptoContext ctx = send.rtp.get(ssrc);
        if (ctx == null) {
          if (send.rtp.isFull()) {
            return fail(Failure.TOO_MANY_SOURCES);
          }
          ctx = send.factory.deriveContext(ssrc, 0);
          send.rtp.put(ssrc, ctx);
        }
        return sent(ctx.transformPacket(send.buffer.point(buf, off, len)), send.buffer);
      } catch (GeneralSecurityException e) {
        return fail(Failure.CRYPTO_ERROR);
      } finally {
        send.buffer.release();
      }
    }
  }

  /** Encrypts and authenticates a compound RTCP packet; needs {@link SrtpProfile#rtcpOverhead()}. */
  public int protectRtcp(byte[] buf, int off, int len) {
    if (closed) {
      return fail(Failure.CRYPTO_ERROR);
    }
    // Only what SRTCP reads (version, type, sender SSRC): validating the compound is the RTCP
    // stage's job, and a sender may pad or carry types we do not parse.
    if (len < 8 || (buf[off] & 0xC0) != 0x80 || !RtcpPacket.isRtcp(buf, off, len)) {
      return fail(Failure.MALFORMED);
    }
    requireRoom(buf, off, len, profile.rtcpOverhead());
    int ssrc = senderSsrc(buf, off);
    synchronized (send) {
      try {
        SrtcpCryptoContext ctx = send.rtcp.get(ssrc);
        if (ctx == null) {
          if (send.rtcp.isFull()) {
            return fail(Failure.TOO_MANY_SOURCES);
          }
          ctx = send.factory.deriveControlContext(ssrc);
          send.rtcp.put(ssrc, ctx);
        }
        return sent(ctx.transformPacket(send.buffer.point(buf, off, len)), send.buffer);
      } catch (GeneralSecurityException e) {
        return fail(Failure.CRYPTO_ERROR);
      } finally {
        send.buffer.release();
      }
    }
  }

  /** Authenticates, replay-checks and decrypts an SRTP packet; returns the RTP length. */
  public int unprotectRtp(byte[] buf, int off, int len) {
    if (closed) {
      return fail(Failure.CRYPTO_ERROR);
    }
    if (len < RtpPacket.FIXED_HEADER + profile.rtpOverhead() || RtpPacket.version(buf, off) != 2) {
      return fail(Failure.MALFORMED);
    }
    int ssrc = (int) RtpPacket.ssrc(buf, off);
    try {
      SrtpCryptoContext ctx = receive.rtp.get(ssrc);
      boolean fresh = ctx == null;
      if (fresh) {
        if (receive.rtp.isFull()) {
          return fail(Failure.TOO_MANY_SOURCES);
        }
        ctx = receive.factory.deriveContext(ssrc, 0);
      }
      int result = received(ctx.reverseTransformPacket(receive.buffer.point(buf, off, len), false),
          receive.buffer);
      // Only a stream that authenticated once is kept: forged SSRCs cannot fill the table.
      if (fresh && result >= 0) {
        receive.rtp.put(ssrc, ctx);
      }
      return result;
    } catch (GeneralSecurityException e) {
      return fail(Failure.CRYPTO_ERROR);
    } finally {
      receive.buffer.release();
    }
  }

  /** Authenticates, replay-checks and decrypts an SRTCP packet; returns the RTCP length. */
  public int unprotectRtcp(byte[] buf, int off, int len) {
    if (closed) {
      return fail(Failure.CRYPTO_ERROR);
    }
    if (len < 8 + profile.rtcpOverhead() || (buf[off] & 0xC0) != 0x80) {
      return fail(Failure.MALFORMED);
    }
    int ssrc = senderSsrc(buf, off);
    try {
      SrtcpCryptoContext ctx = receive.rtcp.get(ssrc);
      boolean fresh = ctx == null;
      if (fresh) {
        if (receive.rtcp.isFull()) {
          return fail(Failure.TOO_MANY_SOURCES);
        }
        ctx = receive.factory.deriveControlContext(ssrc);
      }
      int result = received(ctx.reverseTransformPacket(receive.buffer.point(buf, off, len)),
          receive.buffer);
      if (fresh && result >= 0) {
        receive.rtcp.put(ssrc, ctx);
      }
      return result;
    } catch (GeneralSecurityException e) {
      return fail(Failure.CRYPTO_ERROR);
    } finally {
      receive.buffer.release();
    }
  }

  public Stats stats() {
    return new Stats(protectedPackets.sum(), unprotectedPackets.sum(), authFailures.sum(),
        replays.sum(), sendReplays.sum(), malformed.sum(), tooManySources.sum(),
        cryptoErrors.sum());
  }

  /** Forgets the keys; later calls fail with {@link Failure#CRYPTO_ERROR}. */
  @Override
  public void close() {
    closed = true;
    synchronized (send) {
      send.close();
    }
    receive.close();
  }

  private int sent(SrtpErrorStatus status, PacketBuffer b) {
    switch (status) {
      case OK:
        protectedPackets.increment();
        return b.getLength();
      case REPLAY_FAIL:
      case REPLAY_OLD:
        // jitsi-srtp refuses to encrypt an RTP index twice (or >64 behind the newest): that
        // would reuse keystream. A relay meets it with duplicated or very late packets.
        sendReplays.increment();
        return Failure.REPLAYED.code();
      default:
        return fail(Failure.MALFORMED);
    }
  }

  private int received(SrtpErrorStatus status, PacketBuffer b) {
    switch (status) {
      case OK:
        unprotectedPackets.increment();
        return b.getLength();
      case AUTH_FAIL:
        return fail(Failure.AUTH_FAILED);
      case REPLAY_FAIL:
      case REPLAY_OLD:
        return fail(Failure.REPLAYED);
      default:
        return fail(Failure.MALFORMED);
    }
  }

  private int fail(Failure f) {
    switch (f) {
      case AUTH_FAILED -> authFailures.increment();
      case REPLAYED -> replays.increment();
      case MALFORMED -> malformed.increment();
      case TOO_MANY_SOURCES -> tooManySources.increment();
      case CRYPTO_ERROR -> cryptoErrors.increment();
      default -> throw new AssertionError(f);
    }
    return f.code();
  }

  private static void requireRoom(byte[] buf, int off, int len, int overhead) {
    if (buf.length - off - len < overhead) {
      throw new IllegalArgumentException("need " + overhead + " bytes after the packet, have "
          + (buf.length - off - len));
    }
  }

  private static int senderSsrc(byte[] b, int off) {
    return ((b[off + 4] & 0xFF) << 24) | ((b[off + 5] & 0xFF) << 16) | ((b[off + 6] & 0xFF) << 8)
        | (b[off + 7] & 0xFF);
  }

  /** One direction: its key factory, its streams and its reusable buffer view. */
  private static final class Side {
    final SrtpContextFactory factory;
    final SsrcTable<SrtpCryptoContext> rtp = new SsrcTable<>(MAX_SOURCES);
    final SsrcTable<SrtcpCryptoContext> rtcp = new SsrcTable<>(MAX_SOURCES);
    final PacketBuffer buffer = new PacketBuffer();

    Side(SrtpContextFactory factory) {
      this.factory = factory;
    }

    void close() {
      rtp.clear();
      rtcp.clear();
      factory.close();
    }
  }
}
