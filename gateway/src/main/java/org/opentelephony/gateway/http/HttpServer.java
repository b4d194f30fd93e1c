package org.opentelephony.gateway.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.opentelephony.gateway.api.ApiService;
import org.opentelephony.gateway.api.ApiWebSocket;
import org.opentelephony.gateway.api.CallHistoryHandler;
import org.opentelephony.gateway.api.TokenHandler;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.opentelephony.gateway.GatewayConfig;
import org.opentelephony.sip.SipServer;
import org.opentelephony.sip.tls.TlsMaterial;

/** The embedded HTTP(S) server (Jetty 12 core API): health, metrics and the REST API. */
public final class HttpServer {
  private final Server jetty;
  private final ServerConnector connector;
  private final ServerConnector tlsConnector;

  private HttpServer(Server jetty, ServerConnector connector, ServerConnector tlsConnector) {
    this.jetty = jetty;
    this.connector = connector;
    this.tlsConnector = tlsConnector;
  }

  /**
   * @param tls the key material for the HTTPS connector; null when HTTPS is off
   */
  public static HttpServer start(GatewayConfig config, SipServer sip,
      java.util.function.Supplier<java.util.Map<String, Long>> mediaMetrics, TlsMaterial tls)
      throws Exception {
    return start(config, sip, mediaMetrics, tls, null);
  }

  /**
   * @param api the JSON call API ({@code /ws}, {@code /api/token}, {@code /api/calls}); null
   *            to serve without it
   */
  public static HttpServer start(GatewayConfig config, SipServer sip,
      java.util.function.Supplier<java.util.Map<String, Long>> mediaMetrics, TlsMaterial tls,
      ApiService api) throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(config.httpBindAddress());
    connector.setPort(config.httpPort());
    jetty.addConnector(connector);
    ServerConnector tlsConnector = null;
    if (config.httpsEnabled() && tls != null) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(tls.keyStore());
      ssl.setKeyStorePassword(tls.password());
      tlsConnector = new ServerConnector(jetty, ssl);
      tlsConnector.setHost(config.httpBindAddress());
      tlsConnector.setPort(config.httpsPort());
      jetty.addConnector(tlsConnector);
    }
    Handler.Sequence routes = new Handler.Sequence();
    routes.addHandler(new ApiHandler(sip, mediaMetrics));
    if (api != null) {
      routes.addHandler(new TokenHandler(api.tokens()));
      routes.addHandler(new CallHistoryHandler(api.tokens(), sip.records()));
    }
    ResourceHandler web = staticFiles();
    if (web != null) {
      routes.addHandler(web);
    }
    if (api != null) {
      WebSocketUpgradeHandler ws = ApiWebSocket.handler(jetty, api);
      ws.setHandler(routes);
      jetty.setHandler(ws);
    } else {
      jetty.setHandler(routes);
    }
    jetty.setStopTimeout(2000);
    jetty.start();
    return new HttpServer(jetty, connector, tlsConnector);
  }

  /** The demo page and the JavaScript SDK: classpath {@code web/} at {@code /}. */
  private static ResourceHandler staticFiles() {
    ResourceHandler rh = new ResourceHandler();
    Resource base = ResourceFactory.of(rh).newClassLoaderResource("web/");
    if (base == null) {
      return null;
    }
    rh.setBaseResource(base);
    rh.setDirAllowed(false);
    rh.setWelcomeFiles("index.html");
    return rh;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The HTTPS port, or -1 when HTTPS is off. */
  public int httpsPort() {
    return tlsConnector == null ? -1 : tlsConnector.getLocalPort();
  }

  public void stop() {
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop HTTP server", e);
    }
  }
}
