package org.opentelephony.gateway.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed view of the call API's keys ({@code api.*}, {@code accounts.permissions}); defaults in
 * the gateway's reference.conf, validated here so a bad value stops the server with its key.
 */
public record ApiConfig(Duration tokenTtl, Duration reconnectWindow, List<String> allowedOrigins,
    int maxFrameBytes, int sipPort, Duration statsInterval,
    Map<String, Permissions> permissions) {

  /** The smallest reconnection window the contract allows. */
  public static final Duration MIN_RECONNECT_WINDOW = Duration.ofSeconds(10);

  /** What an account may do through the API; absent entries allow everything. */
  public record Permissions(boolean video) {
    public static final Permissions ALL = new Permissions(true);
  }

  public static ApiConfig from(Config c) {
    Duration ttl = c.getDuration("api.token-ttl");
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException.BadValue("api.token-ttl", "must be at least 1s: " + ttl);
    }
    Duration window = c.getDuration("api.reconnect-window");
    if (window.compareTo(MIN_RECONNECT_WINDOW) < 0) {
      throw new ConfigException.BadValue("api.reconnect-window",
          "must be at least 10s: " + window);
    }
    int frame = c.getInt("api.max-frame-bytes");
    if (frame < 1024 || frame > 16 * 1024 * 1024) {
      throw new ConfigException.BadValue("api.max-frame-bytes",
          "must be between 1024 and 16777216: " + frame);
    }
    int port = c.getInt("api.sip-port");
    if (port < 1 || port > 65535) {
      throw new ConfigException.BadValue("api.sip-port", "port out of range: " + port);
    }
    if (port == c.getInt("sip.port")) {
      throw new ConfigException.BadValue("api.sip-port", "same as sip.port: " + port);
    }
    Duration stats = c.getDuration("api.stats-interval");
    if (stats.compareTo(Duration.ofMillis(100)) < 0) {
      throw new ConfigException.BadValue("api.stats-interval", "must be at least 100ms");
    }
    Map<String, Permissions> perms = new HashMap<>();
    if (c.hasPath("accounts.permissions")) {
      Config p = c.getConfig("accounts.permissions");
      for (String user : p.root().keySet()) {
        Config u = p.getConfig(quote(user));
        perms.put(user, new Permissions(!u.hasPath("video") || u.getBoolean("video")));
      }
    }
    return new ApiConfig(ttl, window, List.copyOf(c.getStringList("api.allowed-origins")), frame,
        port, stats, Map.copyOf(perms));
  }

  public Permissions permissionsOf(String user) {
    return permissions.getOrDefault(user, Permissions.ALL);
  }

  public boolean originAllowed(String origin) {
    return origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
  }

  private static String quote(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
