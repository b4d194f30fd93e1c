package org.opentelephony.sip.util;

/** Wall-clock milliseconds, injectable so that expiry logic can be tested without sleeping. */
@FunctionalInterface
public interface Clock {
  Clock SYSTEM = System::currentTimeMillis;

  long millis();
}
