package org.opentelephony.media.srtp;

/**
 * SSRC to crypto context for one direction: a leg carries a handful of streams, so a linear scan
 * over two small arrays beats a hash map and boxes nothing per packet. Not thread-safe.
 */
final class SsrcTable<T> {
  private final int[] ssrcs;
  private final Object[] values;
  private int size;

  SsrcTable(int capacity) {
    ssrcs = new int[capacity];
    values = new Object[capacity];
  }

  @SuppressWarnings("unchecked")
  T get(int ssrc) {
    for (int i = 0; i < size; i++) {
      if (ssrcs[i] == ssrc) {
        return (T) values[i];
      }
    }
    return null;
  }

  boolean isFull() {
    return size == ssrcs.length;
  }

  /** Adds a stream not yet present; the caller checked {@link #isFull()}. */
  void put(int ssrc, T value) {
    ssrcs[size] = ssrc;
    values[size] = value;
    size++;
  }

  void clear() {
    java.util.Arrays.fill(values, null);
    size = 0;
  }
}
