package org.opentelephony.sip.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opentelephony.media.MediaConfig;
import org.opentelephony.media.ice.IceConfig;

/** Reads the {@code media} keys into the media engine's settings; empty when anchoring is off. */
public final class MediaSettings {
  private MediaSettings() {
  }

  public static Optional<MediaConfig> from(Config c) {
    if (!c.getBoolean("media.enabled")) {
      return Optional.empty();
    }
    String bind = c.getString("media.bind-address");
    String adv = c.getString("media.advertised-address");
    int min = c.getInt("media.port-min");
    int max = c.getInt("media.port-max");
    if (min < 1024 || max > 65535 || max - min < 3) {
      throw new ConfigException.BadValue("media.port-min",
          "need 1024 <= port-min < port-max <= 65535 with room for a pair: " + min + "-" + max);
    }
    int threads = c.getInt("media.threads");
    if (threads < 1) {
      throw new ConfigException.BadValue("media.threads", "must be positive");
    }
    var timeout = c.getDuration("media.inactivity-timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigException.BadValue("media.inactivity-timeout", "must be positive");
    }
    return Optional.of(new MediaConfig(bind, adv.isBlank() ? bind : adv, min, max, threads,
        timeout, ice(c, bind)));
  }

  /** The {@code media.webrtc} keys; null when browser legs are off. */
  static IceConfig ice(Config c, String mediaBind) {
    Config w = c.getConfig("media.webrtc");
    if (!w.getBoolean("enabled")) {
      return null;
    }
    List<String> addresses = w.getStringList("ice-addresses");
    if (addresses.isEmpty()) {
      addresses = List.of(mediaBind);
    }
    String adv = w.getString("advertised-address");
    List<IceConfig.NatMapping> nat = new ArrayList<>();
    if (!adv.isBlank()) {
      for (String a : addresses) {
        nat.add(new IceConfig.NatMapping(a, adv));
      }
    }
    List<IceConfig.TurnServer> turn = new ArrayList<>();
    for (Config t : w.getConfigList("turn-servers")) {
      turn.add(new IceConfig.TurnServer(t.getString("address"), t.getString("username"),
          t.getString("password")));
    }
    try {
      return new IceConfig(addresses, w.getInt("ice-port"), nat, w.getStringList("stun-servers"),
          turn, true, w.getDuration("consent-timeout"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue("media.webrtc", e.getMessage());
    }
  }
}
