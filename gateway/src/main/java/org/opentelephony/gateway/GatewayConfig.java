package org.opentelephony.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/** Typed view of the gateway's keys ({@code http.*}); defaults in the gateway's reference.conf. */
public record GatewayConfig(String httpBindAddress, int httpPort) {

  public static GatewayConfig from(Config c) {
    int port = c.getInt("http.port");
    if (port < 1 || port > 65535) {
      throw new ConfigException.BadValue("http.port", "port out of range: " + port);
    }
    return new GatewayConfig(c.getString("http.bind-address"), port);
  }
}
