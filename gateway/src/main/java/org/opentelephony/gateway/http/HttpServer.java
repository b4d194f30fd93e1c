package org.opentelephony.gateway.http;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.opentelephony.gateway.GatewayConfig;
import org.opentelephony.sip.SipServer;

/** The embedded HTTP server (Jetty 12 core API): health, metrics and the REST API. */
public final class HttpServer {
  private final Server jetty;
  private final ServerConnector connector;

  private HttpServer(Server jetty, ServerConnector connector) {
    this.jetty = jetty;
    this.connector = connector;
  }

  public static HttpServer start(GatewayConfig config, SipServer sip,
      java.util.function.Supplier<java.util.Map<String, Long>> mediaMetrics) throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(config.httpBindAddress());
    connector.setPort(config.httpPort());
    jetty.addConnector(connector);
    jetty.setHandler(new ApiHandler(sip, mediaMetrics));
    jetty.setStopTimeout(2000);
    jetty.start();
    return new HttpServer(jetty, connector);
  }

  public int port() {
    return connector.getLocalPort();
  }

  public void stop() {
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop HTTP server", e);
    }
  }
}
