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
    List<SeedAccount> seedAccounts) {

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
        seeds);
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
