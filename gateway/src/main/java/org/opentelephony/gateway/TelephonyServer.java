package org.opentelephony.gateway;

import com.typesafe.config.Config;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.gateway.api.ApiConfig;
import org.opentelephony.gateway.api.ApiService;
import org.opentelephony.gateway.http.HttpServer;
import org.opentelephony.media.relay.MediaSession;
import org.opentelephony.sip.SipServer;
import org.opentelephony.sip.call.MediaNegotiator;
import org.opentelephony.sip.config.MediaSettings;
import org.opentelephony.sip.config.SipConfig;
import org.opentelephony.sip.media.AnchoredMedia;
import org.opentelephony.sip.tls.TlsMaterial;
import org.opentelephony.media.MediaConfig;
import org.opentelephony.media.relay.MediaEngine;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The whole server: the SIP core and the HTTP server, started and stopped together. */
public final class TelephonyServer implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(TelephonyServer.class);

  private final SipServer sip;
  private final HttpServer http;
  private final MediaEngine media;
  private final TlsMaterial tls;
  private final ApiService api;
  private boolean stopped;

  private TelephonyServer(SipServer sip, HttpServer http, MediaEngine media, TlsMaterial tls,
      ApiService api) {
    this.api = api;
    this.sip = sip;
    this.http = http;
    this.media = media;
    this.tls = tls;
  }

  /** The TLS identity of wss and HTTPS, or null when both are off. */
  public TlsMaterial tls() {
    return tls;
  }

  /** The HTTPS port, or -1 when HTTPS is off. */
  public int httpsPort() {
    return http.httpsPort();
  }

  /** Starts everything from a resolved configuration (reference.conf + overrides). */
  public static TelephonyServer start(Config config) throws Exception {
    SipConfig sipConfig = SipConfig.from(config);
    GatewayConfig gwConfig = GatewayConfig.from(config);
    Optional<MediaConfig> mediaConfig = MediaSettings.from(config);
    // one TLS identity for wss and HTTPS
    TlsMaterial tls = sipConfig.webSockets().wssEnabled() || gwConfig.httpsEnabled()
        ? SipServer.loadTls(sipConfig) : null;
    MediaEngine media = mediaConfig.isPresent() ? MediaEngine.start(mediaConfig.get()) : null;
    ApiConfig apiConfig = ApiConfig.from(config);
    SipServer sip = null;
    ApiService api = null;
    try {
      AnchoredMedia anchored = media == null ? null : new AnchoredMedia(media);
      sip = SipServer.start(sipConfig,
          anchored == null ? MediaNegotiator.PASS_THROUGH : anchored, tls);
      api = ApiService.start(apiConfig, sip, anchored == null ? ApiService.CandidateSink.NONE
          : (call, callerSide, candidate) -> {
            anchored.session(call).addRemoteCandidate(callerSide
                ? MediaSession.Side.CALLER : MediaSession.Side.CALLEE, candidate);
            return true;
          });
      Supplier<Map<String, Long>> mediaMetrics = media == null ? Map::of : media::metrics;
      HttpServer http = HttpServer.start(gwConfig, sip, mediaMetrics, tls, api);
      return new TelephonyServer(sip, http, media, tls, api);
    } catch (Exception e) {
      if (api != null) {
        api.close();
      }
      if (sip != null) {
        sip.stop();
      }
      if (media != null) {
        media.close();
      }
      throw e;
    }
  }

  /** The media relay, or null when media anchoring is disabled. */
  public MediaEngine media() {
    return media;
  }

  /** The JSON call API. */
  public ApiService api() {
    return api;
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
    api.close();
    sip.stop();
    if (media != null) {
      media.close();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
