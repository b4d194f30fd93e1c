package org.opentelephony.media.codec;

import java.util.function.LongConsumer;

/**
 * A native codec pointer, kept apart from its Java owner so that a Cleaner can free it. The
 * Cleaner runs it at most once: from the owner's {@code close()} or, for an owner that was
 * forgotten, from the Cleaner's own thread.
 */
final class NativeHandle implements Runnable {
  long ptr;
  private final LongConsumer destroy;

  NativeHandle(long ptr, LongConsumer destroy) {
    this.ptr = ptr;
    this.destroy = destroy;
  }

  @Override
  public void run() {
    long p = ptr;
    ptr = 0;
    if (p != 0) {
      destroy.accept(p);
    }
  }
}
