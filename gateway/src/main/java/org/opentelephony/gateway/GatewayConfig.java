package org.opentelephony.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Typed view of the gateway's keys ({@code http.*}); defaults in the gateway's reference.conf.
 * HTTPS uses the server's TLS key material ({@code tls.*}, shared with wss).
 */
public record GatewayConfig(String httpBindAddress, int httpPort, boolean httpsEnabled,
    int httpsPort) {

  public static GatewayConfig from(Config c) {
    int port = port(c, "http.port");
    boolean https = c.getBoolean("http.https-enabled");
    int httpsPort = port(c, "http.https-port");
    if (https && httpsPort == port) {
      throw new ConfigException.BadValue("http.https-port", "same as http.port: " + port);
    }
    return new GatewayConfig(c.getString("http.bind-address"), port, https, httpsPort);
  }

  private static int port(Config c, String key) {
    int port = c.getInt(key);
    if (port < 1 || port > 65535) {
      throw new ConfigException.BadValue(key, "port out of range: " + port);
    }
    return port;
  }
}
