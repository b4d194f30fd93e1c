package org.opentelephony.media.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Copies 16-bit samples between {@code short[]} and the native-byte-order {@code byte[]} that
 * libjitsi's Opus JNI takes: its C side casts the byte array to {@code opus_int16*}.
 */
final class NativePcm {
  private static final VarHandle SHORTS =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

  private NativePcm() {}

  static void toBytes(short[] src, int srcOff, byte[] dst, int count) {
    for (int i = 0; i < count; i++) {
      SHORTS.set(dst, i << 1, src[srcOff + i]);
    }
  }

  static void toShorts(byte[] src, short[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = (short) SHORTS.get(src, i << 1);
    }
  }
}
