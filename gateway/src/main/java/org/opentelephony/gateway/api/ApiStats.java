package org.opentelephony.gateway.api;

import static org.opentelephony.gateway.api.ApiEvents.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opentelephony.sip.call.CallState;

/**
 * The periodic statistics of one session's calls: {@code call.stats} on every tick and
 * {@code call.media} only when a call's ICE/DTLS state changed. Runs on the session's serial
 * executor (the service schedules the ticks).
 */
final class ApiStats {
  private final ApiSession session;
  private final ApiService service;
  private final ApiEvents events;

  ApiStats(ApiSession session, ApiService service, ApiEvents events) {
    this.session = session;
    this.service = service;
    this.events = events;
  }

  /** Sends call.stats and (when changed) call.media for every TALKING call. */
  void tick() {
    if (!events.connected()) {
      return;
    }
    for (ApiCall c : session.liveCalls()) {
      if (c.state() != CallState.TALKING) {
        continue;
      }
      JsonNode streams = service.mediaStats(c);
      if (streams == null) {
        continue;
      }
      ObjectNode st = event("call.stats", c);
      st.set("streams", streams);
      events.send(st);
      String leg = c.direction == ApiCall.Direction.OUTGOING ? "caller" : "callee";
      JsonNode t = streams.path(0).path(leg).path("transport");
      ObjectNode media = event("call.media", c);
      media.put("ice", t.path("ice").asText("none"));
      media.put("dtls", t.path("dtls").asText("none"));
      if (t.path("dtlsFailure").isTextual()) {
        media.put("dtlsFailure", t.get("dtlsFailure").asText());
      } else {
        media.putNull("dtlsFailure");
      }
      String key = media.toString();
      if (!key.equals(c.lastMediaState)) {
        c.lastMediaState = key;
        events.send(media);
      }
    }
  }
}
