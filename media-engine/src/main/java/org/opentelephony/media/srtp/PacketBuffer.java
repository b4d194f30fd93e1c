package org.opentelephony.media.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * jitsi-srtp's view of the caller's {@code byte[] + offset + length}: one instance per direction,
 * re-pointed at each packet so protecting allocates nothing. Never grows the array: the caller
 * leaves {@link SrtpSession#MAX_OVERHEAD} bytes of room and the session checks before it starts.
 */
final class PacketBuffer implements ByteArrayBuffer {
  private byte[] buf;
  private int off;
  private int len;

  PacketBuffer point(byte[] buf, int off, int len) {
    this.buf = buf;
    this.off = off;
    this.len = len;
    return this;
  }

  /** Drops the reference to the caller's array once a packet is done. */
  void release() {
    buf = null;
  }

  @Override
  public byte[] getBuffer() {
    return buf;
  }

  @Override
  public int getOffset() {
    return off;
  }

  @Override
  public int getLength() {
    return len;
  }

  @Override
  public void setLength(int len) {
    this.len = len;
  }

  @Override
  public void setOffset(int off) {
    this.off = off;
  }

  @Override
  public boolean isInvalid() {
    return buf == null;
  }

  @Override
  public void readRegionToBuff(int from, int length, byte[] out) {
    System.arraycopy(buf, off + from, out, 0, length);
  }

  @Override
  public void grow(int howMuch) {
    if (buf.length - off - len < howMuch) {
      // The session checks room before calling jitsi-srtp; reaching here is a bug, not input.
      throw new IllegalStateException("no room for " + howMuch + " more bytes");
    }
  }

  @Override
  public void append(byte[] data, int length) {
    grow(length);
    System.arraycopy(data, 0, buf, off + len, length);
    len += length;
  }

  @Override
  public void shrink(int howMuch) {
    if (howMuch > 0) {
      len = Math.max(0, len - howMuch);
    }
  }
}
