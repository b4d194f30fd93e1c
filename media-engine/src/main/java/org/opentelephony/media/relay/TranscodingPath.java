package org.opentelephony.media.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.opentelephony.media.codec.Transcoder;
import org.opentelephony.media.rtp.RtpPacket;

/**
 * One direction of a transcoded stream (for example PCMU from a phone to Opus for the other
 * leg). The relay thread only copies the packet into a free slot and queues it; decoding and
 * encoding run on the transcoding pool, one packet at a time per path, so a slow codec never
 * holds up relaying. When all slots are busy the packet is dropped and counted.
 */
final class TranscodingPath implements Runnable {
  private static final int SLOTS = 16;
  private static final int SLOT_SIZE = RelayLoop.MAX_PACKET;

  final int inputPayloadType;
  private final int outputPayloadType;
  private final Transcoder transcoder;
  private final Endpoint to;
  private final Executor pool;
  private final LongAdder overloadDrops;
  private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(SLOTS);
  private final ArrayBlockingQueue<byte[]> ready = new ArrayBlockingQueue<>(SLOTS);
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final byte[] out = new byte[SLOT_SIZE + PacketPath.TAIL_ROOM];
  private final ByteBuffer outBuf = ByteBuffer.wrap(out);
  private boolean closed;
  private int sequence;

  TranscodingPath(int inputPayloadType, int outputPayloadType, Transcoder transcoder,
      Endpoint to, Executor pool, LongAdder overloadDrops) {
    this.inputPayloadType = inputPayloadType;
    this.outputPayloadType = outputPayloadType;
    this.transcoder = transcoder;
    this.to = to;
    this.pool = pool;
    this.overloadDrops = overloadDrops;
    for (int i = 0; i < SLOTS; i++) {
      free.add(new byte[SLOT_SIZE + 2]);
    }
  }

  /** Relay thread: queues a copy of the packet (valid RTP, {@code len <= MAX_PACKET}). */
  void submit(byte[] packet, int len) {
    byte[] slot = free.poll();
    if (slot == null) {
      overloadDrops.increment();
      return;
    }
    slot[0] = (byte) (len >>> 8);
    slot[1] = (byte) len;
    System.arraycopy(packet, 0, slot, 2, len);
    ready.add(slot);
    if (scheduled.compareAndSet(false, true)) {
      pool.execute(this);
    }
  }

  /** Transcoding thread: drains the queued packets in order. */
  @Override
  public void run() {
    while (true) {
      byte[] slot;
      while ((slot = ready.poll()) != null) {
        transcodeAndSend(slot, ((slot[0] & 0xFF) << 8) | (slot[1] & 0xFF));
        free.add(slot);
      }
      scheduled.set(false);
      if (ready.isEmpty() || !scheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private synchronized void transcodeAndSend(byte[] slot, int len) {
    if (closed) {
      return;
    }
    int off = 2;
    int header = RtpPacket.headerLength(slot, off);
    int payload = RtpPacket.payloadLength(slot, off, len);
    int n = transcoder.transcode(slot, off + header, payload, out, RtpPacket.FIXED_HEADER,
        out.length - RtpPacket.FIXED_HEADER);
    if (n <= 0 || !to.canSend()) {
      return;
    }
    out[0] = (byte) 0x80;
    out[1] = (byte) ((slot[off + 1] & 0x80) | outputPayloadType); // keep the marker bit
    RtpPacket.setSequence(out, 0, sequence++ & 0xFFFF);
    long ts = RtpPacket.timestamp(slot, off) * transcoder.outputClockRate()
        / transcoder.inputClockRate();
    RtpPacket.setTimestamp(out, 0, ts & 0xFFFFFFFFL);
    RtpPacket.setSsrc(out, 0, RtpPacket.ssrc(slot, off));
    try {
      to.sendRtp(out, outBuf, RtpPacket.FIXED_HEADER + n);
    } catch (IOException e) {
      // the session is closing; nothing to do
    }
  }

  /** Frees the codec's native state; packets still queued are discarded. */
  synchronized void close() {
    closed = true;
    transcoder.close();
  }
}
