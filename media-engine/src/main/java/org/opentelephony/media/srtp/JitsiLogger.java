package org.opentelephony.media.srtp;

import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * jitsi-srtp logs through jitsi-utils' logger, and at SEVERE for every replayed or late packet:
 * one line per packet under attack or plain network reordering. Everything it reports per packet
 * is counted by {@link SrtpSession}, so its messages come here one level down (error/warn become
 * DEBUG, info/debug become TRACE) in Log4j under {@code org.opentelephony.media.srtp.jitsi}.
 */
final class JitsiLogger implements org.jitsi.utils.logging2.Logger {
  static final JitsiLogger INSTANCE = new JitsiLogger();

  private final Logger log = LogManager.getLogger("org.opentelephony.media.srtp.jitsi");

  private JitsiLogger() {
  }

  @Override
  public org.jitsi.utils.logging2.Logger createChildLogger(String name, Map<String, String> context) {
    return this;
  }

  @Override
  public org.jitsi.utils.logging2.Logger createChildLogger(String name) {
    return this;
  }

  @Override
  public void setUseParentHandlers(boolean useParentHandlers) {
  }

  @Override
  public void addHandler(Handler handler) {
  }

  @Override
  public void removeHandler(Handler handler) {
  }

  @Override
  public boolean isTraceEnabled() {
    return log.isTraceEnabled();
  }

  @Override
  public void trace(Object msg) {
    log.trace("{}", msg);
  }

  @Override
  public void trace(Supplier<String> msg) {
    if (log.isTraceEnabled()) {
      log.trace(msg.get());
    }
  }

  @Override
  public boolean isDebugEnabled() {
    return log.isTraceEnabled();
  }

  @Override
  public void debug(Object msg) {
    log.trace("{}", msg);
  }

  @Override
  public void debug(Supplier<String> msg) {
    trace(msg);
  }

  @Override
  public boolean isInfoEnabled() {
    return log.isTraceEnabled();
  }

  @Override
  public void info(Object msg) {
    log.trace("{}", msg);
  }

  @Override
  public void info(Supplier<String> msg) {
    trace(msg);
  }

  @Override
  public boolean isWarnEnabled() {
    return log.isDebugEnabled();
  }

  @Override
  public void warn(Object msg) {
    log.debug("{}", msg);
  }

  @Override
  public void warn(Supplier<String> msg) {
    if (log.isDebugEnabled()) {
      log.debug(msg.get());
    }
  }

  @Override
  public void warn(Object msg, Throwable t) {
    log.debug(String.valueOf(msg), t);
  }

  @Override
  public void error(Object msg) {
    log.debug("{}", msg);
  }

  @Override
  public void error(Supplier<String> msg) {
    warn(msg);
  }

  @Override
  public void error(Object msg, Throwable t) {
    log.debug(String.valueOf(msg), t);
  }

  // Levels are Log4j's business; jitsi-srtp never sets them.
  @Override
  public void setLevelError() {
  }

  @Override
  public void setLevelWarn() {
  }

  @Override
  public void setLevelInfo() {
  }

  @Override
  public void setLevelDebug() {
  }

  @Override
  public void setLevelTrace() {
  }

  @Override
  public void setLevelAll() {
  }

  @Override
  public void setLevelOff() {
  }

  @Override
  public void setLevel(Level level) {
  }

  @Override
  public Level getLevel() {
    return log.isTraceEnabled() ? Level.ALL : log.isDebugEnabled() ? Level.WARNING : Level.OFF;
  }

  @Override
  public void addContext(Map<String, String> context) {
  }

  @Override
  public void addContext(String key, String value) {
  }

  @Override
  public void removeContext(String key) {
  }
}
