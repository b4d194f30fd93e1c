package org.opentelephony.sip.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Optional;
import org.opentelephony.media.MediaConfig;

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
        timeout));
  }
}
