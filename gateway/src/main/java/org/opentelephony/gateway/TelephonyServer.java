package org.opentelephony.gateway;

import com.typesafe.config.Config;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.gateway.http.HttpServer;
import org.opentelephony.sip.SipServer;
import org.opentelephony.sip.call.MediaNegotiator;
import org.opentelephony.sip.config.SipConfig;

/** The whole server: the SIP core and the HTTP server, started and stopped together. */
public final class TelephonyServer implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(TelephonyServer.class);

  private final SipServer sip;
  private final HttpServer http;
  private boolean stopped;

  private TelephonyServer(SipServer sip, HttpServer http) {
    this.sip = sip;
    this.http = http;
  }

  /** Starts everything from a resolved configuration (reference.conf + overrides). */
  public static TelephonyServer start(Config config) throws Exception {
    SipConfig sipConfig = SipConfig.from(config);
    GatewayConfig gwConfig = GatewayConfig.from(config);
    SipServer sip = SipServer.start(sipConfig, MediaNegotiator.PASS_THROUGH);
    try {
      HttpServer http = HttpServer.start(gwConfig, sip);
      return new TelephonyServer(sip, http);
    } catch (Exception e) {
      sip.stop();
      throw e;
    }
  }

  public SipServer sip() {
    return sip;
  }

  public int httpPort() {
    return http.port();
  }

  /** Ends calls cleanly (BYE on both legs), flushes records, closes ports. Idempotent. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    LOG.info("shutting down");
    http.stop();
    sip.stop();
  }

  @Override
  public void close() {
    stop();
  }
}
