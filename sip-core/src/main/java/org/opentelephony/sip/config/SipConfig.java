package org.opentelephony.sip.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Typed view of the SIP core's configuration (keys under {@code sip}, {@code storage},
 * {@code accounts} and {@code data-dir}; defaults in {@code reference.conf}). Built once at
 * start-up; every value is validated here so that a bad file fails fast with the key's name.
 */
public record SipConfig(
    Path dataDir,
    String bindAddress,
    String advertisedAddress,
    int port,
    List<String> transports,
    String domain,
    String realm,
    List<String> aliases,
    List<String> trustedPeers,
    String userAgent,
    int maxMessageSize,
    int workerThreads,
    int stackThreads,
    Duration defaultExpires,
    Duration minExpires,
    Duration maxExpires,
    int maxContactsPerUser,
    Duration nonceLifetime,
    List<String> digestAlgorithms,
    List<String> md5OnlyUserAgents,
    Duration noAnswerTimeout,
    int maxForwards,
    Duration storageFlushInterval,
    int storageMaxBatch,
    List<SeedAccount> seedAccounts,
    WebSockets webSockets,
    TlsSettings tls) {

  /**
   * SIP over WebSocket (RFC 7118) listening points, on the SIP bind address.
   *
   * @param wsPort  plain {@code ws://} port, used when {@code wsEnabled}
   * @param wssPort {@code wss://} port (TLS from {@link TlsSettings}), used when {@code wssEnabled}
   */
  public record WebSockets(boolean wsEnabled, int wsPort, boolean wssEnabled, int wssPort) {
    public boolean any() {
      return wsEnabled || wssEnabled;
    }
  }

  /**
   * The server's TLS key material for wss and HTTPS: a key store file, or (when {@code keyStore}
   * is empty) a self-signed certificate generated once under the data folder.
   */
  public record TlsSettings(String keyStore, String keyStorePassword, String keyStoreType) {
    public boolean configured() {
      return !keyStore.isBlank();
    }

    @Override
    public String toString() {
      return "TlsSettings[" + (configured() ? keyStore + " (" + keyStoreType + ")" : "self-signed")
          + "]"; // never print the password
    }
  }

  /** The port of our listening point for {@code transport} (udp, tcp, ws, wss). */
  public int portFor(String transport) {
    return switch (transport.toLowerCase(Locale.ROOT)) {
      case "ws" -> webSockets.wsPort();
      case "wss" -> webSockets.wssPort();
      default -> port;
    };
  }

  /** True for the WebSocket transports, whose devices are reachable only over their connection. */
  public static boolean isWebSocket(String transport) {
    return "ws".equalsIgnoreCase(transport) || "wss".equalsIgnoreCase(transport);
  }

  /** An account created at start-up if missing. */
  public record SeedAccount(String user, String password) {
    @Override
    public String toString() {
      return "SeedAccount[" + user + "]"; // never print the password
    }
  }

  public static SipConfig from(Config c) {
    String bind = c.getString("sip.bind-address");
    String adv = c.getString("sip.advertised-address");
    String domain = c.getString("sip.domain");
    String realm = c.getString("sip.realm");
    List<String> transports = c.getStringList("sip.transports").stream()
        .map(t -> t.toLowerCase(Locale.ROOT)).toList();
    for (String t : transports) {
      if (!t.equals("udp") && !t.equals("tcp")) {
        throw new ConfigException.BadValue("sip.transports", "unsupported transport " + t);
      }
    }
    List<String> algorithms = c.getStringList("sip.auth.algorithms").stream()
        .map(a -> a.toUpperCase(Locale.ROOT)).toList();
    for (String a : algorithms) {
      if (!a.equals("MD5") && !a.equals("SHA-256")) {
        throw new ConfigException.BadValue("sip.auth.algorithms", "unsupported algorithm " + a);
      }
    }
    if (algorithms.isEmpty()) {
      throw new ConfigException.BadValue("sip.auth.algorithms", "at least one algorithm");
    }
    List<SeedAccount> seeds = c.getConfigList("accounts.seed").stream()
        .map(a -> new SeedAccount(a.getString("user"), a.getString("password"))).toList();
    SipConfig cfg = new SipConfig(
        Path.of(c.getString("data-dir")),
        bind,
        adv.isBlank() ? bind : adv,
        port(c, "sip.port"),
        transports,
        domain,
        realm.isBlank() ? domain : realm,
        c.getStringList("sip.aliases"),
        c.getStringList("sip.trusted-peers"),
        c.getString("sip.user-agent"),
        positive(c, "sip.max-message-size"),
        positive(c, "sip.worker-threads"),
        positive(c, "sip.stack-threads"),
        c.getDuration("sip.registrar.default-expires"),
        c.getDuration("sip.registrar.min-expires"),
        c.getDuration("sip.registrar.max-expires"),
        positive(c, "sip.registrar.max-contacts-per-user"),
        c.getDuration("sip.auth.nonce-lifetime"),
        algorithms,
        c.getStringList("sip.auth.md5-only-user-agents"),
        c.getDuration("sip.call.no-answer-timeout"),
        positive(c, "sip.call.max-forwards"),
        c.getDuration("storage.flush-interval"),
        positive(c, "storage.max-batch"),
        seeds,
        new WebSockets(c.getBoolean("sip.ws.enabled"), port(c, "sip.ws.port"),
            c.getBoolean("sip.wss.enabled"), port(c, "sip.wss.port")),
        new TlsSettings(c.getString("tls.key-store"), c.getString("tls.key-store-password"),
            c.getString("tls.key-store-type")));
    WebSockets ws = cfg.webSockets;
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    ports.add(cfg.port);
    if (ws.wsEnabled && !ports.add(ws.wsPort)) {
      throw new ConfigException.BadValue("sip.ws.port", "port already used: " + ws.wsPort);
    }
    if (ws.wssEnabled && !ports.add(ws.wssPort)) {
      throw new ConfigException.BadValue("sip.wss.port", "port already used: " + ws.wssPort);
    }
    if (cfg.tls.configured() && cfg.tls.keyStorePassword().isEmpty()) {
      throw new ConfigException.BadValue("tls.key-store-password", "needed with tls.key-store");
    }
    if (cfg.minExpires.compareTo(cfg.maxExpires) > 0
        || cfg.defaultExpires.compareTo(cfg.minExpires) < 0
        || cfg.defaultExpires.compareTo(cfg.maxExpires) > 0) {
      throw new ConfigException.BadValue("sip.registrar",
          "need min-expires <= default-expires <= max-expires");
    }
    if (cfg.noAnswerTimeout.isNegative() || cfg.noAnswerTimeout.isZero()) {
      throw new ConfigException.BadValue("sip.call.no-answer-timeout", "must be positive");
    }
    return cfg;
  }

  private static int port(Config c, String key) {
    int p = c.getInt(key);
    if (p < 1 || p > 65535) {
      throw new ConfigException.BadValue(key, "port out of range: " + p);
    }
    return p;
  }

  private static int positive(Config c, String key) {
    int v = c.getInt(key);
    if (v <= 0) {
      throw new ConfigException.BadValue(key, "must be positive: " + v);
    }
    return v;
  }
}
